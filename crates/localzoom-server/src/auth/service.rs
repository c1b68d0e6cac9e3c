//! OAuth rules: the account_credentials grant, revocation, and token checks on every `/v2` call.

use axum::http::StatusCode;

use super::store::{self as auth_store, AppRow, TokenRow};
use super::Caller;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::state::AppState;

/// Zoom's S2S tokens live one hour.
pub const TOKEN_TTL_SECONDS: i64 = 3600;
/// Expired tokens are kept this long (so they answer "expired", not "invalid"), then purged.
const EXPIRED_TOKEN_RETENTION: i64 = 7 * 24 * 3600;

/// An OAuth failure, answered as `{"reason","error"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFailure {
    pub status: StatusCode,
    pub reason: String,
    pub error: &'static str,
}

impl OAuthFailure {
    pub fn new(reason: impl Into<String>, error: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            reason: reason.into(),
            error,
        }
    }

    pub fn invalid_client() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            ..Self::new("Invalid client_id or client_secret", "invalid_client")
        }
    }

    /// A store failure: an unreachable database or a lost conflict is RFC 6749's
    /// `temporarily_unavailable` (503, worth retrying); anything else a 500 that echoes nothing.
    pub fn internal(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        if matches!(e, StoreError::Unavailable(_) | StoreError::Conflict(_)) {
            tracing::warn!(error = %e, "database unavailable in OAuth");
            return Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                ..Self::new(
                    "The service is temporarily unavailable. Try again later.",
                    "temporarily_unavailable",
                )
            };
        }
        tracing::error!(error = %e, "internal error in OAuth");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            ..Self::new("Internal error", "server_error")
        }
    }
}

pub struct Issued {
    pub token: String,
    pub scopes: String,
    /// User-level grants: the refresh token that renews this one (it rotates on every use).
    pub refresh_token: Option<String>,
}

/// Checks client credentials against the app store.
pub async fn authenticate_client(state: &AppState, client_id: &str, secret: &str) -> Result<AppRow, OAuthFailure> {
    let app = auth_store::app_by_client_id(&state.store, client_id)
        .await
        .map_err(OAuthFailure::internal)?;
    match app {
        Some(app) if ids::same_secret(&app.client_secret, secret) => Ok(app),
        _ => Err(OAuthFailure::invalid_client()),
    }
}

/// The `account_credentials` grant (Server-to-Server OAuth). A new token leaves older ones valid.
pub async fn grant_account_credentials(
    state: &AppState,
    app: &AppRow,
    account_id: Option<&str>,
) -> Result<Issued, OAuthFailure> {
    let account_id = match account_id.map(str::trim) {
        None | Some("") => return Err(OAuthFailure::new("Missing account_id.", "invalid_request")),
        Some(a) => a,
    };
    if app.kind != "s2s" {
        return Err(OAuthFailure::new(
            "Grant type is not supported for this app.",
            "unsupported_grant_type",
        ));
    }
    if account_id != app.account_id {
        return Err(OAuthFailure::new("Invalid account_id.", "invalid_request"));
    }
    let now = state.clock.now();
    let row = TokenRow {
        token: ids::secret(48),
        kind: "access".into(),
        client_id: Some(app.client_id.clone()),
        account_id: app.account_id.clone(),
        user_id: Some(app.owner_id.clone()),
        scopes: app.scopes.clone(),
        issued_at: now,
        expires_at: now + TOKEN_TTL_SECONDS,
        revoked_at: None,
        grant_id: None,
    };
    auth_store::insert_token(&state.store, &row)
        .await
        .map_err(OAuthFailure::internal)?;
    if let Err(e) = auth_store::purge_expired(&state.store, now - EXPIRED_TOKEN_RETENTION).await {
        tracing::warn!(error = %e, "could not purge expired tokens");
    }
    Ok(Issued {
        token: row.token,
        scopes: row.scopes,
        refresh_token: None,
    })
}

/// Control plane: what a new app is.
#[derive(Debug, Clone, Default)]
pub struct NewApp {
    /// The default account if none.
    pub account_id: Option<String>,
    pub name: String,
    /// `true`: an OAuth app (authorization code and device flows); otherwise Server-to-Server.
    pub oauth: bool,
    pub scopes: Vec<String>,
    /// OAuth apps: where users may be sent back (at least one, `http` or `https`).
    pub redirect_uris: Vec<String>,
    pub credentials: Option<(String, String)>,
    pub secret_token: Option<String>,
}

/// Whether `uri` can be an OAuth redirect URI: an absolute `http(s)` URL without a fragment or spaces.
pub fn valid_redirect_uri(uri: &str) -> bool {
    let rest = uri.strip_prefix("https://").or_else(|| uri.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?']).next().unwrap_or_default();
            // Only characters a URI holds as they are (RFC 3986, no fragment), so a redirect is a valid URL.
            !host.is_empty()
                && uri.len() <= 1024
                && uri
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?[]@!$&'()*+,;=%".contains(&b))
        }
        None => false,
    }
}

/// Control plane: an app of `new.account_id` (the default account if none).
pub async fn create_app(state: &AppState, new: NewApp) -> ApiResult<AppRow> {
    use crate::directory::accounts as account_store;
    let mut errors = Vec::new();
    if let Some(token) = &new.secret_token {
        if !crate::config::valid_secret_token(token) {
            errors.push(zoom_types::FieldError {
                field: "secret_token".into(),
                message: "Expected 1 to 64 letters, digits, '-' or '_'.".into(),
            });
        }
    }
    if new.oauth && new.redirect_uris.is_empty() {
        errors.push(zoom_types::FieldError {
            field: "redirect_uris".into(),
            message: "An OAuth app needs at least one redirect URI.".into(),
        });
    }
    for (i, uri) in new.redirect_uris.iter().enumerate() {
        if !valid_redirect_uri(uri) {
            errors.push(zoom_types::FieldError {
                field: format!("redirect_uris[{i}]"),
                message: "Expected an absolute http or https URL without a fragment.".into(),
            });
        }
    }
    if !new.oauth && !new.redirect_uris.is_empty() {
        errors.push(zoom_types::FieldError {
            field: "redirect_uris".into(),
            message: "Only OAuth apps (\"type\": \"oauth\") have redirect URIs.".into(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    write_tx!(state.store, |tx| {
        let account_id = new.account_id.as_deref();
        let account = match account_id {
            Some(id) => account_store::by_id(tx.conn(), id).await?,
            None => account_store::default_account(tx.conn()).await?,
        }
        .ok_or_else(|| ApiError::account_not_found(account_id))?;
        let mut app = AppRow::server_to_server(
            &account.id,
            &account.owner_id,
            &new.name,
            &new.scopes,
            state.clock.now(),
        );
        if new.oauth {
            app.kind = super::store::KIND_OAUTH.into();
            app.redirect_uris = new.redirect_uris.join(" ");
        }
        if let Some((id, secret)) = new.credentials.clone() {
            app.client_id = id;
            app.client_secret = secret;
        }
        if let Some(token) = new.secret_token.clone() {
            app.secret_token = token;
        }
        match auth_store::insert_app(tx, &app).await {
            Err(crate::store::StoreError::Unique(_)) => {
                return Err(ApiError::already_exists(format!(
                    "An app with client id {} already exists.",
                    app.client_id
                )))
            }
            other => other?,
        }
        Ok(app)
    })
}

/// Control plane: the apps of `account_id` (the default account if none).
pub async fn list_apps(state: &AppState, account_id: Option<&str>) -> ApiResult<Vec<AppRow>> {
    use crate::directory::accounts as account_store;
    let mut conn = state.store.acquire().await?;
    let account = match account_id {
        Some(id) => account_store::by_id(&mut *conn, id).await?,
        None => account_store::default_account(&mut conn).await?,
    }
    .ok_or_else(|| ApiError::account_not_found(account_id))?;
    // The same connection: taking a second one while holding this one could wait forever on a
    // pool that has no other to give.
    Ok(auth_store::apps_of_account(&mut conn, &account.id).await?)
}

/// Resolves a bearer token into its caller, or Zoom's 401/124.
pub async fn authenticate(state: &AppState, token: &str) -> ApiResult<Caller> {
    let found = auth_store::token_with_context(&state.store, token)
        .await?
        .ok_or_else(ApiError::invalid_token)?;
    // The same round trip brought the run-time settings: the expiry below reads the shared clock.
    if let (Some(settings), true) = (&found.settings, state.store.is_shared()) {
        crate::runtime::adopt(state, settings);
    }
    let (row, plan, account_number) = (found.token, found.plan, found.account_number);
    if row.kind != "access" || row.revoked_at.is_some() {
        return Err(ApiError::invalid_token());
    }
    // A user's token lives only while its user is active in the account it consented in.
    let user_grant = match &row.grant_id {
        None => None,
        Some(grant_id) => match found.user {
            Some((status, email, account)) if status == "active" && account == row.account_id => {
                Some(super::UserGrant {
                    grant_id: grant_id.clone(),
                    email,
                })
            }
            _ => return Err(ApiError::invalid_token()),
        },
    };
    if state.clock.now() >= row.expires_at {
        return Err(ApiError::expired_token());
    }
    Ok(Caller {
        account_id: row.account_id,
        me: row.user_id,
        client_id: row.client_id,
        scopes: row.scopes.split_whitespace().map(str::to_string).collect(),
        plan: plan.unwrap_or_else(|| "business".into()),
        account_number,
        user_grant,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_compare_exactly() {
        assert!(crate::ids::same_secret("abc", "abc"));
        assert!(!crate::ids::same_secret("abc", "abd"));
        assert!(!crate::ids::same_secret("abc", "abcd"));
        assert!(!crate::ids::same_secret("", "a"));
    }
}
