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
#[macro_use]
pub mod unit;

pub use unit::{Retryable, WriteTx, CONFLICT_ATTEMPTS};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(sqlx::Error),
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("transaction conflicted with a concurrent one: {0}")]
    Conflict(String),
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("cannot open the store: {0}")]
    Open(String),
}

/// Every driver error is sorted on its way in, wherever a statement fails (not only at commit).
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::classify(e)
    }
}

/// SQLite's primary result codes for busy (5) and locked (6); the extended codes carry them in
/// their low byte (BUSY_RECOVERY 261, BUSY_SNAPSHOT 517, BUSY_TIMEOUT 773, LOCKED_SHAREDCACHE 262, …).
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;

impl StoreError {
    /// Sorts a driver error by SQLSTATE (PostgreSQL) or result code (SQLite), never by message text:
    /// unique violations become `Unique` (services answer Zoom's 409s), deadlocks, serialization
    /// failures and SQLite's busy/locked become `Conflict` (retried), lost connections and pool
    /// time-outs become `Unavailable` (503).
    pub fn classify(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) => {
                if db.is_unique_violation() {
                    return StoreError::Unique(unique_target(db.as_ref()));
                }
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                if is_conflict_code(&code) {
                    return StoreError::Conflict(db.message().to_string());
                }
                if is_unavailable_code(&code) {
                    return StoreError::Unavailable(db.message().to_string());
                }
                StoreError::Db(e)
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(e.to_string())
            }
            sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Db(e),
        }
    }

    /// Whether this is a unique violation on a constraint or column whose name contains `what`.
    pub fn is_unique_on(&self, what: &str) -> bool {
        matches!(self, StoreError::Unique(m) if m.contains(what))
    }
}

/// A driver's error code: PostgreSQL's SQLSTATE is always five characters; SQLite's (extended)
/// result codes are numbers of at most four digits.
enum DbCode {
    SqlState(String),
    Sqlite(i64),
    Unknown,
}

fn db_code(code: &str) -> DbCode {
    if code.len() == 5 {
        DbCode::SqlState(code.to_string())
    } else {
        code.parse::<i64>().map(DbCode::Sqlite).unwrap_or(DbCode::Unknown)
    }
}

/// PostgreSQL: serialization failure and deadlock. SQLite: busy and locked, with any extended code.
fn is_conflict_code(code: &str) -> bool {
    match db_code(code) {
        DbCode::SqlState(s) => matches!(s.as_str(), "40001" | "40P01"),
        DbCode::Sqlite(n) => matches!(n & 0xff, SQLITE_BUSY | SQLITE_LOCKED),
        DbCode::Unknown => false,
    }
}

/// PostgreSQL: connection exceptions (class 08), the server shutting down or terminating the
/// backend (57P01–57P03), too many connections (53300). SQLite: I/O error (10) and cannot open (14).
fn is_unavailable_code(code: &str) -> bool {
    match db_code(code) {
        DbCode::SqlState(s) => s.starts_with("08") || matches!(s.as_str(), "57P01" | "57P02" | "57P03" | "53300"),
        DbCode::Sqlite(n) => matches!(n & 0xff, 10 | 14),
        DbCode::Unknown => false,
    }
}

/// What a unique violation names: PostgreSQL's constraint, or SQLite's `table.column` list (its
/// message is the only place SQLite names it; the classification itself used the result code).
fn unique_target(db: &dyn sqlx::error::DatabaseError) -> String {
    match db.constraint() {
        Some(c) => c.to_string(),
        None => db.message().to_string(),
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
    /// Whether another process can reach the same data (a file or a server, not ephemeral).
    shared: bool,
    /// The private directory of an `--ephemeral` store, removed when the last handle goes.
    _ephemeral_dir: Option<Arc<tempfile::TempDir>>,
    /// Committed events on their way to subscribers.
    bus: Arc<unit::Bus>,
}

impl Store {
    pub async fn open(config: &Config) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let mut ephemeral_dir = None;
        let (url, location, ephemeral) = match (&config.database_url, config.ephemeral) {
            (Some(url), _) if url.contains(":memory:") => {
                return Err(StoreError::Open(format!(
                    "{}: an in-memory SQLite URL cannot be shared by connections; use --ephemeral instead",
                    redact(url)
                )))
            }
            (Some(url), _) => (url.clone(), redact(url), false),
            (None, true) => {
                // A file in a private temporary directory, not `:memory:`: an in-memory database lives
                // only as long as its one connection, and a request dropped mid-query can close that
                // connection (the pool would then open a new, empty database).
                let dir = tempfile::Builder::new()
                    .prefix("localzoom-ephemeral-")
                    .tempdir()
                    .map_err(|e| {
                        StoreError::Open(format!(
                            "cannot create a temporary directory in {} for --ephemeral: {e} (set TMPDIR)",
                            std::env::temp_dir().display()
                        ))
                    })?;
                let path = dir.path().join("localzoom.db");
                let url = format!("sqlite://{}?mode=rwc", path.display());
                ephemeral_dir = Some(Arc::new(dir));
                (url, "ephemeral (removed at exit)".to_string(), true)
            }
            (None, false) => {
                let dir = config.resolved_data_dir();
                std::fs::create_dir_all(&dir).map_err(|e| {
                    StoreError::Open(format!(
                        "cannot create the data directory {}: {e} (change --data-dir)",
                        dir.display()
                    ))
                })?;
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
                "unsupported database URL {}: use sqlite:// or postgres:// (change --database-url)",
                redact(&url)
            )));
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Open(format!("{}: {e} (change --database-url)", redact(&url))))?;
        // One connection first, so a corrupt file, a refused connection or bad credentials are named
        // at once instead of after the pool's time-out.
        let timeout = Duration::from_millis(config.db_timeout_ms);
        let probe = async {
            let mut conn = AnyConnection::connect_with(&options).await?;
            if backend == Backend::Sqlite {
                conn.execute("PRAGMA journal_mode=WAL").await?;
                conn.execute("SELECT COUNT(*) FROM sqlite_master").await?;
            }
            conn.close().await
        };
        match tokio::time::timeout(timeout, probe).await {
            Err(_) => {
                return Err(StoreError::Open(open_failure(
                    backend,
                    &location,
                    sqlx::Error::PoolTimedOut,
                )))
            }
            Ok(Err(e)) => return Err(StoreError::Open(open_failure(backend, &location, e))),
            Ok(Ok(())) => {}
        }
        let max = config.db_max_connections.unwrap_or(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        });
        let pool = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_millis(config.db_timeout_ms))
            .max_connections(max);
        let pool = if backend == Backend::Sqlite {
            pool.after_connect(move |conn, _| {
                Box::pin(async move {
                    // WAL + NORMAL: a committed write survives a crash of the process (kill -9).
                    // An ephemeral store is thrown away at exit, so it need not wait for the disk.
                    conn.execute("PRAGMA journal_mode=WAL").await?;
                    if ephemeral {
                        conn.execute("PRAGMA synchronous=OFF").await?;
                    } else {
                        conn.execute("PRAGMA synchronous=NORMAL").await?;
                    }
                    conn.execute("PRAGMA busy_timeout=10000").await?;
                    conn.execute("PRAGMA foreign_keys=ON").await?;
                    Ok(())
                })
            })
        } else {
            pool
        };
        let pool = pool
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open(open_failure(backend, &location, e)))?;
        let store = Store {
            pool,
            backend,
            write_lock: (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            location,
            shared: !ephemeral,
            _ephemeral_dir: ephemeral_dir,
            bus: Arc::new(unit::Bus::new()),
        };
        migrations::run(&store).await.map_err(|e| match e {
            StoreError::Open(m) => StoreError::Open(m),
            other => StoreError::Open(format!(
                "cannot prepare the database at {}: {other} (is it a localzoom store? change --data-dir or --database-url)",
                store.location
            )),
        })?;
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

    /// SQLite's in-process writer slot, held by a unit of work for its whole transaction (PostgreSQL
    /// needs none).
    async fn write_slot(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        }
    }

    /// Only through a unit of work (`write_tx!`), which commits, retries and publishes events.
    async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let guard = self.write_slot().await;
        // IMMEDIATE takes SQLite's write lock up front, so writers in other processes sharing the
        // file wait (busy_timeout) instead of failing when a read lock would need upgrading.
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
        .map_err(StoreError::classify)?;
        Ok(WriteTx::new(tx, guard))
    }

    /// A pooled connection; a pool that cannot hand one out in time is `Unavailable` (503).
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }
}

/// One line naming what failed and the flag to change.
fn open_failure(backend: Backend, location: &str, e: sqlx::Error) -> String {
    let flag = match backend {
        Backend::Sqlite => "--data-dir or --database-url",
        Backend::Postgres => "--database-url",
    };
    let why = match &e {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("28P01" | "28000") => format!("authentication failed: {}", db.message()),
            Some("3D000") => format!("no such database: {}", db.message()),
            Some("26") => "the file is not a database".to_string(),
            _ => db.message().to_string(),
        },
        sqlx::Error::PoolTimedOut => "timed out connecting".to_string(),
        other => other.to_string(),
    };
    format!("cannot open the database at {location}: {why} (change {flag})")
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
    use std::borrow::Cow;

    /// A driver error with a chosen code, as PostgreSQL or SQLite would report it.
    #[derive(Debug)]
    struct FakeDbError {
        code: &'static str,
        unique: bool,
    }

    impl std::fmt::Display for FakeDbError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "error {}", self.code)
        }
    }

    impl std::error::Error for FakeDbError {}

    impl sqlx::error::DatabaseError for FakeDbError {
        fn message(&self) -> &str {
            // Deliberately misleading text: classification must read the code, not the message.
            "UNIQUE constraint failed: deadlock detected, database is locked"
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.code))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            if self.unique {
                sqlx::error::ErrorKind::UniqueViolation
            } else {
                sqlx::error::ErrorKind::Other
            }
        }
    }

    fn classified(code: &'static str, unique: bool) -> StoreError {
        StoreError::from(sqlx::Error::Database(Box::new(FakeDbError { code, unique })))
    }

    #[test]
    fn driver_errors_are_sorted_by_code_not_message() {
        // PostgreSQL serialization failure and deadlock; SQLite busy/locked with extended codes.
        for code in ["40001", "40P01", "5", "261", "517", "773", "6", "262"] {
            assert!(matches!(classified(code, false), StoreError::Conflict(_)), "{code}");
        }
        for code in ["57P01", "08006", "08001", "53300", "10", "14", "3338"] {
            assert!(matches!(classified(code, false), StoreError::Unavailable(_)), "{code}");
        }
        assert!(matches!(classified("23505", true), StoreError::Unique(_)));
        assert!(matches!(classified("2067", true), StoreError::Unique(_)));
        // A message that names a deadlock or a unique constraint is not enough.
        // 42501 (insufficient privilege) is a SQLSTATE, not SQLite's busy code 5 in its low byte.
        for code in ["42601", "42501", "22005", "1", "19"] {
            assert!(matches!(classified(code, false), StoreError::Db(_)), "{code}");
        }
        assert!(matches!(
            StoreError::from(sqlx::Error::PoolTimedOut),
            StoreError::Unavailable(_)
        ));
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert!(matches!(
            StoreError::from(sqlx::Error::Io(io)),
            StoreError::Unavailable(_)
        ));
        // Conflicts are retried; an unavailable database is a 503 that is not retried.
        let conflict = ApiError::from(classified("40P01", false));
        assert!(conflict.is_conflict());
        let gone = ApiError::from(classified("57P01", false));
        assert_eq!((gone.status.as_u16(), gone.code, gone.is_conflict()), (503, 503, false));
    }
}
