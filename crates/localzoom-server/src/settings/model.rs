//! The settings document: defaults by user, validated merges, `custom_query_fields` filtering, and
//! file types judged by their bytes.

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use crate::directory::users::UserRow;
use crate::validate::Check;

/// The reference's shape with Zoom's defaults: `{settings, authentication, security}`.
fn defaults() -> &'static Value {
    static DEFAULTS: OnceLock<Value> = OnceLock::new();
    DEFAULTS.get_or_init(|| serde_json::from_str(include_str!("defaults.json")).unwrap_or(Value::Null))
}

/// A user's document before any patch: licensed users get paid features; bulk features show.
pub fn default_for(user: &UserRow) -> Value {
    let mut doc = defaults().clone();
    let licensed = user.user_type == crate::directory::vocab::LICENSED;
    if let Some(feature) = doc.pointer_mut("/settings/feature") {
        feature["meeting_capacity"] = json!(if licensed { 300 } else { 100 });
    }
    if let Some(recording) = doc.pointer_mut("/settings/recording") {
        recording["cloud_recording"] = json!(licensed);
    }
    apply_features(&mut doc, user);
    doc
}

/// Features set through `POST /users/features` are what `settings.feature` reports.
pub fn apply_features(doc: &mut Value, user: &UserRow) {
    let Some(feature) = doc.pointer_mut("/settings/feature") else {
        return;
    };
    let capacity = |code: &str, table: &[(&str, i64)]| table.iter().find(|(c, _)| *c == code).map(|(_, n)| *n);
    for (kind, value) in &user.profile.features {
        match kind.as_str() {
            "large_meeting" => {
                let cap = capacity(
                    value,
                    &[("1", 100), ("32", 200), ("64", 300), ("128", 500), ("256", 1000)],
                );
                feature["large_meeting"] = json!(cap.is_some());
                feature["large_meeting_capacity"] = json!(cap.unwrap_or(0));
            }
            "webinar" => {
                let table = [
                    ("16", 100),
                    ("1", 500),
                    ("64", 1000),
                    ("128", 3000),
                    ("256", 5000),
                    ("512", 10000),
                    ("1024", 20000),
                    ("2048", 30000),
                    ("4096", 40000),
                    ("8192", 50000),
                    ("16384", 500),
                    ("32768", 1000),
                ];
                let cap = capacity(value, &table);
                feature["webinar"] = json!(cap.is_some());
                feature["webinar_capacity"] = json!(cap.unwrap_or(0));
            }
            "zoom_events" => {
                let cap = value.parse::<i64>().unwrap_or(0);
                feature["zoom_events"] = json!(cap > 0);
                feature["zoom_events_capacity"] = json!(cap);
            }
            "concurrent_meeting" => feature["concurrent_meeting"] = json!(value),
            "zoom_whiteboard" | "zoom_clips_plus" | "zoom_revenue_accelerator" | "zoom_iq_for_sales" => {
                feature[kind.as_str()] = json!(value == "true");
            }
            _ => {}
        }
    }
    feature["zoom_phone"] = json!(user.profile.zoom_phone);
}

/// String and integer fields whose values Zoom enumerates, by field name.
fn allowed(field: &str, v: &Value) -> bool {
    let strings: Option<&[&str]> = match field {
        "entry_exit_chime" => Some(&["host", "all", "none"]),
        "auto_recording" => Some(&["local", "cloud", "none"]),
        "audio_type" => Some(&["both", "telephony", "voip", "thirdParty"]),
        "who_can_share_screen" | "who_can_share_screen_when_someone_is_sharing" => Some(&["host", "all"]),
        "participants_share_simultaneously" => Some(&["multiple", "one"]),
        "require_password_for_pmi_meetings" => Some(&["jbh_only", "all", "none"]),
        "encryption_type" => Some(&["enhanced_encryption", "e2ee"]),
        "concurrent_meeting" => Some(&["Basic", "Plus", "None"]),
        "meeting_reactions_emojis" => Some(&["all", "selected"]),
        _ => None,
    };
    let ints: Option<std::ops::RangeInclusive<i64>> = match field {
        "allow_participants_chat_with" => Some(1..=4),
        "allow_users_save_chats" => Some(1..=3),
        "allow_attendees_chat_with" | "allow_panelists_chat_with" => Some(1..=3),
        "who_will_receive_summary" => Some(1..=4),
        "who_can_ask_questions" => Some(1..=5),
        "auto_delete_cmr_days" => Some(1..=90),
        "length" => Some(1..=10),
        _ => None,
    };
    match (strings, ints, v) {
        (Some(s), _, Value::String(x)) => s.contains(&x.as_str()),
        (_, Some(r), Value::Number(n)) => n.as_i64().is_some_and(|n| r.contains(&n)),
        _ => true,
    }
}

/// Merges `patch` into `into`, field by field, checking each value against the type the document
/// holds there. Unknown fields are ignored; every bad field is named.
pub fn merge(check: &mut Check, path: &str, patch: &Map<String, Value>, into: &mut Map<String, Value>) {
    for (key, given) in patch {
        let Some(current) = into.get_mut(key) else { continue };
        let field = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        // Form bodies carry nested objects as JSON text.
        let parsed;
        let given = match (given, &*current) {
            (Value::String(s), Value::Object(_)) => match serde_json::from_str::<Value>(s) {
                Ok(v) => {
                    parsed = v;
                    &parsed
                }
                Err(_) => {
                    check.fail(field);
                    continue;
                }
            },
            _ => given,
        };
        let value = match (&*current, given) {
            (_, Value::Null) => continue,
            (Value::Object(_), Value::Object(p)) => {
                if let Value::Object(target) = current {
                    merge(check, &field, p, target);
                }
                continue;
            }
            (Value::Bool(_), Value::Bool(b)) => json!(b),
            (Value::Bool(_), Value::String(s)) if s == "true" || s == "false" => json!(s == "true"),
            (Value::Number(_), Value::Number(n)) if n.is_i64() => json!(n),
            (Value::Number(_), Value::String(s)) if s.trim().parse::<i64>().is_ok() => {
                json!(s.trim().parse::<i64>().unwrap_or_default())
            }
            (Value::String(_), Value::String(s)) => json!(s),
            (Value::Array(_), Value::Array(a)) => json!(a),
            _ => {
                check.fail(field);
                continue;
            }
        };
        if allowed(key, &value) {
            *current = value;
        } else {
            check.fail(field);
        }
    }
}

/// Keeps only the fields named (at any depth), nested as in `doc`; `None` when nothing matched.
pub fn filter_fields(doc: &Value, names: &[&str]) -> Option<Value> {
    let Value::Object(map) = doc else { return None };
    let mut out = Map::new();
    for (k, v) in map {
        if names.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        } else if let Some(inner) = filter_fields(v, names) {
            out.insert(k.clone(), inner);
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// What a file's first bytes say it is: `(content type, Zoom's kind)`.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(("image/jpeg", "image"));
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some(("image/png", "image"));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(("image/gif", "image"));
    }
    match bytes.get(4..12) {
        Some([b'f', b't', b'y', b'p', b'q', b't', b' ', b' ']) => Some(("video/quicktime", "video")),
        Some([b'f', b't', b'y', b'p', ..]) => Some(("video/mp4", "video")),
        Some([b'm', b'o', b'o', b'v', ..] | [b'w', b'i', b'd', b'e', ..] | [b'm', b'd', b'a', b't', ..]) => {
            Some(("video/quicktime", "video"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_parse_and_merge_checks_types_and_enums() {
        let mut doc = defaults().clone();
        assert!(doc.pointer("/settings/in_meeting/chat").is_some());
        let patch = json!({"in_meeting": {"chat": false, "entry_exit_chime": "none", "mystery": 1},
                           "schedule_meeting": {"host_video": "yes", "audio_type": "carrier pigeon"},
                           "recording": "not an object"});
        let mut check = Check::default();
        let target = doc["settings"].as_object_mut().unwrap();
        merge(&mut check, "", patch.as_object().unwrap(), target);
        let err = check.finish().unwrap_err();
        let mut fields: Vec<String> = err.errors.iter().map(|e| e.field.clone()).collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "recording",
                "schedule_meeting.audio_type",
                "schedule_meeting.host_video"
            ]
        );
        assert_eq!(doc["settings"]["in_meeting"]["entry_exit_chime"], "none");
    }

    #[test]
    fn filters_keep_the_nesting() {
        let doc = json!({"schedule_meeting": {"host_video": false, "x": 1}, "in_meeting": {"waiting_room": true}});
        assert_eq!(
            filter_fields(&doc, &["host_video", "waiting_room"]),
            Some(json!({"schedule_meeting": {"host_video": false}, "in_meeting": {"waiting_room": true}}))
        );
        assert_eq!(filter_fields(&doc, &["nothing"]), None);
    }

    #[test]
    fn files_are_judged_by_their_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(("image/jpeg", "image")));
        assert_eq!(sniff(b"GIF89a...."), Some(("image/gif", "image")));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom"), Some(("video/mp4", "video")));
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  "), Some(("video/quicktime", "video")));
        assert_eq!(sniff(b"<svg xmlns=...>"), None);
    }
}
