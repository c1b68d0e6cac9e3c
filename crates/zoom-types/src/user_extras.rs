//! What hangs off a user: assistants and schedulers, presence, virtual background files, bulk
//! feature results, permissions, vanity-name checks and user tokens.

use serde::{Deserialize, Serialize};

use crate::enums::PresenceStatus;

/// An assistant (`GET /users/{userId}/assistants`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assistant {
    /// The assistant's user id.
    pub id: String,
    /// The assistant's email.
    pub email: String,
}

/// `GET /users/{userId}/assistants` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistantList {
    /// Zoom's `assistants`.
    pub assistants: Vec<Assistant>,
}

/// `POST /users/{userId}/assistants` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistantsAdded {
    /// The assistants' ids, comma-separated.
    pub ids: String,
    /// When they were added.
    pub add_at: String,
}

/// A scheduler: a user the assistant schedules for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduler {
    /// The scheduler's user id.
    pub id: String,
    /// The scheduler's email.
    pub email: String,
    #[serde(default)]
    /// The scheduler's personal meeting id.
    pub pmi: i64,
}

/// `GET /users/{userId}/schedulers` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulerList {
    /// Zoom's `schedulers`.
    pub schedulers: Vec<Scheduler>,
}

/// A user's presence (`GET /users/{userId}/presence_status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    /// The status, in Zoom's GET vocabulary.
    pub status: PresenceStatus,
    /// The end of the caller's own Do-Not-Disturb.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Minutes of the caller's own Do-Not-Disturb left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_time: Option<i64>,
}

/// A virtual background file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackgroundFile {
    /// The file's id.
    pub id: String,
    /// The file's name.
    pub name: String,
    /// `image` or `video`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Size in bytes.
    pub size: i64,
    #[serde(default)]
    /// Whether it is the default background.
    pub is_default: bool,
}

/// The answer of `POST /users/features`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeaturesResult {
    /// Users whose feature changed.
    pub success_user_ids: Vec<String>,
    /// Users whose feature did not change, by reason.
    pub fail_details: Vec<FeatureFailure>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
/// Users a bulk feature update failed for, and why.
pub struct FeatureFailure {
    /// The users (ids, or the names given).
    pub user_ids: Vec<String>,
    /// Why.
    pub reason: String,
}

/// `GET /users/{userId}/permissions` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    /// The privileges of the user's role.
    pub permissions: Vec<String>,
}

/// `GET /users/vanity_name` answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VanityCheck {
    /// Whether a user has that personal meeting room name.
    pub existed: bool,
}

/// `GET /users/{userId}/token` and `GET /users/me/zak` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserToken {
    /// The token (or ZAK).
    pub token: String,
}
