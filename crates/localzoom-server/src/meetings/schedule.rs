//! A meeting's schedule: its time zone, the occurrences of a series (with per-occurrence changes),
//! the span it takes, and whether it takes registrants.

use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::Value;

use super::model;
use super::store::MeetingRow;

/// A meeting's length when none is given, in minutes.
pub const DEFAULT_DURATION: i64 = 60;

pub fn zone(m: &MeetingRow) -> TimeZone {
    model::time_zone(&m.doc.timezone).unwrap_or(TimeZone::UTC)
}

/// One occurrence of a series as Zoom shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occurrence {
    pub occurrence_id: String,
    pub start_time: i64,
    pub duration: i64,
    pub status: &'static str,
}

/// The live occurrences of a type-8 series, with per-occurrence changes applied.
pub fn occurrences_of(m: &MeetingRow) -> Vec<Occurrence> {
    let (Some(start), Some(r), 8) = (m.start_time, &m.doc.recurrence, m.kind) else {
        return Vec::new();
    };
    let duration = m.doc.duration.unwrap_or(DEFAULT_DURATION);
    model::occurrences(start, &zone(m), r)
        .into_iter()
        .map(|t| (t * 1000).to_string())
        .filter(|id| !m.doc.deleted_occurrences.contains(id))
        .map(|id| {
            let o = m.doc.occurrence_overrides.get(&id).cloned().unwrap_or_default();
            let base: i64 = id.parse::<i64>().unwrap_or(0) / 1000;
            Occurrence {
                start_time: o.start_time.unwrap_or(base),
                duration: o.duration.unwrap_or(duration),
                occurrence_id: id,
                status: "available",
            }
        })
        .collect()
}

/// `settings.approval_type`: 0 registrants approved on arrival, 1 approved by hand, 2 (Zoom's
/// default) no registration.
pub fn approval_type(m: &MeetingRow) -> i64 {
    m.doc.settings.get("approval_type").and_then(Value::as_i64).unwrap_or(2)
}

pub fn registration_enabled(m: &MeetingRow) -> bool {
    matches!(approval_type(m), 0 | 1)
}

/// The span `[start, end]` (unix seconds) a meeting takes, or `None` without a fixed time.
pub fn span(m: &MeetingRow) -> Option<(i64, i64)> {
    if m.kind == 8 {
        let occ = occurrences_of(m);
        let first = occ.first()?;
        let last = occ.last()?;
        return Some((first.start_time, last.start_time + last.duration * 60));
    }
    Some((m.start_time?, ends_at(m)?))
}

/// When a meeting with a fixed start ends (unix seconds); a series ends with its last occurrence.
pub fn ends_at(m: &MeetingRow) -> Option<i64> {
    if m.kind == 8 {
        return span(m).map(|(_, end)| end);
    }
    Some(m.start_time? + m.doc.duration.unwrap_or(DEFAULT_DURATION) * 60)
}
