//! HTTP for `/v2/users…`: extract, authorise, call the service, shape the response.

use crate::directory::lookup::UserPath;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};

use super::input::{
    DeleteOptions, EmailQuery, GetOptions, ListRequest, NewUser, SeedUsers, StatusChange, UserPatch, VanityQuery,
};
use super::{attributes, service};
use crate::auth::{ops, Caller};
use crate::error::ApiResult;
use crate::extract::{Body, QueryMap};
use crate::state::AppState;
use crate::validate::Input;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/users", get(list).post(create))
        .route("/v2/users/email", get(email_exists))
        .route("/v2/users/summary", get(summary))
        .route("/v2/users/vanity_name", get(vanity_name))
        .route("/v2/users/features", post(bulk_features))
        .route("/v2/users/{user_id}/email", put(update_email))
        .route("/v2/users/{user_id}/permissions", get(permissions))
        .route("/v2/users/{user_id}", get(get_user).patch(update).delete(delete))
        .route("/v2/users/{user_id}/status", put(set_status))
}

/// This resource's control-plane routes, listed in `control::index`.
pub fn control_routes() -> Router<AppState> {
    Router::new().route("/_localzoom/users/seed", post(seed))
}

async fn list(State(state): State<AppState>, caller: Caller, q: QueryMap) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::Users>()?;
    let req = ListRequest::from_query(&q)?;
    Ok(Json(service::list(&state, &grant, req).await?).into_response())
}

async fn create(State(state): State<AppState>, caller: Caller, body: Body) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserCreate>()?;
    let input = NewUser::from_body(&body)?;
    Ok((StatusCode::CREATED, Json(service::create(&state, &grant, input).await?)).into_response())
}

async fn email_exists(State(state): State<AppState>, caller: Caller, q: QueryMap) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserEmail>()?;
    let q = EmailQuery::from_query(&q)?;
    Ok(Json(service::email_exists(&state, &grant, &q.email).await?).into_response())
}

async fn summary(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserSummary>()?;
    Ok(Json(service::summary(&state, &grant).await?).into_response())
}

async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    q: QueryMap,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::User>()?;
    let origin = state.public_origin(&headers);
    GetOptions::from_query(&q)?;
    Ok(Json(service::get(&state, &grant, &user_id, &origin).await?).into_response())
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    q: QueryMap,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserUpdate>()?;
    let patch = UserPatch::from_request(&q, &body)?;
    service::update(&state, &grant, &user_id, patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    q: QueryMap,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserDelete>()?;
    let opts = DeleteOptions::from_query(&q)?;
    service::delete(&state, &grant, &user_id, opts).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserStatus>()?;
    let change = StatusChange::from_body(&body)?;
    service::set_status(&state, &grant, &user_id, change).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn vanity_name(State(state): State<AppState>, caller: Caller, q: QueryMap) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserVanityName>()?;
    let q = VanityQuery::from_query(&q)?;
    Ok(Json(attributes::vanity_name(&state, &grant, &q.name).await?).into_response())
}

async fn bulk_features(State(state): State<AppState>, caller: Caller, body: Body) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::BulkUpdateFeature>()?;
    let update = attributes::FeatureUpdate::from_body(&body)?;
    let result = attributes::bulk_features(&state, &grant, update).await?;
    Ok((StatusCode::CREATED, Json(result)).into_response())
}

async fn update_email(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
    body: Body,
) -> ApiResult<StatusCode> {
    let grant = caller.authorize::<ops::UserEmailUpdate>()?;
    let change = attributes::EmailChange::from_body(&body)?;
    attributes::update_email(&state, &grant, &user_id, change).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn permissions(
    State(state): State<AppState>,
    caller: Caller,
    UserPath(user_id): UserPath,
) -> ApiResult<Response> {
    let grant = caller.authorize::<ops::UserPermission>()?;
    Ok(Json(attributes::permissions(&state, &grant, &user_id).await?).into_response())
}

/// Control plane: bulk users for load tests (`{"count": N, "account_id"?, "type"?, "email_prefix"?, "domain"?}`).
async fn seed(State(state): State<AppState>, body: Body) -> ApiResult<Response> {
    let created = service::seed(&state, SeedUsers::from_optional_body(&body)?).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}
