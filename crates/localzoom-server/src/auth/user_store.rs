//! SQL for user-level OAuth: grants, consent requests and authorization codes, device codes, and
//! the tokens of a grant. Codes are looked up by their SHA-256 digest; none is stored in clear.

use crate::store::WriteTx;
use sqlx::{AnyConnection, Row};

use crate::ids::digest;
use crate::store::StoreError;

/// A consent request waiting on the page (`stage = "consent"`) or an issued code (`"code"`).
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub stage: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub challenge_method: Option<String>,
    pub user_id: Option<String>,
    pub account_id: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

const CODE_COLUMNS: &str = "stage, client_id, redirect_uri, state, code_challenge, challenge_method, user_id, \
                            account_id, expires_at, used_at";

pub async fn insert_code(tx: &mut WriteTx, code: &str, row: &CodeRow) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO oauth_codes (code, {CODE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(digest(code))
    .bind(&row.stage)
    .bind(&row.client_id)
    .bind(&row.redirect_uri)
    .bind(&row.state)
    .bind(&row.code_challenge)
    .bind(&row.challenge_method)
    .bind(&row.user_id)
    .bind(&row.account_id)
    .bind(row.expires_at)
    .bind(row.used_at)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn code(conn: &mut AnyConnection, code: &str, lock: &str) -> Result<Option<CodeRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {CODE_COLUMNS} FROM oauth_codes WHERE code = $1{lock}"))
        .bind(digest(code))
        .fetch_optional(conn)
        .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(CodeRow {
        stage: r.try_get(0)?,
        client_id: r.try_get(1)?,
        redirect_uri: r.try_get(2)?,
        state: r.try_get(3)?,
        code_challenge: r.try_get(4)?,
        challenge_method: r.try_get(5)?,
        user_id: r.try_get(6)?,
        account_id: r.try_get(7)?,
        expires_at: r.try_get(8)?,
        used_at: r.try_get(9)?,
    }))
}

/// Marks a code or consent request spent; false if it already was (a concurrent use won).
pub async fn spend_code(tx: &mut WriteTx, code: &str, at: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE oauth_codes SET used_at = $1 WHERE code = $2 AND used_at IS NULL")
        .bind(at)
        .bind(digest(code))
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Drops codes and consent requests that expired before `before`, and device codes likewise.
pub async fn purge(tx: &mut WriteTx, before: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM oauth_codes WHERE expires_at < $1")
        .bind(before)
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM device_codes WHERE expires_at < $1")
        .bind(before)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub struct GrantRow<'a> {
    pub id: &'a str,
    pub client_id: &'a str,
    pub account_id: &'a str,
    pub user_id: &'a str,
    pub scopes: &'a str,
    pub created_at: i64,
}

pub async fn insert_grant(tx: &mut WriteTx, g: &GrantRow<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO oauth_grants (id, client_id, account_id, user_id, scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(g.id)
    .bind(g.client_id)
    .bind(g.account_id)
    .bind(g.user_id)
    .bind(g.scopes)
    .bind(g.created_at)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Revokes a grant and every token issued under it.
pub async fn revoke_grant(tx: &mut WriteTx, grant_id: &str, at: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE access_tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL")
        .bind(at)
        .bind(grant_id)
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE oauth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(at)
        .bind(grant_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Marks one token spent (a rotated refresh token); false if it already was.
pub async fn spend_token(tx: &mut WriteTx, token: &str, at: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE access_tokens SET revoked_at = $1 WHERE token = $2 AND revoked_at IS NULL")
        .bind(at)
        .bind(digest(token))
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether `user_id` is an active user of `account_id`: a grant lives only while its user does.
pub async fn user_is_active(conn: &mut AnyConnection, user_id: &str, account_id: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT 1 FROM users WHERE id = $1 AND account_id = $2 AND status = 'active'")
        .bind(user_id)
        .bind(account_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

#[derive(Debug, Clone)]
pub struct DeviceRow {
    pub client_id: String,
    pub expires_at: i64,
    pub interval_s: i64,
    pub last_poll_ms: Option<i64>,
    /// `pending`, `allowed`, `denied` or `used`.
    pub decision: String,
    pub user_id: Option<String>,
    pub account_id: Option<String>,
}

pub async fn insert_device(
    tx: &mut WriteTx,
    device_code: &str,
    user_code: &str,
    row: &DeviceRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO device_codes (device_code, user_code, client_id, expires_at, interval_s, last_poll_ms, decision) \
         VALUES ($1, $2, $3, $4, $5, NULL, 'pending')",
    )
    .bind(digest(device_code))
    .bind(digest(user_code))
    .bind(&row.client_id)
    .bind(row.expires_at)
    .bind(row.interval_s)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// A device code by its device code or by the user code a person typed (`by_user_code`).
pub async fn device(
    conn: &mut AnyConnection,
    code: &str,
    by_user_code: bool,
    lock: &str,
) -> Result<Option<(String, DeviceRow)>, StoreError> {
    let column = if by_user_code { "user_code" } else { "device_code" };
    let row = sqlx::query(&format!(
        "SELECT device_code, client_id, expires_at, interval_s, last_poll_ms, decision, user_id, account_id \
         FROM device_codes WHERE {column} = $1{lock}"
    ))
    .bind(digest(code))
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some((
        r.try_get(0)?,
        DeviceRow {
            client_id: r.try_get(1)?,
            expires_at: r.try_get(2)?,
            interval_s: r.try_get(3)?,
            last_poll_ms: r.try_get(4)?,
            decision: r.try_get(5)?,
            user_id: r.try_get(6)?,
            account_id: r.try_get(7)?,
        },
    )))
}

/// Writes a device code's state back (`key` is the stored digest).
pub async fn update_device(tx: &mut WriteTx, key: &str, row: &DeviceRow) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE device_codes SET interval_s = $1, last_poll_ms = $2, decision = $3, user_id = $4, account_id = $5 \
         WHERE device_code = $6",
    )
    .bind(row.interval_s)
    .bind(row.last_poll_ms)
    .bind(&row.decision)
    .bind(&row.user_id)
    .bind(&row.account_id)
    .bind(key)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The active users of an account a consent page offers (owner first, then by email), at most `limit`.
pub async fn active_users(
    conn: &mut AnyConnection,
    account_id: &str,
    limit: i64,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, email, role_id FROM users WHERE account_id = $1 AND status = 'active' \
         ORDER BY CASE WHEN role_id = '0' THEN 0 ELSE 1 END, email_key LIMIT $2",
    )
    .bind(account_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}
