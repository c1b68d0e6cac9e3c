//! A typed async client for Zoom's REST API v2 that works against Zoom and against localzoom.
//!
//! ```no_run
//! # async fn demo() -> Result<(), localzoom_client::Error> {
//! use futures_util::StreamExt;
//! use localzoom_client::zoom_types::enums::{PresenceUpdate, UserStatus};
//!
//! let client = localzoom_client::Client::builder()
//!     .base_url("http://127.0.0.1:9666") // leave it out for https://api.zoom.us and https://zoom.us
//!     .server_to_server("ACCOUNT_ID", "CLIENT_ID", "CLIENT_SECRET")
//!     .build()?;
//! let page = client.users().list(&Default::default()).await?;
//! println!("{} users", page.total_records);
//! let pending = localzoom_client::ListUsers { status: Some(UserStatus::Pending), ..Default::default() };
//! let mut users = std::pin::pin!(client.users().stream(&pending));
//! while let Some(user) = users.next().await {
//!     println!("{}", user?.email);
//! }
//! client.users().set_presence("me", PresenceUpdate::DoNotDisturb, Some(30)).await?;
//! # Ok(()) }
//! ```
//!
//! - **Auth**: Server-to-Server OAuth (token fetched, cached, renewed a minute before it expires
//!   and once more on Zoom's 401/124), a user's OAuth grant (a refresh token that rotates on every
//!   renewal, each new one handed to a callback: [`ClientBuilder::user_refresh_token`]; the
//!   authorization URL with PKCE, the code exchange and the device flow are in [`oauth`]), or a
//!   fixed bearer token.
//! - **Pagination**: every list has a one-page call and a `stream` that follows `next_page_token`.
//! - **Rate limits**: a 429 marked `X-RateLimit-Type: QPS` is retried after about a second, a
//!   daily one after `Retry-After`, as long as the call's retry budget allows
//!   ([`ClientBuilder::retry_budget`]); other errors come back as [`Error::Api`] with the HTTP
//!   status and Zoom's `code` and `message`.
//!
//! ## From `zoom_api::users::Users`
//!
//! | `zoom_api::users::Users` | localzoom-client |
//! |---|---|
//! | `get_page(status, page_size, role_id, page_number, include_fields, next_page_token)` | [`Users::list`] with [`ListUsers`] |
//! | `get_all(status, role_id, include_fields)` | [`Users::stream`], [`Users::list_all`] |
//! | `create(body)` | [`Users::create`] |
//! | `user(user_id, login_type, encrypted_email)` | [`Users::get`] |
//! | `delete(user_id, action, transfer_email, …)` | [`Users::delete`] with [`DeleteUser`] |
//! | `update(user_id, login_type, body)` | [`Users::update`] |
//! | `zak()` | [`Users::zak`] |
//! | `assistant(user_id)` | [`Users::assistants`] |
//! | `assistant_create(user_id, body)` | [`Users::add_assistants`] |
//! | `assistants_delete(user_id)` | [`Users::delete_assistants`] |
//! | `assistant_delete(user_id, assistant_id)` | [`Users::delete_assistant`] |
//! | `scheduler(user_id)` | [`Users::schedulers`] |
//! | `schedulers_delete(user_id)` | [`Users::delete_schedulers`] |
//! | `scheduler_delete(user_id, scheduler_id)` | [`Users::delete_scheduler`] |
//! | `picture(user_id)` | [`Users::upload_picture`], [`Users::delete_picture`] |
//! | `settings_domains`, `settings_user`, `settings_meeting_security`, `setting` | [`Users::settings`] with [`SettingsQuery`] |
//! | `settings_update(option, user_id, body)` | [`Users::update_settings`] |
//! | `status(user_id, body)` | [`Users::set_status`] |
//! | `password(user_id, body)` | [`Users::set_password`] |
//! | `permission(user_id)` | [`Users::permissions`] |
//! | `token(user_id, type_, ttl)` | [`Users::token`] |
//! | `sso_token_delete(user_id)` | [`Users::revoke_tokens`] |
//! | `email(email)` | [`Users::email_exists`] |
//! | `email_update(user_id, body)` | [`Users::update_email`] |
//! | `vanity_name(vanity_name)` | [`Users::vanity_name_exists`] |
//! | `switch_account(account_id, user_id, body)` | [`Users::switch_account`] |
//! | `update_presence_status(user_id, body)` | [`Users::set_presence`] (and [`Users::presence`] to read it) |
//! | `upload_v_buser(user_id, body)` | [`Users::upload_virtual_background`] |
//! | `del_vb(user_id, file_ids)` | [`Users::delete_virtual_backgrounds`] |
//! | — | [`Users::summary`], [`Users::update_features`] |
//!
//! Meetings: [`Meetings`] (`create`, `get`, `list`, `stream`, `update`, `delete`, `set_status`);
//! registrants of a meeting: [`Registrants`] (`add`, `list`, `stream`, `get`, `delete`,
//! `set_status`, `questions`, `update_questions`, `add_batch`).

#![deny(clippy::unwrap_used, clippy::expect_used)]
#![warn(missing_docs)]

use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
pub use zoom_types;
use zoom_types::{ErrorBody, FieldError, TokenResponse};

mod meetings;
pub mod oauth;
mod users;
pub mod webhooks;
pub use meetings::{ListMeetings, ListRegistrants, Meetings, Registrants};
pub use users::{
    Assistant, BackgroundFile, DeleteUser, FeatureFailure, FeaturesResult, ListUsers, Presence, Scheduler,
    SettingsQuery, UserRef, Users,
};

/// Zoom's API origin; `/v2` is appended.
pub const ZOOM_API_BASE: &str = "https://api.zoom.us";
/// Zoom's OAuth origin.
pub const ZOOM_OAUTH_BASE: &str = "https://zoom.us";

/// What went wrong with a call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Zoom answered with an error body: HTTP status, Zoom's code and message.
    #[error("[{status}/{code}] {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// Zoom's numeric code.
        code: i64,
        /// Zoom's message.
        message: String,
        /// The fields a validation failure names.
        errors: Vec<FieldError>,
    },
    /// The OAuth token endpoint refused.
    #[error("OAuth error {status}: {error}: {reason}")]
    OAuth {
        /// The HTTP status.
        status: u16,
        /// The OAuth error code (`invalid_client`, …).
        error: String,
        /// Why.
        reason: String,
    },
    /// The request did not complete.
    #[error("HTTP error: {0}")]
    Http(#[from] reqwest::Error),
    /// The answer was not what Zoom's API documents.
    #[error("unexpected response: {0}")]
    Decode(String),
    /// The client was built without what a call needs.
    #[error("client configuration: {0}")]
    Config(String),
}

impl Error {
    /// Zoom's numeric error code, for API errors.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The HTTP status, for API and OAuth errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::OAuth { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The result of every call.
pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, Clone)]
enum Auth {
    ServerToServer {
        account_id: String,
        client_id: String,
        client_secret: String,
    },
    Bearer(String),
    /// A user's grant: access tokens come from the refresh token, which rotates on every use.
    UserRefresh {
        oauth: oauth::UserOAuth,
        refresh_token: std::sync::Arc<std::sync::Mutex<String>>,
        on_rotate: RotateCallback,
    },
}

/// Called with each new refresh token (the previous one no longer works).
#[derive(Clone)]
struct RotateCallback(std::sync::Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for RotateCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RotateCallback")
    }
}

struct CachedToken {
    token: String,
    renew_at: Instant,
}

/// Builds a [`Client`].
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    api_base: Option<String>,
    oauth_base: Option<String>,
    auth: Option<Auth>,
    timeout: Option<Duration>,
    retry_budget: Option<Duration>,
}

impl ClientBuilder {
    /// One origin for both the API (`{origin}/v2`) and OAuth (`{origin}/oauth`), as localzoom serves them.
    pub fn base_url(mut self, origin: &str) -> Self {
        let origin = origin.trim_end_matches('/').to_string();
        self.api_base = Some(origin.clone());
        self.oauth_base = Some(origin);
        self
    }

    /// The API origin alone (default `https://api.zoom.us`).
    pub fn api_base(mut self, origin: &str) -> Self {
        self.api_base = Some(origin.trim_end_matches('/').to_string());
        self
    }

    /// The OAuth origin alone (default `https://zoom.us`).
    pub fn oauth_base(mut self, origin: &str) -> Self {
        self.oauth_base = Some(origin.trim_end_matches('/').to_string());
        self
    }

    /// Server-to-Server OAuth: tokens are fetched, cached and renewed before they expire.
    pub fn server_to_server(mut self, account_id: &str, client_id: &str, client_secret: &str) -> Self {
        self.auth = Some(Auth::ServerToServer {
            account_id: account_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    /// A user's OAuth grant: the client trades `refresh_token` for access tokens when it needs one
    /// (and once more on Zoom's 401/124). Each trade rotates the refresh token: `on_rotate` receives
    /// the new one, to persist. Concurrent calls share one trade, so a refresh token is never spent twice.
    pub fn user_refresh_token(
        mut self,
        client_id: &str,
        client_secret: &str,
        refresh_token: &str,
        on_rotate: impl Fn(&str) + Send + Sync + 'static,
    ) -> Self {
        self.auth = Some(Auth::UserRefresh {
            oauth: oauth::UserOAuth::new(client_id, client_secret),
            refresh_token: std::sync::Arc::new(std::sync::Mutex::new(refresh_token.into())),
            on_rotate: RotateCallback(std::sync::Arc::new(on_rotate)),
        });
        self
    }

    /// A fixed bearer token, used as is.
    pub fn bearer_token(mut self, token: &str) -> Self {
        self.auth = Some(Auth::Bearer(token.into()));
        self
    }

    /// Timeout for each HTTP request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long one call may spend waiting out Zoom's 429s before it returns the error (default
    /// 30 s; zero never retries). A per-second limit waits about a second; a daily limit waits
    /// until `Retry-After` if that fits in the budget. Other errors are never retried.
    pub fn retry_budget(mut self, budget: Duration) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// The client; fails without credentials.
    pub fn build(self) -> Result<Client> {
        let mut auth = self.auth.ok_or_else(|| {
            Error::Config("no credentials: call server_to_server, user_refresh_token or bearer_token".into())
        })?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
            .build()?;
        let oauth_base = self.oauth_base.clone().unwrap_or_else(|| ZOOM_OAUTH_BASE.into());
        // The user grant's renewals go through this client's connections and timeout.
        if let Auth::UserRefresh { oauth, .. } = &mut auth {
            *oauth = oauth.clone().oauth_base(&oauth_base).with_http(http.clone());
        }
        Ok(Client {
            http,
            api_base: format!("{}/v2", self.api_base.as_deref().unwrap_or(ZOOM_API_BASE)),
            oauth_base: self.oauth_base.unwrap_or_else(|| ZOOM_OAUTH_BASE.into()),
            auth,
            token: Mutex::new(None),
            retry_budget: self.retry_budget.unwrap_or(DEFAULT_RETRY_BUDGET),
        })
    }
}

/// A Zoom API client. Cheap to share behind an `Arc`; calls may run concurrently.
pub struct Client {
    http: reqwest::Client,
    api_base: String,
    oauth_base: String,
    auth: Auth,
    token: Mutex<Option<CachedToken>>,
    retry_budget: Duration,
}

/// Default time one call may spend waiting out 429s.
pub const DEFAULT_RETRY_BUDGET: Duration = Duration::from_secs(30);

/// How long a 429 asks to wait: about a second for a per-second limit, until `Retry-After` for a
/// daily one; `None` for 429s that say neither (per-resource limits, lock keys).
fn retry_wait(headers: &reqwest::header::HeaderMap, now_unix: i64) -> Option<Duration> {
    let kind = headers.get("x-ratelimit-type").and_then(|v| v.to_str().ok())?;
    match kind {
        "QPS" => Some(Duration::from_secs(1)),
        "Daily-limit" => {
            let at = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(parse_utc)?;
            Some(Duration::from_secs(u64::try_from(at - now_unix).unwrap_or(0)))
        }
        _ => None,
    }
}

/// Unix seconds of `YYYY-MM-DDTHH:MM:SSZ` (Zoom's timestamp form).
fn parse_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The Users API.
    pub fn users(&self) -> Users<'_> {
        Users::new(self)
    }

    /// The Meetings API.
    pub fn meetings(&self) -> Meetings<'_> {
        Meetings::new(self)
    }

    /// The registrants of one meeting.
    pub fn registrants(&self, meeting_id: i64) -> Registrants<'_> {
        Registrants::new(self, meeting_id)
    }

    /// Fetches a new Server-to-Server token (`POST /oauth/token`, grant `account_credentials`).
    pub async fn fetch_token(&self) -> Result<TokenResponse> {
        let Auth::ServerToServer {
            account_id,
            client_id,
            client_secret,
        } = &self.auth
        else {
            return Err(Error::Config(
                "only a Server-to-Server client fetches tokens this way".into(),
            ));
        };
        let resp = self
            .http
            .post(format!("{}/oauth/token", self.oauth_base))
            .basic_auth(client_id, Some(client_secret))
            .form(&[
                ("grant_type", "account_credentials"),
                ("account_id", account_id.as_str()),
            ])
            .send()
            .await?;
        oauth::token_answer(resp).await
    }

    /// A user grant's next pair of tokens; the new refresh token replaces the spent one.
    async fn rotate(&self) -> Result<TokenResponse> {
        let Auth::UserRefresh {
            oauth,
            refresh_token,
            on_rotate,
        } = &self.auth
        else {
            return Err(Error::Config("not a user grant".into()));
        };
        let current = refresh_token.lock().map(|t| t.clone()).unwrap_or_default();
        let fresh = oauth.refresh(&current).await?;
        if let Some(next) = &fresh.refresh_token {
            if let Ok(mut slot) = refresh_token.lock() {
                slot.clone_from(next);
            }
            (on_rotate.0)(next);
        }
        Ok(fresh)
    }

    /// The token to send: the cached one, or a new one when there is none, it is due, or it is
    /// `rejected` (Zoom just answered 401/124 to it). Renewals are serialised, so concurrent calls
    /// that meet the same rejected token renew it once.
    async fn access_token(&self, rejected: Option<&str>) -> Result<String> {
        if let Auth::Bearer(token) = &self.auth {
            return Ok(token.clone());
        }
        let mut cached = self.token.lock().await;
        if let Some(t) = cached
            .as_ref()
            .filter(|t| Instant::now() < t.renew_at && Some(t.token.as_str()) != rejected)
        {
            return Ok(t.token.clone());
        }
        let fresh = match &self.auth {
            Auth::UserRefresh { .. } => self.rotate().await?,
            _ => self.fetch_token().await?,
        };
        // Renew a minute early so a token never expires mid-request.
        let lifetime = Duration::from_secs(fresh.expires_in.max(0) as u64);
        let renew_at = Instant::now() + lifetime.saturating_sub(Duration::from_secs(60));
        *cached = Some(CachedToken {
            token: fresh.access_token.clone(),
            renew_at,
        });
        Ok(fresh.access_token)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.api_base, path)
    }

    /// Sends a request built by `build`, renewing the token once on Zoom's 401/124 and waiting out
    /// rate-limit 429s within the retry budget.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<reqwest::Response> {
        let mut renewed = false;
        let mut rejected: Option<String> = None;
        let mut waited = Duration::ZERO;
        loop {
            let token = self.access_token(rejected.as_deref()).await?;
            let req = build(self.http.request(method.clone(), self.url(path)).bearer_auth(&token));
            let resp = req.send().await?;
            if resp.status().is_success() {
                return Ok(resp);
            }
            let wait = (resp.status().as_u16() == 429)
                .then(|| retry_wait(resp.headers(), unix_now()))
                .flatten();
            let err = api_error(resp).await;
            match (err, wait) {
                (
                    Error::Api {
                        status: 401, code: 124, ..
                    },
                    _,
                ) if !renewed && !matches!(self.auth, Auth::Bearer(_)) => {
                    renewed = true;
                    rejected = Some(token);
                }
                (_, Some(wait)) if waited + wait <= self.retry_budget => {
                    tokio::time::sleep(wait).await;
                    waited += wait;
                }
                (other, _) => return Err(other),
            }
        }
    }

    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<T> {
        let resp = self.send(method, path, build).await?;
        let bytes = resp.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("{path}: {e}")))
    }
}

impl Client {
    pub(crate) async fn send_unit(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<()> {
        self.send(method, path, build).await.map(drop)
    }
}

/// A stream of items over pages: `fetch` turns a page's query into its items and the next
/// page's query (`None` after the last page).
pub(crate) fn paginate<Q, T, F, Fut>(first: Q, fetch: F) -> impl futures_util::Stream<Item = Result<T>>
where
    F: Fn(Q) -> Fut + Clone,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<Q>)>>,
{
    let start = (Some(first), std::collections::VecDeque::new());
    futures_util::stream::unfold(start, move |(mut next, mut buffered)| {
        let fetch = fetch.clone();
        async move {
            loop {
                if let Some(item) = buffered.pop_front() {
                    return Some((Ok(item), (next, buffered)));
                }
                let query = next.take()?;
                match fetch(query).await {
                    Ok((items, following)) => {
                        buffered = items.into();
                        next = following;
                    }
                    Err(e) => return Some((Err(e), (None, buffered))),
                }
            }
        }
    })
}

/// Collects a paginated stream, stopping at the first error.
pub(crate) async fn collect<T>(stream: impl futures_util::Stream<Item = Result<T>>) -> Result<Vec<T>> {
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(stream);
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        out.push(item?);
    }
    Ok(out)
}

async fn api_error(resp: reqwest::Response) -> Error {
    let status = resp.status();
    match resp.bytes().await {
        Ok(bytes) => match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(b) => Error::Api {
                status: status.as_u16(),
                code: b.code,
                message: b.message,
                errors: b.errors,
            },
            Err(_) => Error::Api {
                status: status.as_u16(),
                code: i64::from(status.as_u16()),
                message: status.canonical_reason().unwrap_or("error").to_string(),
                errors: Vec::new(),
            },
        },
        Err(e) => Error::Http(e),
    }
}

/// Percent-encodes one path segment (user ids may be emails).
pub(crate) fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn zoom_timestamps_parse() {
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc("2024-03-27T04:00:00Z"), Some(1_711_512_000));
        assert_eq!(parse_utc("2024-03-27 04:00:00"), None);
    }

    #[test]
    fn only_rate_limit_429s_are_waited_out() {
        let mut h = reqwest::header::HeaderMap::new();
        assert_eq!(retry_wait(&h, 0), None);
        h.insert("x-ratelimit-type", "QPS".parse().unwrap());
        assert_eq!(retry_wait(&h, 0), Some(Duration::from_secs(1)));
        h.insert("x-ratelimit-type", "Daily-limit".parse().unwrap());
        h.insert("retry-after", "1970-01-01T00:01:00Z".parse().unwrap());
        assert_eq!(retry_wait(&h, 30), Some(Duration::from_secs(30)));
    }
}
