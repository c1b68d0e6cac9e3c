//! HTTP for registrants.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};

use super::service;
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, PathParam, PathParams, QueryMap};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/meetings/{meeting_id}/registrants", get(list).post(add))
        .route("/v2/meetings/{meeting_id}/registrants/status", put(set_status))
        .route(
            "/v2/meetings/{meeting_id}/registrants/questions",
            get(questions).patch(update_questions),
        )
        .route(
            "/v2/meetings/{meeting_id}/registrants/{registrant_id}",
            get(get_one).delete(delete),
        )
        .route("/v2/meetings/{meeting_id}/batch_registrants", post(batch))
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    q: QueryMap,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::MeetingRegistrantCreate>()?;
    let origin = state.public_origin(&headers);
    let added = service::add(&state, &grant, &meeting_id, &q, &body, &origin).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    q: QueryMap,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::MeetingRegistrants>()?;
    let origin = state.public_origin(&headers);
    Ok(Json(service::list(&state, &grant, &meeting_id, &q, &origin).await?).into_response())
}

async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    PathParams((meeting_id, registrant_id)): PathParams<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::MeetingRegistrantGet>()?;
    let origin = state.public_origin(&headers);
    Ok(Json(service::get(&state, &grant, &meeting_id, &registrant_id, &origin).await?).into_response())
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    PathParams((meeting_id, registrant_id)): PathParams<(String, String)>,
    q: QueryMap,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingRegistrantDelete>()?;
    service::delete(&state, &grant, &meeting_id, &registrant_id, &q).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    q: QueryMap,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingRegistrantStatus>()?;
    service::set_status(&state, &grant, &meeting_id, &q, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn questions(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::MeetingRegistrantsQuestionsGet>()?;
    Ok(Json(service::questions(&state, &grant, &meeting_id).await?).into_response())
}

async fn update_questions(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingRegistrantQuestionUpdate>()?;
    service::update_questions(&state, &grant, &meeting_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn batch(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::AddBatchRegistrants>()?;
    let origin = state.public_origin(&headers);
    let added = service::batch(&state, &grant, &meeting_id, &body, &origin).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}
