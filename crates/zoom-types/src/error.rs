//! Error bodies: Zoom's `{"code","message"[,"errors"]}` and OAuth's `{"reason","error"}`.

use serde::{Deserialize, Serialize};

/// Every `/v2` error: Zoom's numeric code and its message; validation failures add `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Zoom's `code`.
    pub code: i64,
    /// Zoom's `message`.
    pub message: String,
    /// Zoom's `errors`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field of a request body or query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Zoom's `field`.
    pub field: String,
    /// Zoom's `message`.
    pub message: String,
}

/// Errors of the OAuth endpoints (`/oauth/token`, `/oauth/revoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthError {
    /// Zoom's `reason`.
    pub reason: String,
    /// Zoom's `error`.
    pub error: String,
}
