//! SQL for password hashes and the tokens issued for users (rows of `access_tokens` of kinds
//! `token`, `zak` and `onbehalf`).

use crate::store::WriteTx;
use sqlx::{AnyConnection, Row};

use crate::store::StoreError;

pub async fn password_hash(conn: &mut AnyConnection, user_id: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT hash FROM user_passwords WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

pub async fn set_password_hash(tx: &mut WriteTx, user_id: &str, hash: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO user_passwords (user_id, hash, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(hash)
    .bind(now)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Revokes every unrevoked user token of `user_id`; returns how many.
pub async fn revoke_user_tokens(tx: &mut WriteTx, user_id: &str, now: i64) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE access_tokens SET revoked_at = $1 WHERE user_id = $2 AND kind IN ('token', 'zak', 'onbehalf') \
         AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected())
}

/// Whether the user a token names still exists.
pub async fn user_exists(conn: &mut AnyConnection, user_id: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT 1 FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}
