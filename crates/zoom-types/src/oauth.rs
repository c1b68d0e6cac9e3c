//! OAuth token endpoint answers.

use serde::{Deserialize, Serialize};

/// `POST /oauth/token` success body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// Zoom's `access_token`.
    pub access_token: String,
    /// Zoom's `token_type`.
    pub token_type: String,
    /// Zoom's `expires_in`.
    pub expires_in: i64,
    /// Zoom's `scope`.
    pub scope: String,
    /// Zoom's `api_url`.
    pub api_url: String,
}

/// `POST /oauth/revoke` success body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeResponse {
    /// Zoom's `status`.
    pub status: String,
}
