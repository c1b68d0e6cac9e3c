//! HTTP for meetings.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};

use super::service;
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, PathParam, QueryMap};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/users/{user_id}/meetings", get(list).post(create))
        .route(
            "/v2/meetings/{meeting_id}",
            get(get_meeting).patch(update).delete(delete),
        )
        .route("/v2/meetings/{meeting_id}/status", put(set_status))
}

/// This resource's control-plane routes, listed in `control::index`.
pub fn control_routes() -> Router<AppState> {
    Router::new().route("/_localzoom/meetings/{meeting_id}", put(set_live))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(user_id): PathParam,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::MeetingCreate>()?;
    let origin = state.public_origin(&headers);
    let meeting = service::create(&state, &grant, &user_id, &body, &origin).await?;
    Ok((StatusCode::CREATED, Json(meeting)).into_response())
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(user_id): PathParam,
    q: QueryMap,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::Meetings>()?;
    let origin = state.public_origin(&headers);
    Ok(Json(service::list(&state, &grant, &user_id, &q, &origin).await?).into_response())
}

async fn get_meeting(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    q: QueryMap,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::Meeting>()?;
    let origin = state.public_origin(&headers);
    Ok(Json(service::get(&state, &grant, &meeting_id, &q, &origin).await?).into_response())
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    q: QueryMap,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingUpdate>()?;
    service::update(&state, &grant, &meeting_id, &q, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    q: QueryMap,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingDelete>()?;
    service::delete(&state, &grant, &meeting_id, &q).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingStatus>()?;
    service::set_status(&state, &grant, &meeting_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_live(State(state): State<AppState>, PathParam(meeting_id): PathParam, body: Body) -> ApiResult<Response> {
    Ok(Json(service::set_live(&state, &meeting_id, &body).await?).into_response())
}
