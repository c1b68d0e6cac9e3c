//! Embedded migrations, one folder per backend with identical file names; applied in order at start.

use super::{Backend, Store, StoreError};
use sqlx::Row;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init",
        sqlite: include_str!("migrations/sqlite/0001_init.sql"),
        postgres: include_str!("migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_presence_quotas",
        sqlite: include_str!("migrations/sqlite/0002_presence_quotas.sql"),
        postgres: include_str!("migrations/postgres/0002_presence_quotas.sql"),
    },
    Migration {
        version: 3,
        name: "0003_rate_limits",
        sqlite: include_str!("migrations/sqlite/0003_rate_limits.sql"),
        postgres: include_str!("migrations/postgres/0003_rate_limits.sql"),
    },
    Migration {
        version: 4,
        name: "0004_assistants_passwords",
        sqlite: include_str!("migrations/sqlite/0004_assistants_passwords.sql"),
        postgres: include_str!("migrations/postgres/0004_assistants_passwords.sql"),
    },
    Migration {
        version: 5,
        name: "0005_meetings",
        sqlite: include_str!("migrations/sqlite/0005_meetings.sql"),
        postgres: include_str!("migrations/postgres/0005_meetings.sql"),
    },
    Migration {
        version: 6,
        name: "0006_settings_files",
        sqlite: include_str!("migrations/sqlite/0006_settings_files.sql"),
        postgres: include_str!("migrations/postgres/0006_settings_files.sql"),
    },
    Migration {
        version: 7,
        name: "0007_user_counts",
        sqlite: include_str!("migrations/sqlite/0007_user_counts.sql"),
        postgres: include_str!("migrations/postgres/0007_user_counts.sql"),
    },
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
            .bind(time::OffsetDateTime::now_utc().unix_timestamp())
            .execute(tx.conn())
            .await?;
        tracing::info!(migration = m.name, "applied migration");
    }
    tx.commit().await
}
