//! `next_page_token`s: opaque, URL-safe, valid 15 minutes, shared by replicas through the store.
//! Each carries the whole query and a keyset position, so a client that sends only the token gets
//! the next page and rows added or removed meanwhile are neither skipped nor repeated.

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::Row;

use crate::error::{ApiError, ApiResult};
use crate::extract::QueryMap;
use crate::ids;
use crate::state::AppState;
use crate::store::StoreError;
use crate::validate::{Check, Input, Obj};

pub const PAGE_TOKEN_TTL_SECONDS: i64 = 15 * 60;

pub async fn issue(state: &AppState, account_id: &str, resource: &str, query: &impl Serialize) -> ApiResult<String> {
    let now = state.clock.now();
    let token = ids::secret(24);
    let query = serde_json::to_string(query).map_err(ApiError::internal)?;
    let store = &state.store;
    // Expired tokens go as a new one comes, in one unit of work.
    write_tx!(store, |tx| {
        sqlx::query("DELETE FROM page_tokens WHERE expires_at < $1")
            .bind(now)
            .execute(tx.conn())
            .await
            .map_err(StoreError::from)?;
        sqlx::query(
            "INSERT INTO page_tokens (token, account_id, resource, query, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ids::digest(&token))
        .bind(account_id)
        .bind(resource)
        .bind(&query)
        .bind(now + PAGE_TOKEN_TTL_SECONDS)
        .execute(tx.conn())
        .await
        .map_err(StoreError::from)?;
        Ok(())
    })?;
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
            .bind(ids::digest(token))
            .bind(account_id)
            .bind(resource)
            .fetch_optional(state.store.pool())
            .await
            .map_err(StoreError::from)?
            .ok_or_else(ApiError::page_token_invalid)?;
    let expires_at: i64 = row.try_get(1).map_err(ApiError::internal)?;
    if state.clock.now() >= expires_at {
        return Err(ApiError::page_token_invalid());
    }
    let query: String = row.try_get(0).map_err(ApiError::internal)?;
    serde_json::from_str(&query).map_err(|_| ApiError::page_token_invalid())
}

/// Zoom's default page size.
pub const DEFAULT_PAGE_SIZE: i64 = 30;

/// `page_size` (default 30, clamped to `max`) and `page_number` (default 1) of a list's first
/// request; values below 1 are Zoom's 300 on that field.
pub fn page_params(check: &mut Check, root: &Obj, max: i64) -> (i64, i64) {
    let page_size = match check.int(root, "page_size") {
        Some(n) if n < 1 => {
            check.fail("page_size");
            DEFAULT_PAGE_SIZE
        }
        Some(n) => n.min(max),
        None => DEFAULT_PAGE_SIZE,
    };
    let page_number = match check.int(root, "page_number") {
        Some(n) if n < 1 => {
            check.fail("page_number");
            1
        }
        Some(n) => n,
        None => 1,
    };
    (page_size, page_number)
}

/// Rows to skip for `page_number` (keyset pages after the first skip none).
pub fn offset(page_size: i64, page_number: i64) -> i64 {
    (page_number - 1).saturating_mul(page_size)
}

/// How many pages `total` rows make.
pub fn page_count(total: i64, page_size: i64) -> i64 {
    if page_size > 0 {
        (total + page_size - 1) / page_size
    } else {
        0
    }
}

/// Trims `rows` (fetched with one more than `page_size`) to the page and, when more follow,
/// issues the token whose query `next` builds from the page's last row; else `""`.
pub async fn next_page<R, C: Serialize>(
    state: &AppState,
    account_id: &str,
    resource: &str,
    rows: &mut Vec<R>,
    page_size: i64,
    next: impl FnOnce(&R) -> C,
) -> ApiResult<String> {
    let keep = usize::try_from(page_size).unwrap_or(0);
    let more = rows.len() > keep;
    rows.truncate(keep);
    match (more, rows.last()) {
        (true, Some(last)) => issue(state, account_id, resource, &next(last)).await,
        _ => Ok(String::new()),
    }
}

/// A list request: a first page's query, or the token of a later page (which carries the query).
pub enum PageRequest<Q> {
    First(Q),
    Next(String),
}

impl<Q: Input> PageRequest<Q> {
    pub fn from_query(q: &QueryMap) -> ApiResult<Self> {
        match q.get("next_page_token").filter(|t| !t.is_empty()) {
            Some(token) => Ok(PageRequest::Next(token.to_string())),
            None => Ok(PageRequest::First(Q::from_query(q)?)),
        }
    }
}
