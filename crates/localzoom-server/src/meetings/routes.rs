//! HTTP for meetings.

use crate::directory::lookup::UserPath;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};

use super::input::{
    self, DeleteMeeting, LiveChange, MeetingId, MeetingListRequest, MeetingPatch, MeetingQuery, MeetingStatusChange,
};
use super::service;
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, PathParam, QueryMap};
use crate::state::AppState;
use crate::validate::Input;

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
    UserPath(user_id): UserPath,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::MeetingCreate>()?;
    let origin = state.public_origin(&headers);
    let input = input::new_meeting(&body)?;
    let meeting = service::create(&state, &grant, &user_id, input, &origin).await?;
    Ok((StatusCode::CREATED, Json(meeting)).into_response())
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    q: QueryMap,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::Meetings>()?;
    let origin = state.public_origin(&headers);
    let req = MeetingListRequest::from_query(&q)?;
    Ok(Json(service::list(&state, &grant, &user_id, req, &origin).await?).into_response())
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
    let q = MeetingQuery::from_query(&q)?;
    let id = MeetingId::parse(&meeting_id)?;
    Ok(Json(service::get(&state, &grant, &id, q, &origin).await?).into_response())
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    q: QueryMap,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingUpdate>()?;
    let patch = MeetingPatch::from_request(&q, &body)?;
    let id = MeetingId::parse(&meeting_id)?;
    service::update(&state, &grant, &id, patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    q: QueryMap,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingDelete>()?;
    let opts = DeleteMeeting::from_query(&q)?;
    let id = MeetingId::parse(&meeting_id)?;
    service::delete(&state, &grant, &id, opts).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingStatus>()?;
    let change = MeetingStatusChange::from_body(&body)?;
    let id = MeetingId::parse(&meeting_id)?;
    service::set_status(&state, &grant, &id, change).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_live(State(state): State<AppState>, PathParam(meeting_id): PathParam, body: Body) -> ApiResult<Response> {
    let change = LiveChange::from_body(&body)?;
    let id = MeetingId::parse(&meeting_id)?;
    Ok(Json(service::set_live(&state, &id, change).await?).into_response())
}
