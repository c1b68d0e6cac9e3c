//! The control plane's gate: with `--control-token` set, every `/_localzoom/*` call but the health
//! check (and the dashboard's pages, which sign in with a form) needs `Authorization: Bearer TOKEN`.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

fn gated(method: &axum::http::Method, path: &str) -> bool {
    let control = path == "/_localzoom" || path.starts_with("/_localzoom/");
    let open = (method == axum::http::Method::GET && path == "/_localzoom/health")
        || path == "/_localzoom/ui"
        || path.starts_with("/_localzoom/ui/");
    control && !open
}

/// The control plane speaks JSON whatever `Content-Type` a client sends (curl's `-d` says form):
/// its bodies are read as JSON, so a document is never half-read as a form.
pub async fn json_bodies(mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let control = path.starts_with("/_localzoom/") && !path.starts_with("/_localzoom/ui");
    let has_body = matches!(
        *req.method(),
        axum::http::Method::POST | axum::http::Method::PUT | axum::http::Method::PATCH
    );
    if control && has_body {
        req.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        );
    }
    next.run(req).await
}

pub async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(expected) = state.config.control_token.as_deref().filter(|t| !t.is_empty()) else {
        return next.run(req).await;
    };
    if !gated(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    match given {
        Some(t) if crate::ids::same_secret(t, expected) => next.run(req).await,
        _ => ApiError::new(StatusCode::UNAUTHORIZED, 401, "Control token required.").into_response(),
    }
}
