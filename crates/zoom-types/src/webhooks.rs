//! Webhook events as Zoom posts them (`{"event", "event_ts", "payload"}`), and the answer to
//! Zoom's URL validation.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One event notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Zoom's `event`: `<object>.<action>`, e.g. `user.created`.
    pub event: String,
    /// Zoom's `event_ts`: when it happened, unix milliseconds.
    pub event_ts: i64,
    /// Zoom's `payload`.
    pub payload: EventPayload,
}

/// The payload of an event; `object` (and `old_object` for updates) depend on the event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EventPayload {
    /// Zoom's `account_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Zoom's `operator`: the email of who made the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// Zoom's `operator_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_id: Option<String>,
    /// Zoom's `creation_type` (`user.created`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_type: Option<String>,
    /// Zoom's `plainToken` (`endpoint.url_validation`).
    #[serde(rename = "plainToken", default, skip_serializing_if = "Option::is_none")]
    pub plain_token: Option<String>,
    /// Zoom's `object`: the object as it is now (for updates, `id` and the changed fields).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub object: Value,
    /// Zoom's `old_object`: for updates, `id` and the changed fields' previous values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_object: Option<Value>,
    /// Fields this type does not name (`time_stamp`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to an `endpoint.url_validation` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UrlValidationResponse {
    /// Zoom's `plainToken`: the token the event carried.
    #[serde(rename = "plainToken")]
    pub plain_token: String,
    /// Zoom's `encryptedToken`: hex HMAC-SHA256 of the plain token, keyed by the secret token.
    #[serde(rename = "encryptedToken")]
    pub encrypted_token: String,
}
