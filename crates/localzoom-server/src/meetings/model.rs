//! The meeting document and its pure rules: settings with Zoom's defaults, start times in a time
//! zone, and the occurrences a recurrence yields.

use std::collections::BTreeMap;
use zoom_types::meetings::{CustomQuestion, StandardQuestion};

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::validate::{Check, Obj};

/// Everything of a meeting that is not a column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeetingDoc {
    pub topic: String,
    pub duration: Option<i64>,
    pub timezone: String,
    pub agenda: String,
    pub password: String,
    pub h323_password: String,
    pub pstn_password: String,
    pub encrypted_password: String,
    pub start_token: String,
    pub registration_token: String,
    pub pre_schedule: bool,
    pub assistant_id: Option<String>,
    pub settings: Map<String, Value>,
    pub recurrence: Option<Recurrence>,
    pub tracking_fields: Vec<Value>,
    /// Occurrence ids (unix ms as text) deleted from a recurring series.
    pub deleted_occurrences: Vec<String>,
    /// Per-occurrence start time and duration set by `PATCH …?occurrence_id=`.
    pub occurrence_overrides: BTreeMap<String, OccurrenceOverride>,
    pub questions: Vec<StandardQuestion>,
    pub custom_questions: Vec<CustomQuestion>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OccurrenceOverride {
    pub start_time: Option<i64>,
    pub duration: Option<i64>,
}

/// The stored recurrence is the wire type itself.
pub use zoom_types::meetings::Recurrence;

pub const MEETING_TYPES: &[i64] = &[1, 2, 3, 8, 10];
/// A series never has more occurrences than this (Zoom's `end_times` maximum).
pub const MAX_OCCURRENCES: usize = 60;

enum Kind {
    Bool,
    Int(&'static [i64]),
    Str(&'static [&'static str]),
    Text,
    /// Objects and arrays: kept as given.
    Doc,
}

/// The meeting settings localzoom knows, their kinds and Zoom's defaults (S-M).
const SETTINGS: &[(&str, Kind, Option<&str>)] = &[
    ("host_video", Kind::Bool, Some("false")),
    ("participant_video", Kind::Bool, Some("false")),
    ("cn_meeting", Kind::Bool, Some("false")),
    ("in_meeting", Kind::Bool, Some("false")),
    ("join_before_host", Kind::Bool, Some("false")),
    ("jbh_time", Kind::Int(&[0, 5, 10, 15]), Some("0")),
    ("mute_upon_entry", Kind::Bool, Some("false")),
    ("watermark", Kind::Bool, Some("false")),
    ("use_pmi", Kind::Bool, Some("false")),
    ("approval_type", Kind::Int(&[0, 1, 2]), Some("2")),
    ("registration_type", Kind::Int(&[1, 2, 3]), Some("1")),
    (
        "audio",
        Kind::Str(&["both", "telephony", "voip", "thirdParty"]),
        Some("\"both\""),
    ),
    (
        "auto_recording",
        Kind::Str(&["local", "cloud", "none"]),
        Some("\"none\""),
    ),
    ("enforce_login", Kind::Bool, Some("false")),
    ("enforce_login_domains", Kind::Text, Some("\"\"")),
    ("alternative_hosts", Kind::Text, Some("\"\"")),
    ("alternative_hosts_email_notification", Kind::Bool, Some("true")),
    ("alternative_host_update_polls", Kind::Bool, None),
    ("close_registration", Kind::Bool, Some("false")),
    ("show_share_button", Kind::Bool, Some("false")),
    ("allow_multiple_devices", Kind::Bool, Some("false")),
    ("registrants_confirmation_email", Kind::Bool, Some("true")),
    ("registrants_email_notification", Kind::Bool, Some("true")),
    ("waiting_room", Kind::Bool, Some("false")),
    ("meeting_authentication", Kind::Bool, Some("false")),
    ("authentication_option", Kind::Text, None),
    ("authentication_domains", Kind::Text, None),
    (
        "encryption_type",
        Kind::Str(&["enhanced_encryption", "e2ee"]),
        Some("\"enhanced_encryption\""),
    ),
    ("email_notification", Kind::Bool, Some("true")),
    ("private_meeting", Kind::Bool, Some("false")),
    ("host_save_video_order", Kind::Bool, None),
    ("device_testing", Kind::Bool, Some("false")),
    ("focus_mode", Kind::Bool, Some("false")),
    ("calendar_type", Kind::Int(&[1, 2]), None),
    ("contact_name", Kind::Text, None),
    ("contact_email", Kind::Text, None),
    ("audio_conference_info", Kind::Text, None),
    ("push_change_to_calendar", Kind::Bool, Some("false")),
    ("internal_meeting", Kind::Bool, Some("false")),
    ("participant_focused_meeting", Kind::Bool, Some("false")),
    ("disable_participant_video", Kind::Bool, Some("false")),
    ("email_in_attendee_report", Kind::Bool, None),
    ("auto_start_meeting_summary", Kind::Bool, Some("false")),
    ("auto_start_ai_companion_questions", Kind::Bool, Some("false")),
    ("allow_host_control_participant_mute_state", Kind::Bool, None),
    ("who_will_receive_summary", Kind::Int(&[1, 2, 3, 4]), None),
    ("who_can_ask_questions", Kind::Int(&[1, 2, 3, 4, 5]), None),
    ("summary_template_id", Kind::Text, None),
    ("breakout_room", Kind::Doc, None),
    ("approved_or_denied_countries_or_regions", Kind::Doc, None),
    ("continuous_meeting_chat", Kind::Doc, None),
    ("question_and_answer", Kind::Doc, None),
    ("language_interpretation", Kind::Doc, None),
    ("sign_language_interpretation", Kind::Doc, None),
    ("global_dial_in_countries", Kind::Doc, Some("[\"US\"]")),
    ("authentication_exception", Kind::Doc, None),
    ("meeting_invitees", Kind::Doc, None),
    ("additional_data_center_regions", Kind::Doc, None),
    ("resources", Kind::Doc, None),
];

/// A new meeting's settings: Zoom's defaults.
pub fn default_settings() -> Map<String, Value> {
    SETTINGS
        .iter()
        .filter_map(|(name, _, default)| Some((name.to_string(), serde_json::from_str(default.as_ref()?).ok()?)))
        .collect()
}

/// Validates `settings` (an object of the body) and merges what it sets into `into`. Unknown fields
/// are ignored, as Zoom does.
pub fn merge_settings(check: &mut Check, settings: &Obj, into: &mut Map<String, Value>) {
    for (name, kind, _) in SETTINGS {
        let Some(given) = settings.map.get(*name) else { continue };
        if given.is_null() {
            continue;
        }
        let value = match kind {
            Kind::Bool => check.boolean(settings, name).map(Value::Bool),
            Kind::Int(allowed) => check.int_in(settings, name, allowed).map(|v| json!(v)),
            Kind::Str(allowed) => match check.string(settings, name, None) {
                Some(s) if allowed.contains(&s.as_str()) => Some(Value::String(s)),
                Some(_) => {
                    check.fail(settings.path(name));
                    None
                }
                None => None,
            },
            Kind::Text => check.string(settings, name, Some(1024)).map(Value::String),
            Kind::Doc => {
                let doc = match given {
                    Value::Object(_) | Value::Array(_) => Some(given.clone()),
                    // Form bodies carry nested documents as JSON text.
                    Value::String(s) => serde_json::from_str::<Value>(s)
                        .ok()
                        .filter(|v| v.is_object() || v.is_array()),
                    _ => None,
                };
                match doc.map(|d| super::nested::checked(name, d)) {
                    Some(Ok(d)) => Some(d),
                    Some(Err(bad)) => {
                        for path in bad {
                            check.fail(format!("{}{path}", settings.path(name)));
                        }
                        None
                    }
                    None => {
                        check.fail(settings.path(name));
                        None
                    }
                }
            }
        };
        if let Some(v) = value {
            into.insert(name.to_string(), v);
        }
    }
}

/// The time zone named, from the bundled tz database.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// A start time as Zoom takes it: `…Z` (or with an offset) is absolute; without one it is wall time
/// in `tz`. Returns unix seconds.
pub fn parse_start_time(s: &str, tz: &TimeZone) -> Option<i64> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts.as_second());
    }
    let local = s.parse::<DateTime>().ok()?;
    local.to_zoned(tz.clone()).ok().map(|z| z.timestamp().as_second())
}

/// Validates a `recurrence` object of the body.
pub fn parse_recurrence(check: &mut Check, obj: &Obj) -> Option<Recurrence> {
    let kind = if check.required(obj, "type") {
        check.int_in(obj, "type", &[1, 2, 3])
    } else {
        None
    };
    let max_interval = match kind {
        Some(1) => 90,
        Some(2) => 12,
        _ => 3,
    };
    let repeat_interval = check.int(obj, "repeat_interval");
    if repeat_interval.is_some_and(|i| !(1..=max_interval).contains(&i)) {
        check.fail(obj.path("repeat_interval"));
    }
    let weekly_days = check.string(obj, "weekly_days", None);
    if let Some(days) = &weekly_days {
        let ok = !days.is_empty()
            && days
                .split(',')
                .all(|d| d.trim().parse::<i64>().is_ok_and(|d| (1..=7).contains(&d)));
        if !ok {
            check.fail(obj.path("weekly_days"));
        }
    }
    let monthly_day = check.int(obj, "monthly_day");
    if monthly_day.is_some_and(|d| !(1..=31).contains(&d)) {
        check.fail(obj.path("monthly_day"));
    }
    let monthly_week = check.int_in(obj, "monthly_week", &[-1, 1, 2, 3, 4]);
    let monthly_week_day = check.int_in(obj, "monthly_week_day", &[1, 2, 3, 4, 5, 6, 7]);
    let end_times = check.int(obj, "end_times");
    if end_times.is_some_and(|n| !(1..=MAX_OCCURRENCES as i64).contains(&n)) {
        check.fail_with(obj.path("end_times"), "end_times is 1 to 60.");
    }
    let end_date_time = check.string(obj, "end_date_time", None);
    if let Some(end) = &end_date_time {
        if end.parse::<Timestamp>().is_err() {
            check.fail(obj.path("end_date_time"));
        }
        if end_times.is_some() {
            check.fail_with(
                obj.path("end_date_time"),
                "end_date_time cannot be used with end_times.",
            );
        }
    }
    Some(Recurrence {
        kind: kind?,
        repeat_interval,
        weekly_days: weekly_days.map(|d| d.replace(' ', "")),
        monthly_day,
        monthly_week,
        monthly_week_day,
        end_times,
        end_date_time,
    })
}

/// Zoom numbers weekdays 1 (Sunday) to 7 (Saturday).
fn zoom_weekday(n: i64) -> Weekday {
    match n {
        1 => Weekday::Sunday,
        2 => Weekday::Monday,
        3 => Weekday::Tuesday,
        4 => Weekday::Wednesday,
        5 => Weekday::Thursday,
        6 => Weekday::Friday,
        _ => Weekday::Saturday,
    }
}

/// The `n`th (`-1`: last) `weekday` of the month holding `first`.
fn nth_weekday(first: Date, n: i64, weekday: Weekday) -> Option<Date> {
    let days_in_month = first.days_in_month();
    let matching: Vec<Date> = (0..days_in_month)
        .filter_map(|d| first.checked_add(i64::from(d).days()).ok())
        .filter(|d| d.weekday() == weekday)
        .collect();
    if n == -1 {
        matching.last().copied()
    } else {
        matching.get(usize::try_from(n - 1).ok()?).copied()
    }
}

/// The start times (unix seconds) of a series beginning at `start` in `tz`, in order. The wall
/// time of the first occurrence is kept across daylight-saving changes, as calendars do.
pub fn occurrences(start: i64, tz: &TimeZone, r: &Recurrence) -> Vec<i64> {
    let Ok(first) = Timestamp::from_second(start).map(|t| t.to_zoned(tz.clone())) else {
        return Vec::new();
    };
    let (day0, time) = (first.date(), first.time());
    let interval = r.repeat_interval.unwrap_or(1).max(1);
    let limit = match (&r.end_date_time, r.end_times) {
        (Some(_), _) => MAX_OCCURRENCES,
        (None, n) => usize::try_from(n.unwrap_or(1)).unwrap_or(1).min(MAX_OCCURRENCES),
    };
    let until = r
        .end_date_time
        .as_deref()
        .and_then(|e| e.parse::<Timestamp>().ok())
        .map(|t| t.as_second());
    let mut dates: Vec<Date> = Vec::new();
    // Candidate dates in order; bounded so a rule that matches nothing cannot loop for ever.
    for step in 0..2000i64 {
        if dates.len() >= limit {
            break;
        }
        match r.kind {
            1 => {
                if let Ok(d) = day0.checked_add((step * interval).days()) {
                    dates.push(d);
                }
            }
            2 => {
                let week_start = day0
                    .checked_sub(i64::from(day0.weekday().to_sunday_zero_offset()).days())
                    .and_then(|s| s.checked_add((step * 7 * interval).days()));
                let Ok(week_start) = week_start else { break };
                let mut days: Vec<i64> = r
                    .weekly_days
                    .as_deref()
                    .unwrap_or("1")
                    .split(',')
                    .filter_map(|d| d.trim().parse().ok())
                    .collect();
                days.sort_unstable();
                days.dedup();
                for d in days {
                    let offset = i64::from(zoom_weekday(d).to_sunday_zero_offset());
                    if let Ok(date) = week_start.checked_add(offset.days()) {
                        if date >= day0 && dates.len() < limit {
                            dates.push(date);
                        }
                    }
                }
            }
            _ => {
                let Ok(month) = day0.first_of_month().checked_add((step * interval).months()) else {
                    break;
                };
                let date = match (r.monthly_week, r.monthly_week_day) {
                    (Some(w), Some(wd)) => nth_weekday(month, w, zoom_weekday(wd)),
                    _ => {
                        let day = r.monthly_day.unwrap_or(1);
                        i8::try_from(day)
                            .ok()
                            .filter(|d| *d <= month.days_in_month())
                            .and_then(|d| Date::new(month.year(), month.month(), d).ok())
                    }
                };
                if let Some(date) = date.filter(|d| *d >= day0) {
                    dates.push(date);
                }
            }
        }
    }
    dates
        .into_iter()
        .filter_map(|d| d.to_datetime(time).to_zoned(tz.clone()).ok())
        .map(|z| z.timestamp().as_second())
        .filter(|t| until.is_none_or(|u| *t <= u))
        .take(limit)
        .collect()
}

/// A random alphanumeric meeting password of Zoom's usual length.
pub fn generated_password() -> String {
    crate::ids::alnum(6)
}

/// A meeting password: at most 10 characters of letters, digits and `@ - _ *`.
pub fn is_meeting_password(s: &str) -> bool {
    s.len() <= 10 && s.chars().all(|c| c.is_ascii_alphanumeric() || "@-_*".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    fn rfc(t: i64) -> String {
        crate::clock::rfc3339(t)
    }

    #[test]
    fn local_start_times_use_the_zone() {
        let la = time_zone("America/Los_Angeles").unwrap();
        assert_eq!(
            parse_start_time("2026-01-05T09:00:00", &la),
            Some(utc("2026-01-05T17:00:00Z"))
        );
        assert_eq!(
            parse_start_time("2026-01-05T09:00:00Z", &la),
            Some(utc("2026-01-05T09:00:00Z"))
        );
        assert_eq!(parse_start_time("yesterday", &la), None);
        assert!(time_zone("Mars/Olympus").is_none());
    }

    #[test]
    fn daily_weekly_and_monthly_series() {
        let utc_tz = time_zone("UTC").unwrap();
        let start = utc("2026-01-05T10:00:00Z"); // a Monday
        let daily = Recurrence {
            kind: 1,
            repeat_interval: Some(2),
            end_times: Some(3),
            ..Default::default()
        };
        let got: Vec<String> = occurrences(start, &utc_tz, &daily).into_iter().map(rfc).collect();
        assert_eq!(
            got,
            ["2026-01-05T10:00:00Z", "2026-01-07T10:00:00Z", "2026-01-09T10:00:00Z"]
        );
        // Mondays and Wednesdays (2, 4), every week, four times.
        let weekly = Recurrence {
            kind: 2,
            weekly_days: Some("4,2".into()),
            end_times: Some(4),
            ..Default::default()
        };
        let got: Vec<String> = occurrences(start, &utc_tz, &weekly).into_iter().map(rfc).collect();
        assert_eq!(
            got,
            [
                "2026-01-05T10:00:00Z",
                "2026-01-07T10:00:00Z",
                "2026-01-12T10:00:00Z",
                "2026-01-14T10:00:00Z"
            ]
        );
        // The 31st skips short months; the last Friday of each month.
        let on_31 = Recurrence {
            kind: 3,
            monthly_day: Some(31),
            end_times: Some(3),
            ..Default::default()
        };
        let got: Vec<String> = occurrences(start, &utc_tz, &on_31).into_iter().map(rfc).collect();
        assert_eq!(
            got,
            ["2026-01-31T10:00:00Z", "2026-03-31T10:00:00Z", "2026-05-31T10:00:00Z"]
        );
        let last_friday = Recurrence {
            kind: 3,
            monthly_week: Some(-1),
            monthly_week_day: Some(6),
            end_date_time: Some("2026-03-31T00:00:00Z".into()),
            ..Default::default()
        };
        let got: Vec<String> = occurrences(start, &utc_tz, &last_friday).into_iter().map(rfc).collect();
        assert_eq!(
            got,
            ["2026-01-30T10:00:00Z", "2026-02-27T10:00:00Z", "2026-03-27T10:00:00Z"]
        );
    }

    #[test]
    fn series_keep_wall_time_across_daylight_saving() {
        let ny = time_zone("America/New_York").unwrap();
        let start = parse_start_time("2026-03-06T09:00:00", &ny).unwrap();
        let weekly = Recurrence {
            kind: 2,
            weekly_days: Some("6".into()),
            end_times: Some(2),
            ..Default::default()
        };
        let got: Vec<String> = occurrences(start, &ny, &weekly).into_iter().map(rfc).collect();
        assert_eq!(got, ["2026-03-06T14:00:00Z", "2026-03-13T13:00:00Z"]);
    }

    #[test]
    fn defaults_cover_the_common_settings() {
        let d = default_settings();
        assert_eq!(d["approval_type"], 2);
        assert_eq!(d["audio"], "both");
        assert_eq!(d["join_before_host"], false);
    }
}
