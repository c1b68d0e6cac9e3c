//! The store: one pool over SQLite (embedded default) or PostgreSQL, embedded migrations per backend,
//! and write transactions. SQL stays portable (`$N` placeholders work on both) and lives in each
//! resource's `store.rs`.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::config::Config;

mod migrations;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("transaction conflicted with a concurrent one: {0}")]
    Conflict(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("cannot open the store: {0}")]
    Open(String),
}

impl StoreError {
    /// Sorts a driver error: unique violations become `Unique` so services can answer Zoom's 409s.
    pub fn classify(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            if db.is_unique_violation() {
                return StoreError::Unique(db.message().to_string());
            }
            // PostgreSQL's serialization failure and deadlock; SQLite's busy and stale snapshot.
            if matches!(db.code().as_deref(), Some("40001" | "40P01" | "5" | "517")) {
                return StoreError::Conflict(db.message().to_string());
            }
        }
        StoreError::Db(e)
    }

    /// Whether this is a unique violation on a constraint or column whose name contains `what`.
    pub fn is_unique_on(&self, what: &str) -> bool {
        matches!(self, StoreError::Unique(m) if m.contains(what))
    }
}

/// How many times a request whose transaction conflicted runs in all before it gives up.
pub const CONFLICT_ATTEMPTS: usize = 4;

/// Runs `attempt` again when its transaction lost a conflict with a concurrent one (a deadlock or
/// serialization failure), at most `CONFLICT_ATTEMPTS` times, so clients never see a conflict
/// that a retry resolves. Every attempt is a whole transaction, so a retry repeats nothing twice.
pub async fn retry_conflicts<T, Fut>(mut attempt: impl FnMut() -> Fut) -> crate::error::ApiResult<T>
where
    Fut: std::future::Future<Output = crate::error::ApiResult<T>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(e) if e.is_conflict() && tries < CONFLICT_ATTEMPTS => {
                tries += 1;
                tracing::debug!(tries, "retrying a transaction that conflicted");
                tokio::time::sleep(Duration::from_millis(5 * tries as u64)).await;
            }
            other => return other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer; serialising writers here avoids `SQLITE_BUSY` on lock upgrades.
    write_lock: Option<Arc<Mutex<()>>>,
    location: String,
    /// Whether another process can reach the same data (a file or a server, not `:memory:`).
    shared: bool,
}

/// A write transaction. Dropped without `commit`, it rolls back.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Marks a point to roll back to. PostgreSQL aborts the whole transaction on any failed statement;
    /// rolling back to a savepoint keeps the rest of it usable (SQLite behaves the same).
    pub async fn savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("SAVEPOINT attempt").execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Undoes everything since `savepoint` and keeps the transaction usable.
    pub async fn rollback_to_savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("ROLLBACK TO SAVEPOINT attempt")
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("RELEASE SAVEPOINT attempt").execute(&mut *self.tx).await?;
        Ok(())
    }

    pub async fn release_savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("RELEASE SAVEPOINT attempt").execute(&mut *self.tx).await?;
        Ok(())
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(StoreError::classify)
    }
}

impl Store {
    pub async fn open(config: &Config) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, location, memory) = match (&config.database_url, config.ephemeral) {
            (Some(url), _) => (url.clone(), redact(url), url.contains(":memory:")),
            (None, true) => ("sqlite::memory:".to_string(), "memory (ephemeral)".to_string(), true),
            (None, false) => {
                let dir = config.resolved_data_dir();
                std::fs::create_dir_all(&dir)
                    .map_err(|e| StoreError::Open(format!("cannot create {}: {e}", dir.display())))?;
                let path = dir.join("localzoom.db");
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    path.display().to_string(),
                    false,
                )
            }
        };
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Open(format!(
                "unsupported database URL {}: use sqlite:// or postgres://",
                redact(&url)
            )));
        };
        let options = AnyConnectOptions::from_str(&url).map_err(|e| StoreError::Open(e.to_string()))?;
        let mut pool = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        pool = match (backend, memory) {
            // One connection: every connection to `:memory:` would otherwise be its own database.
            (Backend::Sqlite, true) => pool
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None),
            (Backend::Sqlite, false) => pool.max_connections(8),
            (Backend::Postgres, _) => pool.max_connections(16),
        };
        if backend == Backend::Sqlite {
            pool = pool.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL + NORMAL: a committed write survives a crash of the process (kill -9).
                    conn.execute("PRAGMA journal_mode=WAL").await?;
                    conn.execute("PRAGMA synchronous=NORMAL").await?;
                    conn.execute("PRAGMA busy_timeout=10000").await?;
                    conn.execute("PRAGMA foreign_keys=ON").await?;
                    Ok(())
                })
            });
        }
        let pool = pool
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        let store = Store {
            pool,
            backend,
            write_lock: (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            location,
            shared: !memory,
        };
        migrations::run(&store).await?;
        Ok(store)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where the data lives, for the start-up banner (passwords redacted).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// `FOR UPDATE` where the backend has row locks; SQLite's single writer makes it unnecessary.
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// Whether other processes may share this data, so state cached in memory must be re-read.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// Holds SQLite's in-process writer slot for a single write statement run on the pool (PostgreSQL
    /// needs none). A single statement is atomic on its own; the slot only avoids busy waits.
    pub async fn write_slot(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        }
    }

    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let guard = self.write_slot().await;
        // IMMEDIATE takes SQLite's write lock up front, so writers in other processes sharing the
        // file wait (busy_timeout) instead of failing when a read lock would need upgrading.
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
        .map_err(StoreError::classify)?;
        Ok(WriteTx { tx, _guard: guard })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Builds `$N` placeholders in order, so dynamic WHERE clauses stay portable.
#[derive(Default)]
pub struct Params {
    n: usize,
}

impl Params {
    pub fn placeholder(&mut self) -> String {
        self.n += 1;
        format!("${}", self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    #[tokio::test]
    async fn conflicts_are_retried_a_bounded_number_of_times() {
        let mut calls = 0;
        let r = retry_conflicts(|| {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err(ApiError::from(StoreError::Conflict("deadlock".into())))
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(r, Ok(3));
        let mut calls = 0;
        let r: Result<(), _> = retry_conflicts(|| {
            calls += 1;
            async { Err(ApiError::from(StoreError::Conflict("deadlock".into()))) }
        })
        .await;
        assert_eq!(calls, CONFLICT_ATTEMPTS);
        assert_eq!(r.map_err(|e| e.status.as_u16()), Err(503));
        let mut calls = 0;
        let r: Result<(), _> = retry_conflicts(|| {
            calls += 1;
            async { Err(ApiError::invalid_field("x")) }
        })
        .await;
        assert_eq!((calls, r.map_err(|e| e.code)), (1, Err(300)));
    }
}
