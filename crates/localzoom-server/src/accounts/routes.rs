//! HTTP for `/v2/accounts/{accountId}/users/{userId}/account`.

use super::input::AccountSwitch;
use crate::directory::lookup::UserRef;
use crate::validate::Input;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::put;
use axum::Router;

use super::service;
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, PathParams};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v2/accounts/{account_id}/users/{user_id}/account", put(switch_account))
}

async fn switch_account(
    State(state): State<AppState>,
    caller: Caller,
    PathParams((account_id, user_id)): PathParams<(String, String)>,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::SwitchUserAccount>()?;
    let change = AccountSwitch::from_body(&body)?;
    service::switch_user_account(&state, &grant, &account_id, &UserRef::new(user_id), change).await?;
    Ok(StatusCode::NO_CONTENT)
}
