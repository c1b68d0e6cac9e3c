//! HTTP for presence, and the control plane's client switch.

use crate::directory::lookup::UserPath;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};

use super::input::{ClientChange, PresenceChange};
use super::service::{self, ClientView};
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::Body;
use crate::state::AppState;
use crate::validate::Input;
use zoom_types::users::Presence;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/v2/users/{user_id}/presence_status",
        get(get_presence).put(update_presence),
    )
}

/// This resource's control-plane routes, listed in `control::index`.
pub fn control_routes() -> Router<AppState> {
    Router::new().route("/_localzoom/users/{user_id}/client", put(set_client))
}

async fn get_presence(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
) -> ApiResult<Json<Presence>> {
    let grant = caller.authorize::<ops::GetUserPresenceStatus>()?;
    Ok(Json(service::get(&state, &grant, &user_id).await?))
}

async fn update_presence(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UpdatePresenceStatus>()?;
    let change = PresenceChange::from_body(&body)?;
    service::update(&state, &grant, &user_id, change).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_client(
    State(state): State<AppState>,
    UserPath(user_id): UserPath,
    body: Body,
) -> ApiResult<Json<ClientView>> {
    let change = ClientChange::from_body(&body)?;
    Ok(Json(service::set_client(&state, &user_id, change).await?))
}
