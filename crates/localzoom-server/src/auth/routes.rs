//! `/oauth/token` and `/oauth/revoke`. Parameters come in the query string or a form body (Zoom's
//! SDKs do both); client credentials in HTTP Basic auth.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zoom_types::oauth::{DeviceCodeResponse, RevokeResponse};
use zoom_types::{OAuthError, TokenResponse};

use super::device_flow::{self, DEVICE_INTERVAL_SECONDS, DEVICE_TTL_SECONDS};
use super::service::{self, OAuthFailure, TOKEN_TTL_SECONDS};
use super::user_flow;
use crate::extract::form_pairs;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .route("/oauth/devicecode", post(device_code))
}

impl IntoResponse for OAuthFailure {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(OAuthError {
                reason: self.reason,
                error: self.error.to_string(),
            }),
        )
            .into_response()
    }
}

/// Query parameters, overridden by form-body parameters of the same name.
fn params(query: Option<&str>, headers: &HeaderMap, body: &Bytes) -> HashMap<String, String> {
    let mut out = form_pairs(query.unwrap_or("").as_bytes());
    let is_form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    if is_form || (!body.is_empty() && !body.starts_with(b"{")) {
        out.extend(form_pairs(body));
    }
    out
}

fn basic_credentials(headers: &HeaderMap) -> Result<(String, String), OAuthFailure> {
    let missing = || OAuthFailure::new("Client ID or client secret is missing.", "invalid_client");
    let value = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, encoded) = value.split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(missing());
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| OAuthFailure::invalid_client())?;
    let decoded = String::from_utf8(decoded).map_err(|_| OAuthFailure::invalid_client())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(OAuthFailure::invalid_client)?;
    if id.is_empty() || secret.is_empty() {
        return Err(missing());
    }
    Ok((id.to_string(), secret.to_string()))
}

async fn token(
    State(state): State<AppState>,
    who: Option<axum::Extension<crate::logging::Who>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(query.as_deref(), &headers, &body);
    let result = async {
        let grant = params.get("grant_type").map(String::as_str).unwrap_or("");
        if grant.is_empty() {
            return Err(OAuthFailure::new("Missing grant type.", "invalid_request"));
        }
        let (client_id, secret) = basic_credentials(&headers)?;
        let app = service::authenticate_client(&state, &client_id, &secret).await?;
        if let Some(axum::Extension(who)) = &who {
            who.set(&app.account_id, Some(&app.client_id));
        }
        let param = |name: &str| params.get(name).map(String::as_str);
        match grant {
            "account_credentials" => service::grant_account_credentials(&state, &app, param("account_id")).await,
            "authorization_code" => {
                user_flow::exchange_code(
                    &state,
                    &app,
                    param("code"),
                    param("redirect_uri"),
                    param("code_verifier"),
                )
                .await
            }
            "refresh_token" => user_flow::refresh(&state, &app, param("refresh_token")).await,
            DEVICE_GRANT => device_flow::poll_device(&state, &app, param("device_code")).await,
            _ => Err(OAuthFailure::new(
                "Grant type is not supported from token endpoint.",
                "unsupported_grant_type",
            )),
        }
    }
    .await;
    match result {
        Ok(issued) => (
            [(CACHE_CONTROL, "no-store")],
            Json(TokenResponse {
                access_token: issued.token,
                token_type: "bearer".into(),
                refresh_token: issued.refresh_token,
                expires_in: TOKEN_TTL_SECONDS,
                scope: issued.scopes,
                api_url: state.public_origin(&headers),
            }),
        )
            .into_response(),
        Err(f) => f.into_response(),
    }
}

async fn revoke(State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap, body: Bytes) -> Response {
    let params = params(query.as_deref(), &headers, &body);
    let result = async {
        let (client_id, secret) = basic_credentials(&headers)?;
        let app = service::authenticate_client(&state, &client_id, &secret).await?;
        match params.get("token").map(|t| t.trim()) {
            None | Some("") => Err(OAuthFailure::new("Missing token.", "invalid_request")),
            Some(token) => user_flow::revoke(&state, &app, token).await,
        }
    }
    .await;
    match result {
        Ok(()) => Json(RevokeResponse {
            status: "success".into(),
        })
        .into_response(),
        Err(f) => f.into_response(),
    }
}

/// RFC 8628's grant type for polling a device code.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// `POST /oauth/devicecode?client_id=…` (Basic auth): starts the device flow of an OAuth app.
async fn device_code(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(query.as_deref(), &headers, &body);
    let result = async {
        let (client_id, secret) = basic_credentials(&headers)?;
        if params.get("client_id").is_some_and(|c| *c != client_id) {
            return Err(OAuthFailure::invalid_client());
        }
        let app = service::authenticate_client(&state, &client_id, &secret).await?;
        device_flow::start_device(&state, &app).await
    }
    .await;
    match result {
        Ok(start) => {
            let verification_uri = format!("{}/oauth/device", state.public_origin(&headers));
            (
                [(CACHE_CONTROL, "no-store")],
                Json(DeviceCodeResponse {
                    verification_uri_complete: user_flow::with_query(
                        &verification_uri,
                        &[("user_code", start.user_code.as_str())],
                    ),
                    device_code: start.device_code,
                    user_code: start.user_code,
                    verification_uri,
                    expires_in: DEVICE_TTL_SECONDS,
                    interval: DEVICE_INTERVAL_SECONDS,
                }),
            )
                .into_response()
        }
        Err(f) => f.into_response(),
    }
}
