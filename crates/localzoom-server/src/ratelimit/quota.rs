//! Per-resource quotas. `consume` runs inside the caller's write transaction, so a request that fails
//! after it rolls the unit back: only successful requests count. Each key has a lock row, so
//! concurrent requests (in one process or across replicas) cannot both take the last unit.

use sqlx::Row;

use crate::store::{Store, StoreError, WriteTx};

/// How far back a quota counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The last N seconds (e.g. "once per minute", "3 per 24 hours").
    Sliding(i64),
    /// The current UTC day, reset at 00:00 UTC.
    UtcDay,
}

/// A quota: at most `limit` uses per `window` for one key.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub limit: i64,
    pub window: Window,
}

/// The quota is used up; `retry_at` (unix seconds) is when a unit frees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    pub retry_at: i64,
}

const DAY: i64 = 24 * 3600;

impl Window {
    /// The first instant (unix seconds) that still counts at `now`.
    fn start(self, now: i64) -> i64 {
        match self {
            Window::Sliding(seconds) => now - seconds + 1,
            Window::UtcDay => now - now.rem_euclid(DAY),
        }
    }
}

tokio::task_local! {
    /// Set while the control plane seeds a document: its writes use no one's quotas.
    pub static UNMETERED: bool;
}

/// Takes one unit of `quota` for `key` at the clock's time, as the rate-limit switches say: none
/// when limits are off, the limit scaled otherwise.
pub async fn take(
    state: &crate::state::AppState,
    tx: &mut WriteTx,
    key: &str,
    quota: Quota,
) -> Result<Result<(), Exhausted>, StoreError> {
    let switches = state.switches();
    if !switches.enabled || UNMETERED.try_with(|u| *u).unwrap_or(false) {
        return Ok(Ok(()));
    }
    let scaled = Quota {
        limit: switches.scaled(quota.limit),
        ..quota
    };
    consume(tx, &state.store, key, scaled, state.clock.now()).await
}

/// Takes one unit of `quota` for `key` at `now`, or says when one frees.
pub async fn consume(
    tx: &mut WriteTx,
    store: &Store,
    key: &str,
    quota: Quota,
    now: i64,
) -> Result<Result<(), Exhausted>, StoreError> {
    sqlx::query("INSERT INTO quota_keys (key) VALUES ($1) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .execute(tx.conn())
        .await
        .map_err(StoreError::classify)?;
    // Serialises every consumer of this key until the transaction ends.
    sqlx::query(&format!(
        "SELECT key FROM quota_keys WHERE key = $1{}",
        store.for_update()
    ))
    .bind(key)
    .fetch_one(tx.conn())
    .await?;
    let start = quota.window.start(now);
    sqlx::query("DELETE FROM quota_events WHERE key = $1 AND at < $2")
        .bind(key)
        .bind(start)
        .execute(tx.conn())
        .await?;
    let row = sqlx::query("SELECT COUNT(*), MIN(at) FROM quota_events WHERE key = $1 AND at >= $2")
        .bind(key)
        .bind(start)
        .fetch_one(tx.conn())
        .await?;
    let used: i64 = row.try_get(0)?;
    if used >= quota.limit {
        let oldest: Option<i64> = row.try_get(1)?;
        let retry_at = match quota.window {
            Window::Sliding(seconds) => oldest.unwrap_or(now) + seconds,
            Window::UtcDay => start + DAY,
        };
        return Ok(Err(Exhausted { retry_at }));
    }
    sqlx::query("INSERT INTO quota_events (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_starts() {
        assert_eq!(Window::Sliding(60).start(1000), 941);
        assert_eq!(Window::UtcDay.start(DAY * 3 + 5), DAY * 3);
        assert_eq!(Window::UtcDay.start(DAY * 3), DAY * 3);
    }

    #[tokio::test]
    async fn counts_within_the_window_and_frees_after_it() {
        use crate::store::StoreError;
        let config = crate::Config::ephemeral();
        let store = Store::open(&config).await.unwrap();
        let q = Quota {
            limit: 2,
            window: Window::Sliding(60),
        };
        let use_one = |key: &'static str, q: Quota, now: i64, keep: bool| {
            let store = store.clone();
            async move {
                let r: Result<Result<(), Exhausted>, StoreError> = write_tx!(store, StoreError, |tx| {
                    let r = consume(tx, &store, key, q, now).await?;
                    if keep {
                        Ok(r)
                    } else {
                        // Refused after counting: the use rolls back with it.
                        Err(StoreError::Corrupt("refused".into()))
                    }
                });
                r
            }
        };
        for (now, ok) in [(100, true), (130, true), (159, false), (160, true), (170, false)] {
            let r = use_one("k", q, now, true).await.unwrap();
            assert_eq!(r.is_ok(), ok, "at {now}");
            if now == 159 {
                assert_eq!(r, Err(Exhausted { retry_at: 160 }));
            }
        }
        // A rolled-back use does not count.
        let day = Quota {
            limit: 1,
            window: Window::UtcDay,
        };
        assert!(use_one("other", day, 10, false).await.is_err());
        assert!(use_one("other", day, 11, true).await.unwrap().is_ok());
        let r = use_one("other", day, 12, true).await.unwrap();
        assert_eq!(r, Err(Exhausted { retry_at: DAY }));
    }
}
