//! Meetings and registrants: the objects localzoom serves and the client reads. Fields Zoom sends
//! that are not typed here are kept in `extra`, so nothing a response carries is lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One occurrence of a recurring meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    pub occurrence_id: String,
    pub start_time: String,
    #[serde(default)]
    pub duration: i64,
    #[serde(default)]
    pub status: String,
}

/// A meeting's recurrence (`type` 1 daily, 2 weekly, 3 monthly).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_days: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_day: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_week: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_week_day: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_times: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<String>,
}

/// The meeting object (`GET /meetings/{meetingId}`, and the answer of create).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// An int64 of 10–11 digits.
    pub id: i64,
    #[serde(default)]
    pub uuid: String,
    #[serde(default)]
    pub host_id: String,
    #[serde(default)]
    pub host_email: String,
    #[serde(default)]
    pub topic: String,
    #[serde(rename = "type")]
    pub meeting_type: i64,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub join_url: String,
    #[serde(default)]
    pub start_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_url: Option<String>,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub settings: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub occurrences: Vec<Occurrence>,
    /// Every other field of the object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /users/{userId}/meetings` and `PATCH /meetings/{meetingId}` bodies; `None` is "not given".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub meeting_type: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_password: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_for: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Meeting settings by Zoom's names (`approval_type`, `waiting_room`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Map<String, Value>>,
}

/// A meeting in `GET /users/{userId}/meetings`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingListItem {
    pub id: i64,
    #[serde(default)]
    pub uuid: String,
    #[serde(default)]
    pub host_id: String,
    #[serde(default)]
    pub topic: String,
    #[serde(rename = "type")]
    pub meeting_type: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub join_url: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of meetings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingList {
    #[serde(default)]
    pub next_page_token: String,
    #[serde(default)]
    pub page_size: i64,
    #[serde(default)]
    pub total_records: i64,
    #[serde(default)]
    pub meetings: Vec<MeetingListItem>,
}

/// A registrant (`GET /meetings/{meetingId}/registrants/{registrantId}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registrant {
    #[serde(default)]
    pub id: String,
    pub email: String,
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub join_url: String,
    #[serde(default)]
    pub create_time: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of registrants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistrantList {
    #[serde(default)]
    pub next_page_token: String,
    #[serde(default)]
    pub page_size: i64,
    #[serde(default)]
    pub total_records: i64,
    #[serde(default)]
    pub registrants: Vec<Registrant>,
}

/// `POST /meetings/{meetingId}/registrants` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewRegistrant {
    pub email: String,
    pub first_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approve: Option<bool>,
    /// Answers to the meeting's standard questions (`org`, `city`, …) and `custom_questions`.
    #[serde(flatten)]
    pub answers: Map<String, Value>,
}

/// `POST /meetings/{meetingId}/registrants` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistrantAdded {
    /// The meeting's id.
    pub id: i64,
    pub registrant_id: String,
    #[serde(default)]
    pub join_url: String,
    #[serde(default)]
    pub topic: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
