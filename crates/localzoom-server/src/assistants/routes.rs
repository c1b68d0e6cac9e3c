//! HTTP for `/v2/users/{userId}/assistants…` and `/v2/users/{userId}/schedulers…`.

use crate::directory::lookup::{UserPath, UserRef};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};

use super::input::NewAssistants;
use super::service;
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, PathParams};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/users/{user_id}/assistants", get(list).post(add).delete(delete_all))
        .route("/v2/users/{user_id}/assistants/{assistant_id}", delete(delete_one))
        .route(
            "/v2/users/{user_id}/schedulers",
            get(schedulers).delete(delete_schedulers),
        )
        .route(
            "/v2/users/{user_id}/schedulers/{scheduler_id}",
            delete(delete_scheduler),
        )
}

async fn list(State(state): State<AppState>, caller: Caller, UserPath(user_id): UserPath) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserAssistants>()?;
    Ok(Json(service::list(&state, &grant, &user_id).await?).into_response())
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    body: Body,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserAssistantCreate>()?;
    let input = NewAssistants::from_request(&body)?;
    let added = service::add(&state, &grant, &user_id, input).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

async fn delete_all(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserAssistantsDelete>()?;
    service::delete_all(&state, &grant, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_one(
    State(state): State<AppState>,
    caller: Caller,
    PathParams((user_id, assistant_id)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserAssistantDelete>()?;
    service::delete_one(&state, &grant, &UserRef::new(user_id), &assistant_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn schedulers(State(state): State<AppState>, caller: Caller, UserPath(user_id): UserPath) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserSchedulers>()?;
    Ok(Json(service::schedulers(&state, &grant, &user_id).await?).into_response())
}

async fn delete_schedulers(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserSchedulersDelete>()?;
    service::delete_schedulers(&state, &grant, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_scheduler(
    State(state): State<AppState>,
    caller: Caller,
    PathParams((user_id, scheduler_id)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserSchedulerDelete>()?;
    service::delete_scheduler(&state, &grant, &UserRef::new(user_id), &scheduler_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
