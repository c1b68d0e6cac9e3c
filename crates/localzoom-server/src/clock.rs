//! The clock every time rule reads (token expiry, page tokens, quotas). It follows real time plus an
//! offset unless frozen; the control plane moves and freezes it.

use std::sync::RwLock;
use time::OffsetDateTime;

#[derive(Debug, Default)]
pub struct Clock {
    state: RwLock<ClockState>,
}

#[derive(Debug, Default, Clone, Copy)]
struct ClockState {
    /// Added to real time, in milliseconds.
    offset_ms: i64,
    /// When frozen, the instant (unix ms) the clock stands at.
    frozen_at: Option<i64>,
}

fn real_now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

impl Clock {
    pub fn now_ms(&self) -> i64 {
        let s = *self.state.read().unwrap_or_else(|p| p.into_inner());
        s.frozen_at.unwrap_or_else(|| real_now_ms() + s.offset_ms)
    }

    /// Seconds since the epoch, as stored in the database.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    pub fn is_frozen(&self) -> bool {
        self.state.read().unwrap_or_else(|p| p.into_inner()).frozen_at.is_some()
    }

    pub fn advance_ms(&self, ms: i64) {
        let mut s = self.state.write().unwrap_or_else(|p| p.into_inner());
        match s.frozen_at.as_mut() {
            Some(at) => *at = at.saturating_add(ms),
            None => s.offset_ms = s.offset_ms.saturating_add(ms),
        }
    }

    /// Jump to an absolute instant, keeping the frozen/running state.
    pub fn set_ms(&self, at_ms: i64) {
        let mut s = self.state.write().unwrap_or_else(|p| p.into_inner());
        match s.frozen_at.as_mut() {
            Some(at) => *at = at_ms,
            None => s.offset_ms = at_ms - real_now_ms(),
        }
    }

    pub fn set_frozen(&self, frozen: bool) {
        let mut s = self.state.write().unwrap_or_else(|p| p.into_inner());
        match (frozen, s.frozen_at) {
            (true, None) => s.frozen_at = Some(real_now_ms() + s.offset_ms),
            (false, Some(at)) => {
                s.offset_ms = at - real_now_ms();
                s.frozen_at = None;
            }
            _ => {}
        }
    }
}

/// RFC 3339 UTC with a `Z` and whole seconds, as Zoom writes timestamps.
pub fn rfc3339(unix_seconds: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(unix_seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses an RFC 3339 timestamp into unix milliseconds.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_stands_still_and_advances_on_demand() {
        let c = Clock::default();
        c.set_frozen(true);
        let t = c.now_ms();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(c.now_ms(), t);
        c.advance_ms(60_000);
        assert_eq!(c.now_ms(), t + 60_000);
        c.set_frozen(false);
        assert!(c.now_ms() >= t + 60_000);
    }

    #[test]
    fn formats_and_parses_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339_ms("2024-03-27T04:00:00Z"), Some(1_711_512_000_000));
        assert_eq!(rfc3339(1_711_512_000), "2024-03-27T04:00:00Z");
    }
}
