//! OAuth token endpoint answers.

use serde::{Deserialize, Serialize};

/// `POST /oauth/token` success body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// Zoom's `access_token`.
    pub access_token: String,
    /// Zoom's `token_type`.
    pub token_type: String,
    /// Zoom's `refresh_token`: user-level grants only (authorization code, device code, refresh);
    /// it rotates: each use answers a new one and spends the old.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
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

/// `POST /oauth/devicecode` success body (RFC 8628).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCodeResponse {
    /// What the device polls `/oauth/token` with.
    pub device_code: String,
    /// What the person types on the verification page (`XXXX-XXXX`).
    pub user_code: String,
    /// The page where the person enters the code.
    pub verification_uri: String,
    /// The same page with the code filled in.
    pub verification_uri_complete: String,
    /// Seconds until the codes expire.
    pub expires_in: i64,
    /// Seconds to wait between polls.
    pub interval: i64,
}
