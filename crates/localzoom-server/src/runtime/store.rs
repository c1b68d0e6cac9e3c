//! SQL for the one `runtime_settings` row.

use crate::store::WriteTx;
use sqlx::{AnyConnection, Row};

use super::{Settings, Switches};
use crate::clock::ClockState;
use crate::store::{Store, StoreError};

pub async fn load(conn: &mut AnyConnection, store: &Store, for_update: bool) -> Result<Option<Settings>, StoreError> {
    let lock = if for_update { store.for_update() } else { "" };
    let row = sqlx::query(&format!(
        "SELECT clock_offset_ms, clock_frozen_at, rate_limits, rate_limit_scale, faults_version FROM runtime_settings WHERE id = 1{lock}"
    ))
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Settings {
        clock: ClockState {
            offset_ms: r.try_get(0)?,
            frozen_at: r.try_get(1)?,
        },
        limits: Switches {
            enabled: r.try_get::<i64, _>(2)? != 0,
            scale: r.try_get(3)?,
        },
        faults_version: r.try_get(4)?,
    }))
}

pub async fn save(tx: &mut WriteTx, s: &Settings) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO runtime_settings (id, clock_offset_ms, clock_frozen_at, rate_limits, rate_limit_scale, faults_version) \
         VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET clock_offset_ms = excluded.clock_offset_ms, \
         clock_frozen_at = excluded.clock_frozen_at, rate_limits = excluded.rate_limits, \
         rate_limit_scale = excluded.rate_limit_scale, faults_version = excluded.faults_version",
    )
    .bind(s.clock.offset_ms)
    .bind(s.clock.frozen_at)
    .bind(s.limits.enabled as i64)
    .bind(s.limits.scale)
    .bind(s.faults_version)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}
