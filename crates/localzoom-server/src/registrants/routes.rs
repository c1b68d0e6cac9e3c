//! HTTP for registrants.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};

use super::input::{BatchRegistration, NewRegistrant, QuestionsUpdate, RegistrantListRequest, RegistrantStatusChange};
use super::service;
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, PathParam, PathParams, QueryMap};
use crate::meetings::input::MeetingId;
use crate::state::AppState;
use crate::validate::Input;

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
    let input = NewRegistrant::from_request(&q, &body)?;
    let id = MeetingId::parse(&meeting_id)?;
    let added = service::add(&state, &grant, &id, input, &origin).await?;
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
    let req = RegistrantListRequest::from_query(&q)?;
    let id = MeetingId::parse(&meeting_id)?;
    Ok(Json(service::list(&state, &grant, &id, req, &origin).await?).into_response())
}

async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    PathParams((meeting_id, registrant_id)): PathParams<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::MeetingRegistrantGet>()?;
    let origin = state.public_origin(&headers);
    let id = MeetingId::parse(&meeting_id)?;
    Ok(Json(service::get(&state, &grant, &id, &registrant_id, &origin).await?).into_response())
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    PathParams((meeting_id, registrant_id)): PathParams<(String, String)>,
    q: QueryMap,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingRegistrantDelete>()?;
    let id = MeetingId::parse(&meeting_id)?;
    service::delete(&state, &grant, &id, &registrant_id, q.get("occurrence_id")).await?;
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
    let change = RegistrantStatusChange::from_request(&q, &body)?;
    let id = MeetingId::parse(&meeting_id)?;
    service::set_status(&state, &grant, &id, change).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn questions(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::MeetingRegistrantsQuestionsGet>()?;
    let id = MeetingId::parse(&meeting_id)?;
    Ok(Json(service::questions(&state, &grant, &id).await?).into_response())
}

async fn update_questions(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(meeting_id): PathParam,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::MeetingRegistrantQuestionUpdate>()?;
    let update = QuestionsUpdate::from_body(&body)?;
    let id = MeetingId::parse(&meeting_id)?;
    service::update_questions(&state, &grant, &id, update).await?;
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
    let input = BatchRegistration::from_body(&body)?;
    let id = MeetingId::parse(&meeting_id)?;
    let added = service::batch(&state, &grant, &id, input, &origin).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}
