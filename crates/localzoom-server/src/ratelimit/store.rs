//! SQL for the rate counters: one row per key holding its current window and count; and, for the
//! single-process SQLite store, the same counters for short windows kept in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use sqlx::Row;

use crate::store::{Store, StoreError};

/// Per-second and per-minute counters of one process: with SQLite there is one localzoom process
/// (several replicas need PostgreSQL), so these need not cost a write per request. One entry per
/// account and label, so the map stays bounded.
#[derive(Debug, Default)]
pub struct LocalCounters(Mutex<HashMap<String, (i64, i64)>>);

impl LocalCounters {
    /// Forgets every counter (a reset of the store).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    pub fn hit(&self, key: &str, window_start: i64) -> i64 {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let entry = map.entry(key.to_string()).or_insert((window_start, 0));
        if entry.0 != window_start {
            *entry = (window_start, 0);
        }
        entry.1 += 1;
        entry.1
    }
}

/// Counts one request for `key` in the window starting at `window_start` and returns the count so
/// far. One atomic statement in its own unit of work: concurrent requests (in any replica) each get a
/// distinct count, so none can slip past the limit. A new window starts the count again at one.
pub async fn hit(store: &Store, key: &str, window_start: i64) -> Result<i64, StoreError> {
    write_tx!(store, StoreError, |tx| {
        let row = sqlx::query(
            "INSERT INTO rate_counters (key, window_start, count) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
         count = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.count + 1 ELSE 1 END, \
         window_start = excluded.window_start \
         RETURNING count",
        )
        .bind(key)
        .bind(window_start)
        .fetch_one(tx.conn())
        .await?;
        Ok(row.try_get(0)?)
    })
}
