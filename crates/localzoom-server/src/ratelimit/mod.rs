//! Zoom's limits. `layer` enforces the per-account limits by rate-limit label (per second or minute,
//! and per day) on every `/v2` operation; `quota` is the per-resource mechanism (presence updates,
//! user creation, daily caps); `locks` holds Zoom's lock keys. All state lives in the store, so every
//! replica shares it, and every rule reads the clock.
//!
//! Differences from Zoom: the limits of the checklist's table are applied exactly (Business+ for
//! `business`); the per-second window is a fixed clock second, not a sliding one; rejected requests
//! count, as each reaches Zoom; `X-RateLimit-Reset` on per-second 429s is unverified against Zoom.

pub mod faults;
pub mod layer;
pub mod quota;
pub mod store;

use crate::auth::Label;

pub const DAY: i64 = 24 * 3600;

impl Label {
    /// The spelling of `X-RateLimit-Category`.
    pub fn header(self) -> &'static str {
        match self {
            Label::Light => "Light",
            Label::Medium => "Medium",
            Label::Heavy => "Heavy",
            Label::ResourceIntensive => "Resource-intensive",
        }
    }
}

/// The short window: `limit` requests per `seconds` (one second, or a minute for Resource-intensive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub limit: i64,
    pub seconds: i64,
}

/// A daily cap, counted in `bucket` (Heavy and Resource-intensive share one on paid plans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Daily {
    pub limit: i64,
    pub bucket: &'static str,
}

/// Zoom's per-account limits for `label` on `plan` (checklist §6); unknown plans are Business+.
pub fn limits(plan: &str, label: Label) -> (Rate, Option<Daily>) {
    let per_second = |limit| Rate { limit, seconds: 1 };
    let per_minute = |limit| Rate { limit, seconds: 60 };
    let daily = |limit, bucket| Some(Daily { limit, bucket });
    match (plan, label) {
        ("free", Label::Light) => (per_second(4), daily(6_000, "light")),
        ("free", Label::Medium) => (per_second(2), daily(2_000, "medium")),
        ("free", Label::Heavy) => (per_second(1), daily(1_000, "heavy")),
        ("free", Label::ResourceIntensive) => (per_minute(10), daily(30_000, "resource-intensive")),
        ("pro", Label::Light) => (per_second(30), None),
        ("pro", Label::Medium) => (per_second(20), None),
        ("pro", Label::Heavy) => (per_second(10), daily(30_000, "heavy+resource-intensive")),
        ("pro", Label::ResourceIntensive) => (per_minute(10), daily(30_000, "heavy+resource-intensive")),
        (_, Label::Light) => (per_second(80), None),
        (_, Label::Medium) => (per_second(60), None),
        (_, Label::Heavy) => (per_second(40), daily(60_000, "heavy+resource-intensive")),
        (_, Label::ResourceIntensive) => (per_minute(20), daily(60_000, "heavy+resource-intensive")),
    }
}

/// Users an account may create per day with `action=create`, by plan (S-U `POST /users`).
pub fn user_create_daily(plan: &str) -> i64 {
    match plan {
        "free" => 50,
        "pro" => 1_500,
        _ => 10_000,
    }
}

/// The start (unix seconds) of the UTC day holding `now`.
pub fn day_start(now: i64) -> i64 {
    now - now.rem_euclid(DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paid_plans_share_the_heavy_daily_cap() {
        assert_eq!(limits("business", Label::Light), (Rate { limit: 80, seconds: 1 }, None));
        assert_eq!(limits("pro", Label::Heavy).1, limits("pro", Label::ResourceIntensive).1);
        assert_eq!(limits("free", Label::Medium).1.map(|d| d.limit), Some(2_000));
        assert_eq!(limits("business", Label::ResourceIntensive).0.seconds, 60);
        assert_eq!(day_start(DAY * 2 + 7), DAY * 2);
    }
}
