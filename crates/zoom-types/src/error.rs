//! Error bodies: Zoom's `{"code","message"[,"errors"]}` and OAuth's `{"reason","error"}`.

use serde::{Deserialize, Serialize};

/// Every `/v2` error: Zoom's numeric code and its message; validation failures add `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: i64,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field of a request body or query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Errors of the OAuth endpoints (`/oauth/token`, `/oauth/revoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthError {
    pub reason: String,
    pub error: String,
}
