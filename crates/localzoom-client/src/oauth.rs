//! User-level OAuth (apps that act for one user): the authorization URL with PKCE and `state`,
//! the code exchange, refreshing, revoking, and the device flow. A [`Client`](crate::Client) built
//! with [`ClientBuilder::user_refresh_token`](crate::ClientBuilder::user_refresh_token) then keeps
//! the tokens fresh by itself.
//!
//! ```no_run
//! # async fn demo(code_from_callback: &str, state_from_callback: &str) -> Result<(), localzoom_client::Error> {
//! use localzoom_client::oauth::UserOAuth;
//!
//! let oauth = UserOAuth::new("CLIENT_ID", "CLIENT_SECRET").oauth_base("http://127.0.0.1:9666");
//! let request = oauth.authorize_url("http://localhost:8080/callback");
//! println!("open {}", request.url);
//! // … the browser comes back to the callback with ?code=…&state=…
//! assert!(request.state_matches(state_from_callback));
//! let tokens = oauth.exchange_code(&request, code_from_callback).await?;
//! let client = localzoom_client::Client::builder()
//!     .base_url("http://127.0.0.1:9666")
//!     .user_refresh_token("CLIENT_ID", "CLIENT_SECRET", tokens.refresh_token.as_deref().unwrap_or_default(), |new| {
//!         // Persist `new`: the old refresh token no longer works.
//!         let _ = new;
//!     })
//!     .build()?;
//! let me = client.users().get("me").await?;
//! # let _ = me; Ok(()) }
//! ```

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use zoom_types::oauth::DeviceCodeResponse;
use zoom_types::{OAuthError, TokenResponse};

use crate::{Error, Result, ZOOM_OAUTH_BASE};

/// RFC 8628's grant type for polling a device code.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// An OAuth app's credentials and the OAuth origin (Zoom's by default).
#[derive(Debug, Clone)]
pub struct UserOAuth {
    http: reqwest::Client,
    oauth_base: String,
    client_id: String,
    client_secret: String,
}

/// An authorization in progress: send the user to `url`; keep the rest for the callback.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// `…/oauth/authorize?response_type=code&client_id=…&redirect_uri=…&state=…&code_challenge=…&code_challenge_method=S256`.
    pub url: String,
    /// The random `state` the callback must bring back.
    pub state: String,
    /// The PKCE verifier the code exchange proves possession with.
    pub code_verifier: String,
    /// The redirect URI the exchange must name again.
    pub redirect_uri: String,
}

impl AuthorizationRequest {
    /// Whether the callback's `state` is this request's (constant time).
    pub fn state_matches(&self, returned: &str) -> bool {
        let (a, b) = (self.state.as_bytes(), returned.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

fn random_token(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Config(format!("no OS random source: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// Decodes a token endpoint answer, or its OAuth error.
pub(crate) async fn token_answer<T: serde::de::DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
    let status = resp.status();
    let bytes = resp.bytes().await?;
    if !status.is_success() {
        return Err(match serde_json::from_slice::<OAuthError>(&bytes) {
            Ok(e) => Error::OAuth {
                status: status.as_u16(),
                error: e.error,
                reason: e.reason,
            },
            Err(_) => Error::Decode(format!("OAuth endpoint answered {status}")),
        });
    }
    serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("OAuth response: {e}")))
}

impl UserOAuth {
    /// An OAuth app's client id and secret, against Zoom (`https://zoom.us`).
    pub fn new(client_id: &str, client_secret: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            oauth_base: ZOOM_OAUTH_BASE.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// Sends through `http` (its pool and timeout) instead of a client of its own.
    pub(crate) fn with_http(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The OAuth origin (localzoom's own origin, say).
    pub fn oauth_base(mut self, origin: &str) -> Self {
        self.oauth_base = origin.trim_end_matches('/').to_string();
        self
    }

    /// A new authorization request with a random `state` and a PKCE S256 challenge.
    ///
    /// # Panics
    /// Never in practice: only if the OS has no random source.
    pub fn authorize_url(&self, redirect_uri: &str) -> AuthorizationRequest {
        self.try_authorize_url(redirect_uri)
            .unwrap_or_else(|e| panic!("cannot make an authorization request: {e}"))
    }

    /// [`UserOAuth::authorize_url`], with the random source's failure as an error.
    pub fn try_authorize_url(&self, redirect_uri: &str) -> Result<AuthorizationRequest> {
        let state = random_token(16)?;
        let code_verifier = random_token(48)?;
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(code_verifier.as_bytes()));
        let url = reqwest::Url::parse_with_params(
            &format!("{}/oauth/authorize", self.oauth_base),
            &[
                ("response_type", "code"),
                ("client_id", self.client_id.as_str()),
                ("redirect_uri", redirect_uri),
                ("state", state.as_str()),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ],
        )
        .map_err(|e| Error::Config(format!("OAuth origin: {e}")))?;
        Ok(AuthorizationRequest {
            url: url.into(),
            state,
            code_verifier,
            redirect_uri: redirect_uri.into(),
        })
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<TokenResponse> {
        let resp = self
            .http
            .post(format!("{}/oauth/token", self.oauth_base))
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .form(form)
            .send()
            .await?;
        token_answer(resp).await
    }

    /// Exchanges the code the callback received (check its `state` first).
    pub async fn exchange_code(&self, request: &AuthorizationRequest, code: &str) -> Result<TokenResponse> {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", request.redirect_uri.as_str()),
            ("code_verifier", request.code_verifier.as_str()),
        ])
        .await
    }

    /// A new access token and a new refresh token; `refresh_token` stops working.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse> {
        self.token(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
            .await
    }

    /// Revokes an access token, or a refresh token and with it the whole grant.
    pub async fn revoke(&self, token: &str) -> Result<()> {
        let resp = self
            .http
            .post(format!("{}/oauth/revoke", self.oauth_base))
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .form(&[("token", token)])
            .send()
            .await?;
        token_answer::<serde_json::Value>(resp).await.map(drop)
    }

    /// Starts the device flow: show `user_code` and `verification_uri` to the person.
    pub async fn device_code(&self) -> Result<DeviceCodeResponse> {
        let resp = self
            .http
            .post(format!("{}/oauth/devicecode", self.oauth_base))
            .query(&[("client_id", self.client_id.as_str())])
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .send()
            .await?;
        token_answer(resp).await
    }

    /// Polls until the person answers: waits `interval` between polls (5 s more after each
    /// `slow_down`), and returns the tokens, or the refusal (`access_denied`, `expired_token`).
    pub async fn poll_device(&self, device: &DeviceCodeResponse) -> Result<TokenResponse> {
        let mut interval = Duration::from_secs(device.interval.max(1) as u64);
        loop {
            tokio::time::sleep(interval).await;
            match self
                .token(&[
                    ("grant_type", DEVICE_GRANT),
                    ("device_code", device.device_code.as_str()),
                ])
                .await
            {
                Err(Error::OAuth { error, .. }) if error == "authorization_pending" => {}
                Err(Error::OAuth { error, .. }) if error == "slow_down" => interval += Duration::from_secs(5),
                other => return other,
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_carries_state_and_an_s256_challenge() {
        let oauth = UserOAuth::new("id", "secret").oauth_base("http://127.0.0.1:9666/");
        let a = oauth.authorize_url("http://localhost/cb");
        let b = oauth.authorize_url("http://localhost/cb");
        assert_ne!(a.state, b.state);
        assert_ne!(a.code_verifier, b.code_verifier);
        assert!(a.code_verifier.len() >= 43);
        let url = reqwest::Url::parse(&a.url).unwrap();
        assert_eq!(url.path(), "/oauth/authorize");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["redirect_uri"], "http://localhost/cb");
        assert_eq!(q["state"], a.state);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(
            q["code_challenge"],
            URL_SAFE_NO_PAD.encode(Sha256::digest(a.code_verifier.as_bytes()))
        );
        assert!(a.state_matches(&a.state.clone()));
        assert!(!a.state_matches(&b.state));
    }
}
