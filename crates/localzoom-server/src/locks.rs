//! Zoom's lock keys: some operations on one resource run one at a time (a user's DELETE; a user's
//! creation blocks other requests for that user). A key is a row in the store, so replicas share
//! it; it expires by wall time, so a crashed holder cannot keep it.

use sqlx::Row;

use crate::clock::real_now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Store, StoreError};

/// How long a key outlives a holder that never released it (a crash), in seconds of wall time.
const LOCK_TTL_SECONDS: i64 = 60;

fn wall_now() -> i64 {
    real_now_ms().div_euclid(1000)
}

/// A held lock key. Release it with `release` once the work is committed; dropped unreleased (a
/// panic or a cancelled request), it is released in the background.
pub struct Lock {
    store: Store,
    key: String,
    holder: String,
    released: bool,
}

/// Takes `key`, or answers Zoom's 429 naming `what` was already requested. With rate limits off,
/// no key is taken. `operation` may be given control-plane latency, spent while the key is held.
pub async fn acquire(state: &AppState, key: &str, what: &str, operation: &str) -> Result<Option<Lock>, ApiError> {
    if !state.switches().enabled {
        return Ok(None);
    }
    let holder = crate::ids::alnum(16);
    let now = wall_now();
    let taken = write_tx!(state.store, StoreError, |tx| {
        let row = sqlx::query(
            "INSERT INTO lock_keys (key, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE lock_keys.expires_at <= $4 RETURNING holder",
        )
        .bind(key)
        .bind(&holder)
        .bind(now + LOCK_TTL_SECONDS)
        .bind(now)
        .fetch_optional(tx.conn())
        .await?;
        Ok(row)
    })?;
    let ours = match taken {
        Some(row) => row.try_get::<String, _>(0).map_err(StoreError::from)? == holder,
        None => false,
    };
    if !ours {
        return Err(ApiError::concurrent_request(what));
    }
    let lock = Lock {
        store: state.store.clone(),
        key: key.to_string(),
        holder,
        released: false,
    };
    let latency = state.latency_ms(operation);
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    Ok(Some(lock))
}

/// Whether someone holds `key` now.
pub async fn is_held(conn: &mut sqlx::AnyConnection, key: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT 1 FROM lock_keys WHERE key = $1 AND expires_at > $2")
        .bind(key)
        .bind(wall_now())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

async fn delete(store: &Store, key: &str, holder: &str) -> Result<(), StoreError> {
    write_tx!(store, StoreError, |tx| {
        sqlx::query("DELETE FROM lock_keys WHERE key = $1 AND holder = $2")
            .bind(key)
            .bind(holder)
            .execute(tx.conn())
            .await?;
        Ok(())
    })
}

impl Lock {
    pub async fn release(mut self) {
        self.released = true;
        if let Err(e) = delete(&self.store, &self.key, &self.holder).await {
            // The key expires by itself; until then the resource answers 429.
            tracing::warn!(error = %e, key = %self.key, "could not release a lock key");
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        let (store, key, holder) = (self.store.clone(), self.key.clone(), self.holder.clone());
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let _ = delete(&store, &key, &holder).await;
            });
        }
    }
}

/// Runs `work` holding `key` (when limits are on), releasing it before the answer goes out.
pub async fn with_lock<T>(
    state: &AppState,
    key: &str,
    what: &str,
    operation: &str,
    work: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let lock = acquire(state, key, what, operation).await?;
    let result = work.await;
    if let Some(lock) = lock {
        lock.release().await;
    }
    result
}
