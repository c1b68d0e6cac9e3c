//! Embedded migrations, one folder per backend with identical file names; applied in order at start.

use super::{Backend, Store, StoreError};
use sqlx::Row;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// One migration: its number and name; the SQL comes from both backends' folders.
macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("migrations/postgres/", $name, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_init"),
    migration!(2, "0002_presence_quotas"),
    migration!(3, "0003_rate_limits"),
    migration!(4, "0004_assistants_passwords"),
    migration!(5, "0005_meetings"),
    migration!(6, "0006_settings_files"),
    migration!(7, "0007_user_counts"),
    migration!(8, "0008_token_digests"),
    migration!(9, "0009_fault_rules"),
    migration!(10, "0010_webhooks"),
    migration!(11, "0011_user_oauth"),
];

pub(super) async fn run(store: &Store) -> Result<(), StoreError> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS localzoom_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(store.pool())
    .await?;
    let mut tx = store.begin_write().await?;
    if store.backend() == Backend::Postgres {
        // Replicas starting together apply each migration once.
        sqlx::raw_sql("LOCK TABLE localzoom_migrations IN EXCLUSIVE MODE")
            .execute(tx.conn())
            .await?;
    }
    let applied: Vec<i64> = sqlx::query("SELECT version FROM localzoom_migrations")
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match store.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(sql).execute(tx.conn()).await?;
        sqlx::query("INSERT INTO localzoom_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(jiff::Timestamp::now().as_second())
            .execute(tx.conn())
            .await?;
        tracing::info!(migration = m.name, "applied migration");
    }
    tx.commit_plain().await
}
