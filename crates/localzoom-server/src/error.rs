//! `ApiError`: an HTTP status, Zoom's numeric code and message. Every failure on `/v2` and the control
//! plane goes through it; internal errors are logged and answered with a 500 that echoes nothing.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use zoom_types::{ErrorBody, FieldError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: i64,
    pub message: String,
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    pub fn bad_request(code: i64, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 400/300 "Validation Failed." naming each bad field.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self {
            errors,
            ..Self::bad_request(300, "Validation Failed.")
        }
    }

    pub fn invalid_field(field: &str) -> Self {
        Self::validation(vec![FieldError {
            field: field.into(),
            message: "Invalid field.".into(),
        }])
    }

    pub fn invalid_json() -> Self {
        Self::bad_request(300, "Request Body should be a valid JSON object.")
    }

    pub fn body_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            300,
            format!("Request body is too large: the limit is {limit} bytes."),
        )
    }

    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 124, "Invalid access token.")
    }

    pub fn expired_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 124, "Access token is expired.")
    }

    pub fn missing_scopes(scopes: &[&str]) -> Self {
        Self::bad_request(
            4711,
            format!("Invalid access token, does not contain scopes:[{}].", scopes.join(",")),
        )
    }

    pub fn user_not_found(user_id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, 1001, format!("User does not exist: {user_id}."))
    }

    /// Control plane: no account with this id (or no default account).
    pub fn account_not_found(account_id: Option<&str>) -> Self {
        let message = match account_id {
            Some(id) => format!("Account does not exist: {id}."),
            None => "Account does not exist.".to_string(),
        };
        Self::new(StatusCode::NOT_FOUND, 2001, message)
    }

    /// Presence cannot be set for a user who is not signed in to a Zoom client.
    pub fn presence_update_failed() -> Self {
        Self::bad_request(5301, "Request to update the presence status of this user failed.")
    }

    /// The once-a-minute presence limit.
    pub fn presence_too_many() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            429,
            "Too many requests submitted to update the presence status of this user. Please wait for the request to be processed and try again later.",
        )
    }

    /// The daily cap on `action=create` users (S-U names the caps, not the message; this one
    /// follows Zoom's per-host meeting message).
    pub fn user_create_daily_limit(limit: i64) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            429,
            format!("You have exceeded the daily rate limit ({limit}) of User Create API requests with action create permitted for this account. You may resume these requests at GMT 00:00:00."),
        )
    }

    pub fn email_taken(email: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            1005,
            format!("Email {email} has already been used."),
        )
    }

    pub fn page_token_invalid() -> Self {
        Self::bad_request(300, "The next page token is invalid or expired.")
    }

    pub fn route_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, 404, "Not Found.")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, 405, "Method Not Allowed.")
    }

    /// A transaction that lost to a concurrent one; worth running again.
    pub fn is_conflict(&self) -> bool {
        self.status == StatusCode::SERVICE_UNAVAILABLE && self.code == 503
    }

    /// An internal failure: logged with its cause, answered without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, 500, "Internal server error.")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: self.message,
            errors: self.errors,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            // Retried by `store::retry_conflicts`; seen by a client only if every attempt lost.
            crate::store::StoreError::Conflict(cause) => {
                tracing::warn!(%cause, "transaction conflict");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    503,
                    "The request conflicted with concurrent requests. Try again.",
                )
            }
            other => ApiError::internal(other),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
