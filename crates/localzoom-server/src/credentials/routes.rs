//! HTTP for `/v2/users/{userId}/password`, `/v2/users/{userId}/token`, `/v2/users/me/zak`, and the
//! control plane's `/_localzoom/tokens/{token}`.

use crate::directory::lookup::UserPath;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};

use super::input::{PasswordChange, TokenQuery};
use super::service::{self, TokenView, UserToken};
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, PathParam, QueryMap};
use crate::state::AppState;
use crate::validate::Input;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/users/{user_id}/password", put(set_password))
        .route("/v2/users/{user_id}/token", get(user_token).delete(revoke_tokens))
        .route("/v2/users/me/zak", get(me_zak))
}

/// This resource's control-plane routes, listed in `control::index`.
pub fn control_routes() -> Router<AppState> {
    Router::new().route("/_localzoom/tokens/{token}", get(inspect))
}

async fn set_password(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserPassword>()?;
    let change = PasswordChange::from_body(&body)?;
    service::set_password(&state, &grant, &user_id, change).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn user_token(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    q: QueryMap,
) -> ApiResult<Json<UserToken>> {
    let grant = caller.authorize::<ops::UserToken>()?;
    let q = TokenQuery::from_query(&q)?;
    Ok(Json(service::user_token(&state, &grant, &user_id, q).await?))
}

async fn revoke_tokens(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserSsoTokenDelete>()?;
    service::revoke_user_tokens(&state, &grant, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me_zak(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<UserToken>> {
    let grant = caller.authorize::<ops::UserZak>()?;
    Ok(Json(service::me_zak(&state, &grant).await?))
}

async fn inspect(State(state): State<AppState>, PathParam(token): PathParam) -> ApiResult<Json<TokenView>> {
    Ok(Json(service::inspect(&state, &token).await?))
}
