//! Meetings and registrants: the objects localzoom serves and the client reads. Fields Zoom sends
//! that are not typed here are kept in `extra`, so nothing a response carries is lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One occurrence of a recurring meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    /// Zoom's `occurrence_id`.
    pub occurrence_id: String,
    /// Zoom's `start_time`.
    pub start_time: String,
    /// Zoom's `duration`.
    #[serde(default)]
    pub duration: i64,
    /// Zoom's `status`.
    #[serde(default)]
    pub status: String,
}

/// A meeting's recurrence (`type` 1 daily, 2 weekly, 3 monthly).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    /// Zoom's `type`.
    #[serde(rename = "type")]
    pub kind: i64,
    /// Zoom's `repeat_interval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<i64>,
    /// Zoom's `weekly_days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_days: Option<String>,
    /// Zoom's `monthly_day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_day: Option<i64>,
    /// Zoom's `monthly_week`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_week: Option<i64>,
    /// Zoom's `monthly_week_day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_week_day: Option<i64>,
    /// Zoom's `end_times`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_times: Option<i64>,
    /// Zoom's `end_date_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<String>,
}

/// The meeting object (`GET /meetings/{meetingId}`, and the answer of create).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// An int64 of 10–11 digits.
    pub id: i64,
    /// Zoom's `uuid`.
    #[serde(default)]
    pub uuid: String,
    /// Zoom's `host_id`.
    #[serde(default)]
    pub host_id: String,
    /// Zoom's `host_email`.
    #[serde(default)]
    pub host_email: String,
    /// Zoom's `topic`.
    #[serde(default)]
    pub topic: String,
    /// Zoom's `type`.
    #[serde(rename = "type")]
    pub meeting_type: i64,
    /// Zoom's `status`.
    #[serde(default)]
    pub status: String,
    /// Zoom's `start_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Zoom's `duration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Zoom's `timezone`.
    #[serde(default)]
    pub timezone: String,
    /// Zoom's `agenda`.
    #[serde(default)]
    pub agenda: String,
    /// Zoom's `join_url`.
    #[serde(default)]
    pub join_url: String,
    /// Zoom's `start_url`.
    #[serde(default)]
    pub start_url: String,
    /// Zoom's `registration_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_url: Option<String>,
    /// Zoom's `password`.
    #[serde(default)]
    pub password: String,
    /// Zoom's `settings`.
    #[serde(default)]
    pub settings: Map<String, Value>,
    /// Zoom's `recurrence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Zoom's `occurrences`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub occurrences: Vec<Occurrence>,
    /// Every other field of the object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /users/{userId}/meetings` and `PATCH /meetings/{meetingId}` bodies; `None` is "not given".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingRequest {
    /// Zoom's `topic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Zoom's `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub meeting_type: Option<i64>,
    /// Zoom's `start_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Zoom's `duration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Zoom's `timezone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Zoom's `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Zoom's `default_password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_password: Option<bool>,
    /// Zoom's `agenda`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// Zoom's `schedule_for`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_for: Option<String>,
    /// Zoom's `recurrence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Meeting settings by Zoom's names (`approval_type`, `waiting_room`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Map<String, Value>>,
}

/// A meeting in `GET /users/{userId}/meetings`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingListItem {
    /// Zoom's `id`.
    pub id: i64,
    /// Zoom's `uuid`.
    #[serde(default)]
    pub uuid: String,
    /// Zoom's `host_id`.
    #[serde(default)]
    pub host_id: String,
    /// Zoom's `topic`.
    #[serde(default)]
    pub topic: String,
    /// Zoom's `type`.
    #[serde(rename = "type")]
    pub meeting_type: i64,
    /// Zoom's `start_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Zoom's `duration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Zoom's `timezone`.
    #[serde(default)]
    pub timezone: String,
    /// Zoom's `join_url`.
    #[serde(default)]
    pub join_url: String,
    /// Every other field of the object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of meetings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingList {
    /// Zoom's `next_page_token`.
    #[serde(default)]
    pub next_page_token: String,
    /// Zoom's `page_size`.
    #[serde(default)]
    pub page_size: i64,
    /// Zoom's `total_records`.
    #[serde(default)]
    pub total_records: i64,
    /// Zoom's `meetings`.
    #[serde(default)]
    pub meetings: Vec<MeetingListItem>,
}

/// A registrant (`GET /meetings/{meetingId}/registrants/{registrantId}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registrant {
    /// Zoom's `id`.
    #[serde(default)]
    pub id: String,
    /// Zoom's `email`.
    pub email: String,
    /// Zoom's `first_name`.
    pub first_name: String,
    /// Zoom's `last_name`.
    #[serde(default)]
    pub last_name: String,
    /// Zoom's `status`.
    #[serde(default)]
    pub status: String,
    /// Zoom's `join_url`.
    #[serde(default)]
    pub join_url: String,
    /// Zoom's `create_time`.
    #[serde(default)]
    pub create_time: String,
    /// Every other field of the object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of registrants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistrantList {
    /// Zoom's `next_page_token`.
    #[serde(default)]
    pub next_page_token: String,
    /// Zoom's `page_size`.
    #[serde(default)]
    pub page_size: i64,
    /// Zoom's `total_records`.
    #[serde(default)]
    pub total_records: i64,
    /// Zoom's `registrants`.
    #[serde(default)]
    pub registrants: Vec<Registrant>,
}

/// `POST /meetings/{meetingId}/registrants` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewRegistrant {
    /// Zoom's `email`.
    pub email: String,
    /// Zoom's `first_name`.
    pub first_name: String,
    /// Zoom's `last_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Zoom's `auto_approve`.
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
    /// Zoom's `registrant_id`.
    pub registrant_id: String,
    /// Zoom's `join_url`.
    #[serde(default)]
    pub join_url: String,
    /// Zoom's `topic`.
    #[serde(default)]
    pub topic: String,
    /// Every other field of the object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
