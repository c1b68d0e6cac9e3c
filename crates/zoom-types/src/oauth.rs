//! OAuth token endpoint answers.

use serde::{Deserialize, Serialize};

/// `POST /oauth/token` success body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    pub scope: String,
    pub api_url: String,
}

/// `POST /oauth/revoke` success body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeResponse {
    pub status: String,
}
