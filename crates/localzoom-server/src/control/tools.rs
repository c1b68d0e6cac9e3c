//! Control-plane routes of the test tools: the request journal and fault rules.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::json;

use super::journal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, PathParam, QueryMap};
use crate::ratelimit::faults;
use crate::state::AppState;
use crate::validate::{Check, Obj};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_localzoom/requests", get(list_requests).delete(clear_requests))
        .route("/_localzoom/requests/count", get(count_requests))
        .route(
            "/_localzoom/faults",
            get(list_faults).post(create_fault).delete(clear_faults),
        )
        .route("/_localzoom/faults/{fault_id}", delete(delete_fault))
}

fn filter(q: &QueryMap) -> ApiResult<journal::Filter> {
    let fields = q.fields();
    let root = Obj::root(&fields);
    let mut check = Check::default();
    let status = check.int(&root, "status");
    if status.is_some_and(|s| !(100..=599).contains(&s)) {
        check.fail("status");
    }
    let limit = check.int(&root, "limit");
    if limit.is_some_and(|l| l < 0) {
        check.fail("limit");
    }
    let since_ms = match q.get("since").filter(|s| !s.is_empty()) {
        Some(s) => {
            let parsed = crate::clock::parse_rfc3339_ms(s);
            if parsed.is_none() {
                check.fail_with("since", "since is an RFC 3339 time.");
            }
            parsed
        }
        None => None,
    };
    check.finish()?;
    let text = |k: &str| q.get(k).filter(|v| !v.is_empty()).map(str::to_string);
    Ok(journal::Filter {
        method: text("method"),
        path: text("path"),
        operation: text("operation"),
        status: status.map(|s| s as u16),
        account_id: text("account_id"),
        since_ms,
        limit: limit.map(|l| l as usize),
    })
}

async fn list_requests(State(state): State<AppState>, q: QueryMap) -> ApiResult<Response> {
    let (requests, total) = state.journal.query(&filter(&q)?);
    Ok(Json(json!({"requests": requests, "total": total})).into_response())
}

async fn count_requests(State(state): State<AppState>, q: QueryMap) -> ApiResult<Response> {
    let mut f = filter(&q)?;
    f.limit = Some(0);
    let (_, total) = state.journal.query(&f);
    Ok(Json(json!({ "count": total })).into_response())
}

async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.journal.clear();
    StatusCode::NO_CONTENT
}

async fn list_faults(State(state): State<AppState>) -> ApiResult<Response> {
    let rules = faults::list(&state).await?;
    Ok(Json(json!({ "faults": rules })).into_response())
}

async fn create_fault(State(state): State<AppState>, body: Body) -> ApiResult<Response> {
    let rule = faults::parse(body.require()?)?;
    let rule = faults::create(&state, rule).await?;
    Ok((StatusCode::CREATED, Json(rule)).into_response())
}

async fn clear_faults(State(state): State<AppState>) -> ApiResult<StatusCode> {
    faults::delete(&state, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_fault(State(state): State<AppState>, PathParam(id): PathParam) -> ApiResult<StatusCode> {
    if faults::delete(&state, Some(&id)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            300,
            format!("Fault rule does not exist: {id}."),
        ))
    }
}
