//! User-level OAuth rules: the authorization request and its consent, the `authorization_code`
//! grant with PKCE, rotating refresh tokens (a reused one revokes its grant), the device flow, and
//! revoking a grant. The device flow is in `device_flow.rs`; pages and routes in `pages.rs` and
//! `routes.rs`; SQL in `user_store.rs`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use zoom_types::enums::UserStatus;

use super::service::{Issued, OAuthFailure, TOKEN_TTL_SECONDS};
use super::store::{AppRow, TokenRow, KIND_OAUTH};
use super::user_store::{self as store, CodeRow, GrantRow};
use crate::directory::users::{self as users, Lookup};
use crate::ids;
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};

/// Authorization codes live five minutes by the clock.
pub const CODE_TTL_SECONDS: i64 = 300;
/// A consent page may be answered within 30 minutes.
pub const CONSENT_TTL_SECONDS: i64 = 1800;
/// Refresh tokens live 90 days by the clock.
pub const REFRESH_TTL_SECONDS: i64 = 90 * 24 * 3600;
/// How many users a consent page offers (the owner first).
pub(super) const USERS_OFFERED: i64 = 500;

/// An error shown as a page (never a redirect): the request cannot be trusted to go back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    pub status: u16,
    pub code: i64,
    pub message: String,
}

impl PageError {
    pub(super) fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub(super) fn invalid_client() -> Self {
        Self::new(400, 4702, "Invalid client_id")
    }

    fn redirect_mismatch() -> Self {
        Self::new(400, 4709, "Redirect URI mismatch.")
    }

    pub(super) fn not_admin() -> Self {
        Self::new(
            403,
            4711,
            "This app asks for account-level (admin) access: only the account's owner or an admin may allow it.",
        )
    }

    fn expired_request() -> Self {
        Self::new(
            400,
            4700,
            "This sign-in request has expired or was already answered. Start again from the app.",
        )
    }
}

/// What a consent page shows and carries.
#[derive(Debug, Clone)]
pub struct Consent {
    /// Names this request in the page's form (single use; it also guards against cross-site posts).
    pub request: String,
    pub app_name: String,
    pub scopes: Vec<String>,
    /// Active users to sign in as: id, email, role id.
    pub users: Vec<(String, String, String)>,
    pub selected: Option<String>,
    pub admin: bool,
}

/// Where an authorization request goes next.
#[derive(Debug)]
pub enum Next {
    Page(PageError),
    Consent(Consent),
    Redirect(String),
}

/// The parameters of `GET /oauth/authorize` (and of the device page).
#[derive(Debug, Default, Clone)]
pub struct AuthorizeRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub login_hint: Option<String>,
    pub prompt: Option<String>,
}

/// `uri` with `pairs` added to its query.
pub fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{query}")
}

fn redirect_error(uri: &str, error: &str, state: Option<&str>) -> Next {
    let mut pairs = vec![("error", error)];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    Next::Redirect(with_query(uri, &pairs))
}

/// Whether the app's scopes include account-level ones (it then acts for the whole account).
pub fn is_admin_app(app: &AppRow) -> bool {
    app.scopes
        .split_whitespace()
        .any(|s| s.ends_with(":admin") || s.ends_with(":master"))
}

/// `$step(tx, …)` as one unit of work, committed whatever it decided (a refusal may have written,
/// as a reused refresh token revoking its grant); a store failure that survives the unit's retries
/// is an OAuth `temporarily_unavailable` (or `server_error`).
macro_rules! in_tx {
    ($state:expr, $step:ident($($arg:expr),*)) => {
        write_tx!($state.store, StoreError, |tx| { $step(tx, $($arg),*).await })
            .map_err(OAuthFailure::internal)
    };
}
pub(super) use in_tx;

async fn oauth_app(state: &AppState, client_id: Option<&str>) -> Result<Option<AppRow>, StoreError> {
    let Some(id) = client_id.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let app = super::store::app_by_client_id(&state.store, id).await?;
    Ok(app.filter(|a| a.kind == KIND_OAUTH))
}

fn valid_challenge(c: &str) -> bool {
    (43..=128).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `GET /oauth/authorize`: an error page, a redirect with an error or a code (`prompt=none`), or
/// the consent page.
pub async fn authorize(state: &AppState, req: &AuthorizeRequest) -> Result<Next, StoreError> {
    let Some(app) = oauth_app(state, req.client_id.as_deref()).await? else {
        return Ok(Next::Page(PageError::invalid_client()));
    };
    let registered: Vec<&str> = app.redirect_uris.split_whitespace().collect();
    // Zoom requires the redirect URI on every request, and the token request names it again.
    let redirect_uri = match req.redirect_uri.as_deref() {
        Some(uri) if registered.contains(&uri) => uri.to_string(),
        _ => return Ok(Next::Page(PageError::redirect_mismatch())),
    };
    let st = req.state.as_deref();
    if req.response_type.as_deref() != Some("code") {
        return Ok(redirect_error(&redirect_uri, "unsupported_response_type", st));
    }
    let method = match (&req.code_challenge, req.code_challenge_method.as_deref()) {
        (None, None) => None,
        (None, Some(_)) => return Ok(redirect_error(&redirect_uri, "invalid_request", st)),
        (Some(c), _) if !valid_challenge(c) => return Ok(redirect_error(&redirect_uri, "invalid_request", st)),
        (Some(_), None | Some("plain")) => Some("plain"),
        (Some(_), Some("S256")) => Some("S256"),
        (Some(_), Some(_)) => return Ok(redirect_error(&redirect_uri, "invalid_request", st)),
    };
    let now = state.clock.now();
    let request = CodeRow {
        stage: "consent".into(),
        client_id: app.client_id.clone(),
        redirect_uri,
        state: req.state.clone(),
        code_challenge: req.code_challenge.clone(),
        challenge_method: method.map(str::to_string),
        user_id: None,
        account_id: None,
        expires_at: now + CONSENT_TTL_SECONDS,
        used_at: None,
    };
    let mut conn = state.store.acquire().await?;
    let hinted = match req.login_hint.as_deref().filter(|h| !h.is_empty()) {
        Some(hint) => users::find(&mut *conn, &state.store, Some(&app.account_id), Lookup::of(hint), false)
            .await?
            .filter(|u| u.status == UserStatus::Active),
        None => None,
    };
    drop(conn);
    if req.prompt.as_deref() == Some("none") {
        // localzoom's own shortcut for tests without a browser: consent at once as the hinted user.
        let Some(user) = hinted else {
            return Ok(redirect_error(&request.redirect_uri, "login_required", st));
        };
        if is_admin_app(&app) && !user.role.is_admin() {
            return Ok(Next::Page(PageError::not_admin()));
        }
        let now = state.clock.now();
        return write_tx!(state.store, StoreError, |tx| {
            issue_code(tx, now, request.clone(), &user.id, &user.account_id).await
        });
    }
    let consent_id = ids::secret(32);
    write_tx!(state.store, StoreError, |tx| {
        store::purge(tx, now).await?;
        store::insert_code(tx, &consent_id, &request).await?;
        let offered = store::active_users(tx.conn(), &app.account_id, USERS_OFFERED).await?;
        Ok(Next::Consent(Consent {
            request: consent_id.clone(),
            app_name: app.name.clone(),
            scopes: app.scopes.split_whitespace().map(str::to_string).collect(),
            users: offered,
            selected: hinted.as_ref().map(|u| u.id.clone()),
            admin: is_admin_app(&app),
        }))
    })
}

/// Stores a code for `user_id` and sends the browser back with it.
/// Stores a code for `user_id` on `conn` (in the consent's transaction when there is one) and
/// sends the browser back with it.
async fn issue_code(
    tx: &mut WriteTx,
    now: i64,
    request: CodeRow,
    user_id: &str,
    account_id: &str,
) -> Result<Next, StoreError> {
    let code = ids::secret(32);
    let row = CodeRow {
        stage: "code".into(),
        user_id: Some(user_id.to_string()),
        account_id: Some(account_id.to_string()),
        expires_at: now + CODE_TTL_SECONDS,
        used_at: None,
        ..request
    };
    store::insert_code(tx, &code, &row).await?;
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = row.state.as_deref() {
        pairs.push(("state", s));
    }
    Ok(Next::Redirect(with_query(&row.redirect_uri, &pairs)))
}

/// The consent page's answer: Allow as `user_id`, or Decline.
pub async fn decide(
    state: &AppState,
    request_id: &str,
    user_id: Option<&str>,
    allow: bool,
) -> Result<Next, StoreError> {
    let now = state.clock.now();
    write_tx!(state.store, StoreError, |tx| {
        let lock = state.store.for_update();
        let found = store::code(tx.conn(), request_id, lock).await?;
        let Some(request) = found.filter(|r| r.stage == "consent" && r.used_at.is_none() && r.expires_at > now) else {
            return Ok(Next::Page(PageError::expired_request()));
        };
        let app = super::store::app_in_tx(tx.conn(), &request.client_id)
            .await?
            .filter(|a| a.kind == KIND_OAUTH);
        let Some(app) = app else {
            return Ok(Next::Page(PageError::invalid_client()));
        };
        if !allow {
            store::spend_code(tx, request_id, now).await?;
            return Ok(redirect_error(
                &request.redirect_uri,
                "access_denied",
                request.state.as_deref(),
            ));
        }
        let user = match user_id.filter(|u| !u.is_empty()) {
            Some(id) => users::find(tx.conn(), &state.store, Some(&app.account_id), Lookup::Id(id), false).await?,
            None => None,
        };
        let Some(user) = user.filter(|u| u.status == UserStatus::Active) else {
            return Ok(Next::Page(PageError::new(
                400,
                1001,
                "Choose an active user of the account to sign in as.",
            )));
        };
        if is_admin_app(&app) && !user.role.is_admin() {
            return Ok(Next::Page(PageError::not_admin()));
        }
        if !store::spend_code(tx, request_id, now).await? {
            return Ok(Next::Page(PageError::expired_request()));
        }
        // The request is spent and its code stored together: never one without the other.
        let next = issue_code(tx, now, request, &user.id, &user.account_id).await?;
        Ok(next)
    })
}

fn pkce_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    match method {
        "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge,
        _ => verifier == challenge,
    }
}

/// Issues an access token and a refresh token under `grant_id`.
async fn issue_pair(
    tx: &mut WriteTx,
    app: &AppRow,
    user_id: &str,
    account_id: &str,
    grant_id: &str,
    now: i64,
) -> Result<Issued, StoreError> {
    let access = TokenRow {
        token: ids::secret(48),
        kind: "access".into(),
        client_id: Some(app.client_id.clone()),
        account_id: account_id.to_string(),
        user_id: Some(user_id.to_string()),
        scopes: app.scopes.clone(),
        issued_at: now,
        expires_at: now + TOKEN_TTL_SECONDS,
        revoked_at: None,
        grant_id: Some(grant_id.to_string()),
    };
    let refresh = TokenRow {
        token: ids::secret(48),
        kind: "refresh".into(),
        expires_at: now + REFRESH_TTL_SECONDS,
        ..access.clone()
    };
    super::store::insert_token_in(tx, &access).await?;
    super::store::insert_token_in(tx, &refresh).await?;
    Ok(Issued {
        token: access.token,
        scopes: access.scopes,
        refresh_token: Some(refresh.token),
    })
}

pub(super) fn missing(name: &str) -> OAuthFailure {
    OAuthFailure::new(format!("Missing {name}."), "invalid_request")
}

pub(super) fn invalid_grant(reason: &str) -> OAuthFailure {
    OAuthFailure::new(reason, "invalid_grant")
}

/// The `authorization_code` grant.
pub async fn exchange_code(
    state: &AppState,
    app: &AppRow,
    code: Option<&str>,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
) -> Result<Issued, OAuthFailure> {
    let code = code.filter(|c| !c.is_empty()).ok_or_else(|| missing("code"))?;
    let redirect_uri = redirect_uri
        .filter(|c| !c.is_empty())
        .ok_or_else(|| missing("redirect_uri"))?;
    let now = state.clock.now();
    in_tx!(state, exchange_in(state, app, code, redirect_uri, verifier, now))?
}

async fn exchange_in(
    tx: &mut WriteTx,
    state: &AppState,
    app: &AppRow,
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
    now: i64,
) -> Result<Result<Issued, OAuthFailure>, StoreError> {
    let found = store::code(tx.conn(), code, state.store.for_update()).await?;
    let row = match found {
        Some(r) if r.stage == "code" && r.used_at.is_none() && r.client_id == app.client_id => r,
        _ => return Ok(Err(invalid_grant("Invalid authorization code"))),
    };
    if now >= row.expires_at {
        return Ok(Err(invalid_grant("Authorization code expired")));
    }
    if row.redirect_uri != redirect_uri {
        return Ok(Err(invalid_grant("Redirect URI mismatch.")));
    }
    let pkce_ok = match (&row.code_challenge, &row.challenge_method) {
        (Some(challenge), Some(method)) => verifier.is_some_and(|v| pkce_matches(challenge, method, v)),
        // A verifier for a request that sent no challenge is refused (RFC 9700 §2.1.1).
        _ => verifier.is_none_or(str::is_empty),
    };
    if !pkce_ok {
        return Ok(Err(invalid_grant("Invalid code_verifier")));
    }
    let (Some(user_id), Some(account_id)) = (row.user_id.as_deref(), row.account_id.as_deref()) else {
        return Ok(Err(invalid_grant("Invalid authorization code")));
    };
    if !store::user_is_active(tx.conn(), user_id, account_id).await? {
        return Ok(Err(invalid_grant("Invalid authorization code")));
    }
    if !store::spend_code(tx, code, now).await? {
        return Ok(Err(invalid_grant("Invalid authorization code")));
    }
    new_grant(tx, app, user_id, account_id, now).await.map(Ok)
}

/// Records a user's consent to `app` and issues its first pair of tokens.
pub(super) async fn new_grant(
    tx: &mut WriteTx,
    app: &AppRow,
    user_id: &str,
    account_id: &str,
    now: i64,
) -> Result<Issued, StoreError> {
    let grant_id = ids::zoom_id();
    store::insert_grant(
        tx,
        &GrantRow {
            id: &grant_id,
            client_id: &app.client_id,
            account_id,
            user_id,
            scopes: &app.scopes,
            created_at: now,
        },
    )
    .await?;
    issue_pair(tx, app, user_id, account_id, &grant_id, now).await
}

/// The `refresh_token` grant: a new pair; the presented token is spent at once. Presenting a
/// spent token again revokes its whole grant (a stolen token cannot outlive its owner's next use).
pub async fn refresh(state: &AppState, app: &AppRow, token: Option<&str>) -> Result<Issued, OAuthFailure> {
    let token = token
        .filter(|c| !c.is_empty())
        .ok_or_else(|| missing("refresh_token"))?;
    let now = state.clock.now();
    in_tx!(state, refresh_in(app, token, now))?
}

async fn refresh_in(
    tx: &mut WriteTx,
    app: &AppRow,
    token: &str,
    now: i64,
) -> Result<Result<Issued, OAuthFailure>, StoreError> {
    let bad = || Ok(Err(invalid_grant("Invalid refresh token")));
    let found = super::store::token_in(tx.conn(), token).await?;
    let row = match found {
        Some(r) if r.kind == "refresh" && r.client_id.as_deref() == Some(app.client_id.as_str()) => r,
        _ => return bad(),
    };
    let Some(grant_id) = row.grant_id.as_deref() else {
        return bad();
    };
    if row.revoked_at.is_some() {
        store::revoke_grant(tx, grant_id, now).await?;
        return bad();
    }
    let user_id = row.user_id.as_deref().unwrap_or_default();
    if now >= row.expires_at || !store::user_is_active(tx.conn(), user_id, &row.account_id).await? {
        return bad();
    }
    if !store::spend_token(tx, token, now).await? {
        // A concurrent refresh spent it first: the same as a reuse.
        store::revoke_grant(tx, grant_id, now).await?;
        return bad();
    }
    issue_pair(tx, app, user_id, &row.account_id, grant_id, now)
        .await
        .map(Ok)
}

/// Revokes `token` (access or refresh) of `app`; a refresh token takes its grant with it.
pub async fn revoke(state: &AppState, app: &AppRow, token: &str) -> Result<(), OAuthFailure> {
    let now = state.clock.now();
    in_tx!(state, revoke_in(app, token, now))?
}

async fn revoke_in(
    tx: &mut WriteTx,
    app: &AppRow,
    token: &str,
    now: i64,
) -> Result<Result<(), OAuthFailure>, StoreError> {
    let Some(row) = super::store::token_in(tx.conn(), token).await? else {
        return Ok(Ok(()));
    };
    if row.client_id.as_deref() != Some(app.client_id.as_str()) {
        return Ok(Err(OAuthFailure::new(
            "The token was not issued to this client.",
            "invalid_request",
        )));
    }
    match (row.kind.as_str(), row.grant_id.as_deref()) {
        ("refresh", Some(grant)) => store::revoke_grant(tx, grant, now).await?,
        _ => {
            store::spend_token(tx, token, now).await?;
        }
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_example() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(challenge, "S256", verifier));
        assert!(!pkce_matches(challenge, "S256", "x"));
        assert!(pkce_matches("abc", "plain", "abc"));
    }

    #[test]
    fn redirects_keep_an_existing_query() {
        assert_eq!(with_query("http://a/cb", &[("code", "x y")]), "http://a/cb?code=x+y");
        assert_eq!(
            with_query("http://a/cb?k=1", &[("error", "e")]),
            "http://a/cb?k=1&error=e"
        );
    }
}
