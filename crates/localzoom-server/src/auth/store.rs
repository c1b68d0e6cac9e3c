//! SQL for apps and access tokens.

use crate::store::WriteTx;
use sqlx::{AnyConnection, Row};

use crate::store::{Store, StoreError};

#[derive(Debug, Clone)]
pub struct AppRow {
    pub client_id: String,
    pub client_secret: String,
    pub account_id: String,
    pub name: String,
    pub kind: String,
    pub scopes: String,
    pub owner_id: String,
    pub is_default: bool,
    pub created_at: i64,
    /// Signs the app's webhook deliveries (22 URL-safe characters).
    pub secret_token: String,
    /// OAuth apps: where the authorization endpoint may send users back (space-separated).
    pub redirect_uris: String,
}

/// `kind` of a Server-to-Server app.
pub const KIND_S2S: &str = "s2s";
/// `kind` of an OAuth app (authorization code and device flows for users).
pub const KIND_OAUTH: &str = "oauth";

#[derive(Debug, Clone)]
pub struct TokenRow {
    /// The token in clear when issued; read back from the store, its SHA-256 digest (only digests are stored).
    pub token: String,
    pub kind: String,
    pub client_id: Option<String>,
    pub account_id: String,
    pub user_id: Option<String>,
    pub scopes: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// The user grant (consent) an OAuth token belongs to; `None` for Server-to-Server tokens.
    pub grant_id: Option<String>,
}

impl AppRow {
    /// A Server-to-Server app with fresh credentials, shaped like Zoom's (22-character client id,
    /// 32-character secret).
    pub fn server_to_server(
        account_id: &str,
        owner_id: &str,
        name: &str,
        scopes: &[impl AsRef<str>],
        now: i64,
    ) -> Self {
        AppRow {
            client_id: crate::ids::alnum(22),
            client_secret: crate::ids::alnum(32),
            account_id: account_id.into(),
            name: name.into(),
            kind: KIND_S2S.into(),
            scopes: scopes.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" "),
            owner_id: owner_id.into(),
            is_default: false,
            created_at: now,
            secret_token: crate::ids::zoom_id(),
            redirect_uris: String::new(),
        }
    }
}

const APP_COLUMNS: &str =
    "client_id, client_secret, account_id, name, kind, scopes, owner_id, is_default, created_at, secret_token, redirect_uris";

fn app_from_row(r: &sqlx::any::AnyRow) -> Result<AppRow, sqlx::Error> {
    Ok(AppRow {
        client_id: r.try_get(0)?,
        client_secret: r.try_get(1)?,
        account_id: r.try_get(2)?,
        name: r.try_get(3)?,
        kind: r.try_get(4)?,
        scopes: r.try_get(5)?,
        owner_id: r.try_get(6)?,
        is_default: r.try_get::<i64, _>(7)? != 0,
        created_at: r.try_get(8)?,
        secret_token: r.try_get(9)?,
        redirect_uris: r.try_get(10)?,
    })
}

pub async fn insert_app(tx: &mut WriteTx, app: &AppRow) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO apps ({APP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(&app.client_id)
    .bind(&app.client_secret)
    .bind(&app.account_id)
    .bind(&app.name)
    .bind(&app.kind)
    .bind(&app.scopes)
    .bind(&app.owner_id)
    .bind(app.is_default as i64)
    .bind(app.created_at)
    .bind(&app.secret_token)
    .bind(&app.redirect_uris)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn app_by_client_id(store: &Store, client_id: &str) -> Result<Option<AppRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {APP_COLUMNS} FROM apps WHERE client_id = $1"))
        .bind(client_id)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.as_ref().map(app_from_row).transpose()?)
}

/// An app by client id, read inside a transaction.
pub async fn app_in_tx(conn: &mut AnyConnection, client_id: &str) -> Result<Option<AppRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {APP_COLUMNS} FROM apps WHERE client_id = $1"))
        .bind(client_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(app_from_row).transpose()?)
}

pub async fn default_app(conn: &mut AnyConnection) -> Result<Option<AppRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {APP_COLUMNS} FROM apps WHERE is_default = 1"))
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(app_from_row).transpose()?)
}

pub async fn apps_of_account(conn: &mut AnyConnection, account_id: &str) -> Result<Vec<AppRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {APP_COLUMNS} FROM apps WHERE account_id = $1 ORDER BY created_at, client_id"
    ))
    .bind(account_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(app_from_row).collect::<Result<_, _>>()?)
}

/// Rewrites the default app's credentials and scopes (fixed by env vars, or a newer scope table).
pub async fn update_default_app(
    tx: &mut WriteTx,
    old_client_id: &str,
    client_id: &str,
    secret: &str,
    scopes: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE apps SET client_id = $1, client_secret = $2, scopes = $3 WHERE client_id = $4")
        .bind(client_id)
        .bind(secret)
        .bind(scopes)
        .bind(old_client_id)
        .execute(tx.conn())
        .await
        .map_err(StoreError::classify)?;
    if old_client_id != client_id {
        // Tokens of the old client id belonged to credentials that no longer exist.
        sqlx::query("DELETE FROM access_tokens WHERE client_id = $1")
            .bind(old_client_id)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// Stores a token in its own unit of work.
pub async fn insert_token(store: &Store, t: &TokenRow) -> Result<(), StoreError> {
    write_tx!(store, StoreError, |tx| { insert_token_in(tx, t).await })
}

/// Stores a token (its digest) on `conn`, inside the caller's transaction if it has one.
pub async fn insert_token_in(tx: &mut WriteTx, t: &TokenRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO access_tokens (token, kind, client_id, account_id, user_id, scopes, issued_at, expires_at, revoked_at, grant_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(crate::ids::digest(&t.token))
    .bind(&t.kind)
    .bind(&t.client_id)
    .bind(&t.account_id)
    .bind(&t.user_id)
    .bind(&t.scopes)
    .bind(t.issued_at)
    .bind(t.expires_at)
    .bind(t.revoked_at)
    .bind(&t.grant_id)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

const TOKEN_COLUMNS: &str =
    "t.token, t.kind, t.client_id, t.account_id, t.user_id, t.scopes, t.issued_at, t.expires_at, t.revoked_at, t.grant_id";

fn token_from_row(r: &sqlx::any::AnyRow) -> Result<TokenRow, sqlx::Error> {
    Ok(TokenRow {
        token: r.try_get(0)?,
        kind: r.try_get(1)?,
        client_id: r.try_get(2)?,
        account_id: r.try_get(3)?,
        user_id: r.try_get(4)?,
        scopes: r.try_get(5)?,
        issued_at: r.try_get(6)?,
        expires_at: r.try_get(7)?,
        revoked_at: r.try_get(8)?,
        grant_id: r.try_get(9)?,
    })
}

pub async fn token(store: &Store, token: &str) -> Result<Option<TokenRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM access_tokens t WHERE t.token = $1"
    ))
    .bind(crate::ids::digest(token))
    .fetch_optional(store.pool())
    .await?;
    Ok(row.as_ref().map(token_from_row).transpose()?)
}

/// A token by its clear text, read (and locked where the backend can) inside a transaction.
pub async fn token_in(conn: &mut AnyConnection, token: &str) -> Result<Option<TokenRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM access_tokens t WHERE t.token = $1"
    ))
    .bind(crate::ids::digest(token))
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(token_from_row).transpose()?)
}

/// What a `/v2` request needs to know about its token, in one round trip: the token, its
/// account's plan, and the run-time settings (clock, rate-limit switches) every replica follows.
pub struct TokenLookup {
    pub token: TokenRow,
    pub plan: Option<String>,
    pub account_number: Option<i64>,
    pub settings: Option<crate::runtime::Settings>,
    /// The token's user as it is now: status, email and account (`None` once deleted).
    pub user: Option<(String, String, String)>,
}

pub async fn token_with_context(store: &Store, token: &str) -> Result<Option<TokenLookup>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS}, a.plan, r.clock_offset_ms, r.clock_frozen_at, r.rate_limits, r.rate_limit_scale, \
         a.account_number, r.faults_version, u.status, u.email, u.account_id \
         FROM access_tokens t LEFT JOIN accounts a ON a.id = t.account_id \
         LEFT JOIN runtime_settings r ON r.id = 1 LEFT JOIN users u ON u.id = t.user_id WHERE t.token = $1"
    ))
    .bind(crate::ids::digest(token))
    .fetch_optional(store.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let offset: Option<i64> = r.try_get(11)?;
    let settings = match offset {
        Some(offset_ms) => Some(crate::runtime::Settings {
            clock: crate::clock::ClockState {
                offset_ms,
                frozen_at: r.try_get(12)?,
            },
            limits: crate::runtime::Switches {
                enabled: r.try_get::<i64, _>(13)? != 0,
                scale: r.try_get(14)?,
            },
            faults_version: r.try_get(16)?,
        }),
        None => None,
    };
    Ok(Some(TokenLookup {
        token: token_from_row(&r)?,
        plan: r.try_get(10)?,
        account_number: r.try_get(15)?,
        settings,
        user: match r.try_get::<Option<String>, _>(17)? {
            Some(status) => Some((status, r.try_get(18)?, r.try_get(19)?)),
            None => None,
        },
    }))
}

/// Drops tokens that expired long ago, so the table stays bounded however long the server runs.
pub async fn purge_expired(store: &Store, before: i64) -> Result<u64, StoreError> {
    write_tx!(store, StoreError, |tx| {
        let done = sqlx::query("DELETE FROM access_tokens WHERE expires_at < $1")
            .bind(before)
            .execute(tx.conn())
            .await?;
        Ok(done.rows_affected())
    })
}
