//! Throwaway PostgreSQL databases for test suites that run localzoom against PostgreSQL: each test
//! gets its own database, dropped when the handle is, so runs never collide.

use sqlx::{Connection, Executor};

/// The variable naming the PostgreSQL server test suites use; unset means SQLite.
pub const TEST_POSTGRES_URL_VAR: &str = "LOCALZOOM_TEST_POSTGRES_URL";

/// A database created for one test and dropped (with its connections) when this is dropped.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    /// The URL to hand to `--database-url`.
    pub url: String,
}

/// Replaces the database name in a `postgres://…/name?params` URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, params) = match url.split_once('?') {
        Some((b, p)) => (b, format!("?{p}")),
        None => (url, String::new()),
    };
    let host_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let prefix = match base[host_start..].find('/') {
        Some(i) => &base[..host_start + i],
        None => base,
    };
    format!("{prefix}/{name}{params}")
}

impl TestDatabase {
    /// A fresh database on the server `admin_url` points at. Fails loudly when the server is unreachable.
    pub async fn create(admin_url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let name = format!("localzoom_test_{}", crate::ids::alnum(16).to_lowercase());
        let mut conn = sqlx::AnyConnection::connect(admin_url).await?;
        conn.execute(format!("CREATE DATABASE {name}").as_str()).await?;
        conn.close().await?;
        Ok(TestDatabase {
            admin_url: admin_url.to_string(),
            url: with_database(admin_url, &name),
            name,
        })
    }

    /// A database when `LOCALZOOM_TEST_POSTGRES_URL` is set, else `None` (the suite runs on SQLite).
    pub async fn from_env() -> Option<Self> {
        let url = std::env::var(TEST_POSTGRES_URL_VAR).ok().filter(|u| !u.is_empty())?;
        match Self::create(&url).await {
            Ok(db) => Some(db),
            // Set but unreachable is a failure, never a silent fallback to SQLite.
            Err(e) => panic!("{TEST_POSTGRES_URL_VAR} is set but PostgreSQL is unusable: {e}"),
        }
    }
}

impl TestDatabase {
    /// Ends every session connected to this database (`pg_terminate_backend`), as a failing
    /// database server or a network cut would; returns how many were ended.
    pub async fn terminate_connections(&self) -> Result<i64, sqlx::Error> {
        let mut conn = sqlx::AnyConnection::connect(&self.admin_url).await?;
        let row: (i64,) = sqlx::query_as(
            "SELECT COUNT(pg_terminate_backend(pid))::BIGINT FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&self.name)
        .fetch_one(&mut conn)
        .await?;
        conn.close().await?;
        Ok(row.0)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run inside a runtime; a thread with its own runtime can block safely.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = sqlx::AnyConnection::connect(&admin).await.ok()?;
                conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
                    .ok()?;
                conn.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            tracing::warn!(database = %self.name, "could not drop the test database");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
