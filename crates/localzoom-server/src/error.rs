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
    /// Set only when the store classified the failure as a lost conflict: the unit of work runs again.
    conflict: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            conflict: false,
        }
    }

    /// 409: the thing to create exists already.
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, 409, message)
    }

    /// 404 with Zoom's `code` and message.
    pub fn not_found(code: i64, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
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

    pub fn user_not_found(user_id: impl AsRef<str>) -> Self {
        let user_id = user_id.as_ref();
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
        Self::too_many(
            "Too many requests submitted to update the presence status of this user. Please wait for the request to be processed and try again later.",
        )
    }

    /// The daily cap on `action=create` users (S-U names the caps, not the message; this one
    /// follows Zoom's per-host meeting message).
    pub fn user_create_daily_limit(limit: i64) -> Self {
        Self::too_many(
            format!("You have exceeded the daily rate limit ({limit}) of User Create API requests with action create permitted for this account. You may resume these requests at GMT 00:00:00."),
        )
    }

    fn too_many(message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, 429, message)
    }

    /// The per-second limit of an operation's rate-limit label.
    pub fn qps_limit() -> Self {
        Self::too_many("You have reached the maximum per-second rate limit for this API. Try again later.")
    }

    /// The daily limit of an operation's rate-limit label.
    pub fn daily_limit() -> Self {
        Self::too_many(
            "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.",
        )
    }

    /// A lock key is held: a request to `what` this user is already in flight.
    pub fn concurrent_request(what: &str) -> Self {
        Self::too_many(format!(
            "Too many concurrent requests. A request to {what} this user has already been made."
        ))
    }

    /// 100 meeting creates/updates per host per day (the message Zoom's staff quoted).
    pub fn meeting_daily_limit(limit: i64) -> Self {
        Self::too_many(format!(
            "You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."
        ))
    }

    /// A per-registrant daily cap (`what`: the API it counts); undocumented, worded like the meeting one.
    pub fn registrant_daily_limit(what: &str, limit: i64) -> Self {
        Self::too_many(format!(
            "You have exceeded the daily rate limit ({limit}) of {what} API requests permitted for this registrant. You may resume these requests at GMT 00:00:00."
        ))
    }

    /// Three email changes per user per 24 hours.
    pub fn email_change_limit() -> Self {
        Self::too_many("A user's email address can be changed up to 3 times in any 24 hour period.")
    }

    pub fn meeting_not_found(id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, 3001, format!("Meeting does not exist: {id}."))
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

    /// The database cannot be reached (connection lost, pool exhausted for too long): worth retrying later.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            503,
            "The service is temporarily unavailable. Try again later.",
        )
    }

    /// A transaction that lost to a concurrent one (as the store classified its error); worth running
    /// again. Not `unavailable()`: a connection lost during a commit leaves its outcome unknown, so
    /// running the request again could apply it twice.
    pub fn is_conflict(&self) -> bool {
        self.conflict
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
            // Run again by the unit of work (`write_tx!`); seen by a client only if every attempt lost.
            crate::store::StoreError::Conflict(cause) => {
                tracing::warn!(%cause, "transaction conflict");
                ApiError {
                    conflict: true,
                    ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, 503, CONFLICT_MESSAGE)
                }
            }
            crate::store::StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                ApiError::unavailable()
            }
            other => ApiError::internal(other),
        }
    }
}

const CONFLICT_MESSAGE: &str = "The request conflicted with concurrent requests. Try again.";

pub type ApiResult<T> = Result<T, ApiError>;

impl crate::store::Retryable for ApiError {
    fn is_conflict(&self) -> bool {
        self.conflict
    }
}
