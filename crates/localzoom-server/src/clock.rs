//! The clock every time rule reads (token expiry, page tokens, quotas). It follows real time plus an
//! offset unless frozen; the control plane moves and freezes it.

use std::sync::RwLock;

use jiff::tz::Offset;
use jiff::Timestamp;

#[derive(Debug, Default)]
pub struct Clock {
    state: RwLock<ClockState>,
}

/// The clock's settings: kept in the store (`runtime`), so every replica reads the same time.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ClockState {
    /// Added to real time, in milliseconds.
    pub offset_ms: i64,
    /// When frozen, the instant (unix ms) the clock stands at.
    pub frozen_at: Option<i64>,
}

pub fn real_now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

impl ClockState {
    pub fn now_ms(&self) -> i64 {
        self.frozen_at.unwrap_or_else(|| real_now_ms() + self.offset_ms)
    }

    pub fn advance_ms(&mut self, ms: i64) {
        match self.frozen_at.as_mut() {
            Some(at) => *at = at.saturating_add(ms),
            None => self.offset_ms = self.offset_ms.saturating_add(ms),
        }
    }

    /// Jump to an absolute instant, keeping the frozen/running state.
    pub fn set_ms(&mut self, at_ms: i64) {
        match self.frozen_at.as_mut() {
            Some(at) => *at = at_ms,
            None => self.offset_ms = at_ms - real_now_ms(),
        }
    }

    pub fn set_frozen(&mut self, frozen: bool) {
        match (frozen, self.frozen_at) {
            (true, None) => self.frozen_at = Some(real_now_ms() + self.offset_ms),
            (false, Some(at)) => {
                self.offset_ms = at - real_now_ms();
                self.frozen_at = None;
            }
            _ => {}
        }
    }
}

impl Clock {
    pub fn now_ms(&self) -> i64 {
        self.snapshot().now_ms()
    }

    /// Seconds since the epoch, as stored in the database.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    pub fn is_frozen(&self) -> bool {
        self.snapshot().frozen_at.is_some()
    }

    pub fn snapshot(&self) -> ClockState {
        *self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the settings another request (or replica) stored.
    pub fn replace(&self, state: ClockState) {
        *self.state.write().unwrap_or_else(|p| p.into_inner()) = state;
    }
}

/// RFC 3339 UTC with a `Z` and whole seconds, as Zoom writes timestamps.
pub fn rfc3339(unix_seconds: i64) -> String {
    let t = Offset::UTC.to_datetime(Timestamp::from_second(unix_seconds).unwrap_or(Timestamp::UNIX_EPOCH));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// RFC 3339 UTC with milliseconds, for the control plane's records.
pub fn rfc3339_ms(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let whole = rfc3339(secs);
    format!("{}.{:03}Z", whole.trim_end_matches('Z'), unix_ms.rem_euclid(1000))
}

/// Parses an RFC 3339 timestamp into unix milliseconds. Strictly RFC 3339: `T` between date and
/// time, seconds, and an offset (`Z` or `±hh:mm`), which ISO 8601's wider forms may leave out.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let shaped = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't')
        && b[13] == b':'
        && b[16] == b':'
        && b[..19]
            .iter()
            .enumerate()
            .all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16) || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    // After the seconds: an optional fraction (a dot and digits), then the offset.
    let rest = &s[19..];
    let zone = match rest.strip_prefix('.') {
        Some(frac) => {
            let digits = frac.len() - frac.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return None;
            }
            &frac[digits..]
        }
        None => rest,
    };
    let z = zone.as_bytes();
    let zoned = matches!(zone, "Z" | "z") || (z.len() == 6 && matches!(z[0], b'+' | b'-') && z[3] == b':');
    if !zoned {
        return None;
    }
    s.parse::<Timestamp>().ok().map(|t| t.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_stands_still_and_advances_on_demand() {
        let mut c = ClockState::default();
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
        assert_eq!(
            parse_rfc3339_ms("2024-03-27T06:00:00.250+02:00"),
            Some(1_711_512_000_250)
        );
        for bad in [
            "2024-03-27 04:00:00Z",
            "2024-03-27T04:00Z",
            "2024-03-27T04:00:00",
            "2024-03-27",
            "2024-03-27T04:00:00.Z",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }
}
