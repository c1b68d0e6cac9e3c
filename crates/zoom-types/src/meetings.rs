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
    /// The assistant who scheduled it for the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_id: Option<String>,
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
    /// Zoom's `created_at`.
    #[serde(default)]
    pub created_at: String,
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
    /// Zoom's `h323_password`.
    #[serde(default)]
    pub h323_password: String,
    /// Zoom's `pstn_password`.
    #[serde(default)]
    pub pstn_password: String,
    /// Zoom's `encrypted_password`.
    #[serde(default)]
    pub encrypted_password: String,
    /// Zoom's `pre_schedule`.
    #[serde(default)]
    pub pre_schedule: bool,
    /// Zoom's `settings`.
    #[serde(default)]
    pub settings: Map<String, Value>,
    /// Zoom's `recurrence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Zoom's `occurrences`: present for recurring meetings with a fixed time (type 8), even
    /// when none is left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Vec<Occurrence>>,
    /// Zoom's `tracking_fields`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracking_fields: Vec<TrackingField>,
    /// Zoom's `creation_source`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub creation_source: String,
    /// Every other field of the object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A tracking field of a meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingField {
    /// Zoom's `field`.
    pub field: String,
    /// Zoom's `value`.
    #[serde(default)]
    pub value: String,
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
    /// Zoom's `agenda`.
    #[serde(default)]
    pub agenda: String,
    /// Zoom's `created_at`.
    #[serde(default)]
    pub created_at: String,
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
    /// Zoom's `page_count`.
    #[serde(default)]
    pub page_count: i64,
    /// Zoom's `page_number`.
    #[serde(default)]
    pub page_number: i64,
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
    /// Zoom's `participant_pin_code`.
    #[serde(default)]
    pub participant_pin_code: i64,
    /// Answers to the meeting's standard questions.
    #[serde(flatten)]
    pub answers: RegistrantAnswers,
    /// Zoom's `custom_questions`: answers to the meeting's own questions.
    #[serde(default)]
    pub custom_questions: Vec<CustomAnswer>,
    /// Every other field of the object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A registrant's answers to the standard questions (empty when not asked or not answered).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrantAnswers {
    /// Zoom's `address`.
    #[serde(default)]
    pub address: String,
    /// Zoom's `city`.
    #[serde(default)]
    pub city: String,
    /// Zoom's `state`.
    #[serde(default)]
    pub state: String,
    /// Zoom's `zip`.
    #[serde(default)]
    pub zip: String,
    /// Zoom's `country`.
    #[serde(default)]
    pub country: String,
    /// Zoom's `phone`.
    #[serde(default)]
    pub phone: String,
    /// Zoom's `comments`.
    #[serde(default)]
    pub comments: String,
    /// Zoom's `industry`.
    #[serde(default)]
    pub industry: String,
    /// Zoom's `job_title`.
    #[serde(default)]
    pub job_title: String,
    /// Zoom's `org`.
    #[serde(default)]
    pub org: String,
    /// Zoom's `no_of_employees`.
    #[serde(default)]
    pub no_of_employees: String,
    /// Zoom's `purchasing_time_frame`.
    #[serde(default)]
    pub purchasing_time_frame: String,
    /// Zoom's `role_in_purchase_process`.
    #[serde(default)]
    pub role_in_purchase_process: String,
}

/// An answer to one of the meeting's custom questions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomAnswer {
    /// The question.
    pub title: String,
    /// The answer.
    #[serde(default)]
    pub value: String,
}

/// `GET|PATCH /meetings/{meetingId}/registrants/questions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationQuestions {
    /// The standard questions asked.
    #[serde(default)]
    pub questions: Vec<StandardQuestion>,
    /// The meeting's own questions.
    #[serde(default)]
    pub custom_questions: Vec<CustomQuestion>,
}

/// A standard question (`field_name` is one of Zoom's registrant fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardQuestion {
    /// Zoom's `field_name`.
    pub field_name: String,
    /// Zoom's `required`.
    #[serde(default)]
    pub required: bool,
}

/// A meeting's own question: a short answer, or a single choice among `answers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomQuestion {
    /// Zoom's `title`.
    pub title: String,
    /// `short` or `single`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Zoom's `required`.
    #[serde(default)]
    pub required: bool,
    /// Zoom's `answers` (for `single`).
    #[serde(default)]
    pub answers: Vec<String>,
}

/// One page of registrants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistrantList {
    /// Zoom's `next_page_token`.
    #[serde(default)]
    pub next_page_token: String,
    /// Zoom's `page_count`.
    #[serde(default)]
    pub page_count: i64,
    /// Zoom's `page_number`.
    #[serde(default)]
    pub page_number: i64,
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
    /// Zoom's `participant_pin_code`.
    #[serde(default)]
    pub participant_pin_code: i64,
    /// Zoom's `start_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// The occurrences registered for (type 8 meetings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Vec<Occurrence>>,
    /// Every other field of the object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One registrant of `POST /meetings/{meetingId}/batch_registrants`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRegistrant {
    /// Zoom's `registrant_id`.
    pub registrant_id: String,
    /// Zoom's `email`.
    pub email: String,
    /// Zoom's `join_url`.
    #[serde(default)]
    pub join_url: String,
    /// Zoom's `participant_pin_code`.
    #[serde(default)]
    pub participant_pin_code: i64,
}

/// `POST /meetings/{meetingId}/batch_registrants` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRegistrants {
    /// Zoom's `registrants`.
    pub registrants: Vec<BatchRegistrant>,
}
