//! Run-time settings the control plane changes: the test clock and the rate-limit switches. They
//! live in the store so every replica follows them, and each request starts by re-reading them.

pub mod store;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::clock::ClockState;
use crate::state::AppState;
use crate::store::StoreError;

/// The rate-limit switches: `enabled` off means localzoom never answers 429; `scale` multiplies
/// every numeric limit (QPS, daily and per-resource) while counting still runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Switches {
    pub enabled: bool,
    pub scale: f64,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            enabled: true,
            scale: 1.0,
        }
    }
}

impl Switches {
    /// `limit` as scaled; never below one, so a scaled limit still admits a request.
    pub fn scaled(&self, limit: i64) -> i64 {
        let scaled = (limit as f64 * self.scale).round();
        if scaled >= i64::MAX as f64 {
            i64::MAX
        } else {
            (scaled as i64).max(1)
        }
    }
}

/// The largest scale accepted: enough to take any limit out of a benchmark's way.
pub const MAX_SCALE: f64 = 1_000_000.0;

pub fn valid_scale(scale: f64) -> bool {
    scale.is_finite() && scale > 0.0 && scale <= MAX_SCALE
}

/// Everything kept in the `runtime_settings` row.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Settings {
    pub clock: ClockState,
    pub limits: Switches,
    /// Bumped by every change of the fault rules, so replicas know to re-read them.
    pub faults_version: i64,
}

/// Takes settings read from the store as the ones in force here.
pub fn adopt(state: &AppState, s: &Settings) {
    state.clock.replace(s.clock);
    state.set_switches(s.limits);
    state.faults.observe_version(s.faults_version);
}

/// At start: the stored clock carries on; the rate-limit switches take the configured values.
pub async fn init(state: &AppState) -> Result<(), StoreError> {
    let limits = Switches {
        enabled: state.config.rate_limits.enabled(),
        scale: state.config.rate_limit_scale,
    };
    update(state, |s| s.limits = limits).await?;
    Ok(())
}

/// Changes the stored settings under a row lock and adopts them here at once.
pub async fn update(state: &AppState, change: impl Fn(&mut Settings)) -> Result<Settings, StoreError> {
    let settings = write_tx!(state.store, StoreError, |tx| {
        let mut settings = store::load(tx.conn(), &state.store, true).await?.unwrap_or_default();
        change(&mut settings);
        store::save(tx, &settings).await?;
        Ok(settings)
    })?;
    adopt(state, &settings);
    Ok(settings)
}

/// Re-reads the settings another replica may have changed. A store that no other process can
/// reach (in memory) has nothing new to tell.
pub async fn refresh(state: &AppState) -> Result<(), StoreError> {
    if !state.store.is_shared() {
        return Ok(());
    }
    let mut conn = state.store.pool().acquire().await?;
    if let Some(settings) = store::load(&mut conn, &state.store, false).await? {
        adopt(state, &settings);
    }
    Ok(())
}

/// Middleware: every request sees the settings as they stand in the store. `/v2` requests read
/// them with their token instead (one round trip for both).
pub async fn sync(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/v2/") {
        return next.run(req).await;
    }
    if let Err(e) = refresh(&state).await {
        tracing::warn!(error = %e, "could not re-read the run-time settings");
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_rounds_and_keeps_one() {
        let s = |scale| Switches { enabled: true, scale };
        assert_eq!(s(1.0).scaled(80), 80);
        assert_eq!(s(0.5).scaled(3), 2);
        assert_eq!(s(0.001).scaled(80), 1);
        assert_eq!(s(1000.0).scaled(80), 80_000);
        assert_eq!(s(MAX_SCALE).scaled(i64::MAX / 2), i64::MAX);
        assert!(valid_scale(0.5) && !valid_scale(0.0) && !valid_scale(f64::NAN) && !valid_scale(1e9));
    }
}
