//! HTTP for settings, pictures and virtual backgrounds.

use crate::directory::lookup::UserPath;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::input::{FileIds, SettingsPatch, SettingsQuery};
use super::service;
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, MultipartBody, PathParam, QueryMap};
use crate::state::AppState;
use crate::validate::Input;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/users/{user_id}/settings", get(get_settings).patch(update_settings))
        .route(
            "/v2/users/{user_id}/picture",
            post(upload_picture).delete(delete_picture),
        )
        .route(
            "/v2/users/{user_id}/settings/virtual_backgrounds",
            post(upload_background).delete(delete_backgrounds),
        )
        .route("/p/{file_id}", get(picture))
}

async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    q: QueryMap,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserSettings>()?;
    let q = SettingsQuery::from_query(&q)?;
    Ok(Json(service::get(&state, &grant, &user_id, q).await?).into_response())
}

async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    q: QueryMap,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserSettingsUpdate>()?;
    let patch = SettingsPatch::from_request(&q, &body)?;
    service::update(&state, &grant, &user_id, patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn upload_picture(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    body: MultipartBody,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserPicture>()?;
    let upload = body
        .file("pic_file", service::MAX_PICTURE_BYTES, service::picture_too_big())
        .await?;
    service::upload_picture(&state, &grant, &user_id, upload).await?;
    Ok((StatusCode::CREATED, Json(json!({}))).into_response())
}

async fn delete_picture(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserPictureDelete>()?;
    service::delete_picture(&state, &grant, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn upload_background(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    body: MultipartBody,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UploadVbUser>()?;
    let upload = body
        .file("file", service::MAX_BACKGROUND_BYTES, service::background_too_big())
        .await?;
    let file = service::upload_background(&state, &grant, &user_id, upload).await?;
    Ok((StatusCode::CREATED, Json(file)).into_response())
}

async fn delete_backgrounds(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    q: QueryMap,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::DelUserVb>()?;
    let files = FileIds::from_query(&q)?;
    service::delete_backgrounds(&state, &grant, &user_id, files).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn picture(State(state): State<AppState>, PathParam(file_id): PathParam) -> ApiResult<Response> {
    let (content_type, bytes) = service::picture(&state, &file_id).await?;
    Ok((
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache".to_string())],
        bytes,
    )
        .into_response())
}
