//! `next_page_token`s: opaque, URL-safe, valid 15 minutes, shared by replicas through the store.
//! Each carries the whole query and a keyset position, so a client that sends only the token gets
//! the next page and rows added or removed meanwhile are neither skipped nor repeated.

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::Row;

use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::state::AppState;

pub const PAGE_TOKEN_TTL_SECONDS: i64 = 15 * 60;

pub async fn issue(state: &AppState, account_id: &str, resource: &str, query: &impl Serialize) -> ApiResult<String> {
    let now = state.clock.now();
    let token = ids::secret(24);
    let query = serde_json::to_string(query).map_err(ApiError::internal)?;
    let store = &state.store;
    sqlx::query("DELETE FROM page_tokens WHERE expires_at < $1")
        .bind(now)
        .execute(store.pool())
        .await
        .map_err(ApiError::internal)?;
    sqlx::query("INSERT INTO page_tokens (token, account_id, resource, query, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&token)
        .bind(account_id)
        .bind(resource)
        .bind(query)
        .bind(now + PAGE_TOKEN_TTL_SECONDS)
        .execute(store.pool())
        .await
        .map_err(ApiError::internal)?;
    Ok(token)
}

/// The query a token carries; unknown, expired, foreign or other-resource tokens are Zoom's 300.
pub async fn redeem<T: DeserializeOwned>(
    state: &AppState,
    account_id: &str,
    resource: &str,
    token: &str,
) -> ApiResult<T> {
    let row =
        sqlx::query("SELECT query, expires_at FROM page_tokens WHERE token = $1 AND account_id = $2 AND resource = $3")
            .bind(token)
            .bind(account_id)
            .bind(resource)
            .fetch_optional(state.store.pool())
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(ApiError::page_token_invalid)?;
    let expires_at: i64 = row.try_get(1).map_err(ApiError::internal)?;
    if state.clock.now() >= expires_at {
        return Err(ApiError::page_token_invalid());
    }
    let query: String = row.try_get(0).map_err(ApiError::internal)?;
    serde_json::from_str(&query).map_err(|_| ApiError::page_token_invalid())
}
