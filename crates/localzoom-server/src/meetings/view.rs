//! How meetings look on the wire: the `zoom_types` objects the client also reads (the full meeting,
//! list items, occurrences), and the meeting as events show it.

use serde_json::{json, Value};
use zoom_types::meetings::{Meeting, MeetingListItem, Occurrence as WireOccurrence, TrackingField};

use super::schedule::{occurrences_of, registration_enabled, Occurrence, DEFAULT_DURATION};
use super::store::MeetingRow;
use crate::clock::rfc3339;

/// The meeting's join URL (registrants get their own).
pub fn join_url(m: &MeetingRow, origin: &str) -> String {
    if m.doc.password.is_empty() {
        format!("{origin}/j/{}", m.id)
    } else {
        format!("{origin}/j/{}?pwd={}", m.id, m.doc.encrypted_password)
    }
}

pub struct ViewOptions<'a> {
    pub origin: &'a str,
    pub host_email: &'a str,
    pub now: i64,
    pub show_previous: bool,
    pub occurrence: Option<&'a Occurrence>,
}

pub fn occurrence(o: &Occurrence) -> WireOccurrence {
    WireOccurrence {
        occurrence_id: o.occurrence_id.clone(),
        start_time: rfc3339(o.start_time),
        duration: o.duration,
        status: o.status.to_string(),
    }
}

/// The full meeting object of `GET /meetings/{meetingId}` (and of the create response).
pub fn meeting(m: &MeetingRow, v: &ViewOptions) -> Meeting {
    let start = v.occurrence.map(|o| o.start_time).or(m.start_time);
    let recurrence = match (&m.doc.recurrence, m.kind) {
        (Some(r), 3 | 8) => Some(r.clone()),
        _ => None,
    };
    let occurrences = (m.kind == 8).then(|| {
        occurrences_of(m)
            .iter()
            .filter(|o| v.show_previous || o.start_time + o.duration * 60 >= v.now)
            .map(occurrence)
            .collect()
    });
    Meeting {
        id: m.id,
        uuid: m.uuid.clone(),
        host_id: m.host_id.clone(),
        host_email: v.host_email.to_string(),
        assistant_id: m.doc.assistant_id.clone(),
        topic: m.doc.topic.clone(),
        meeting_type: m.kind,
        status: m.status.as_str().into(),
        start_time: start.map(rfc3339),
        duration: v.occurrence.map(|o| o.duration).or(m.doc.duration),
        timezone: m.doc.timezone.clone(),
        agenda: m.doc.agenda.clone(),
        created_at: rfc3339(m.created_at),
        start_url: format!("{}/s/{}?zak={}", v.origin, m.id, m.doc.start_token),
        join_url: join_url(m, v.origin),
        registration_url: registration_enabled(m)
            .then(|| format!("{}/meeting/register/{}", v.origin, m.doc.registration_token)),
        password: m.doc.password.clone(),
        h323_password: m.doc.h323_password.clone(),
        pstn_password: m.doc.pstn_password.clone(),
        encrypted_password: m.doc.encrypted_password.clone(),
        pre_schedule: m.doc.pre_schedule,
        settings: m.doc.settings.clone(),
        recurrence,
        occurrences,
        tracking_fields: tracking_fields(m),
        creation_source: "open_api".into(),
        extra: Default::default(),
    }
}

fn tracking_fields(m: &MeetingRow) -> Vec<TrackingField> {
    m.doc
        .tracking_fields
        .iter()
        .filter_map(|f| serde_json::from_value(f.clone()).ok())
        .collect()
}

/// A meeting in `GET /users/{userId}/meetings`: a series shows its next occurrence's start.
pub fn list_item(m: &MeetingRow, origin: &str, now: i64) -> MeetingListItem {
    let start = if m.kind == 8 {
        occurrences_of(m)
            .iter()
            .map(|o| o.start_time)
            .find(|t| *t >= now)
            .or(m.start_time)
    } else {
        m.start_time
    };
    MeetingListItem {
        id: m.id,
        uuid: m.uuid.clone(),
        host_id: m.host_id.clone(),
        topic: m.doc.topic.clone(),
        meeting_type: m.kind,
        start_time: start.map(rfc3339),
        duration: m.doc.duration,
        timezone: m.doc.timezone.clone(),
        agenda: m.doc.agenda.clone(),
        created_at: rfc3339(m.created_at),
        join_url: join_url(m, origin),
        extra: Default::default(),
    }
}

/// A meeting as meeting events show it.
pub fn event_object(m: &MeetingRow) -> Value {
    json!({
        "uuid": m.uuid,
        "id": m.id,
        "host_id": m.host_id,
        "topic": m.doc.topic,
        "type": m.kind,
        "start_time": m.start_time.map(rfc3339),
        "duration": m.doc.duration.unwrap_or(DEFAULT_DURATION),
        "timezone": m.doc.timezone,
    })
}

/// The meeting object compared before and after an update (no origin or host: they do not change).
pub fn comparable(m: &MeetingRow, now: i64) -> Value {
    let view = meeting(
        m,
        &ViewOptions {
            origin: "",
            host_email: "",
            now,
            show_previous: false,
            occurrence: None,
        },
    );
    let mut v = serde_json::to_value(view).unwrap_or_default();
    if let Value::Object(o) = &mut v {
        for k in ["start_url", "join_url", "registration_url", "status", "created_at"] {
            o.remove(k);
        }
    }
    v
}
