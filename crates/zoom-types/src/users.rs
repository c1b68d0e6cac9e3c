//! The Users resource: the user object, list pages, create and update bodies.

use serde::{Deserialize, Serialize};

pub use crate::user_extras::{
    Assistant, AssistantList, AssistantsAdded, BackgroundFile, FeatureFailure, FeaturesResult, Permissions, Presence,
    Scheduler, SchedulerList, UserToken, VanityCheck,
};

/// A phone number of a user (`phone_numbers[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber {
    /// Zoom's `code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Zoom's `country`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Zoom's `label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Zoom's `number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Zoom's `verified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
}

/// A custom attribute of a user (`custom_attributes[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomAttribute {
    /// Zoom's `key`.
    #[serde(default)]
    pub key: String,
    /// Zoom's `name`.
    #[serde(default)]
    pub name: String,
    /// Zoom's `value`.
    #[serde(default)]
    pub value: String,
}

/// `GET /users/{userId}`: the full user object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Zoom's `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Zoom's `created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Zoom's `dept`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept: Option<String>,
    /// Zoom's `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Zoom's `first_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Zoom's `last_client_version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_client_version: Option<String>,
    /// Zoom's `last_login_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login_time: Option<String>,
    /// Zoom's `last_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Zoom's `pmi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmi: Option<i64>,
    /// Zoom's `role_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// Zoom's `timezone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Zoom's `type`.
    #[serde(rename = "type")]
    pub user_type: i64,
    /// Zoom's `use_pmi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_pmi: Option<bool>,
    /// Zoom's `display_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Zoom's `account_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Zoom's `account_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<i64>,
    /// Zoom's `cluster`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// Zoom's `cms_user_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cms_user_id: Option<String>,
    /// Zoom's `company`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Zoom's `cost_center`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    /// Zoom's `user_created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_created_at: Option<String>,
    /// Zoom's `custom_attributes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    /// Zoom's `employee_unique_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_unique_id: Option<String>,
    /// Zoom's `group_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_ids: Option<Vec<String>>,
    /// Zoom's `im_group_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub im_group_ids: Option<Vec<String>>,
    /// Zoom's `jid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jid: Option<String>,
    /// Zoom's `job_title`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// Zoom's `language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Zoom's `location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Zoom's `login_types`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_types: Option<Vec<i64>>,
    /// Zoom's `manager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Zoom's `personal_meeting_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_meeting_url: Option<String>,
    /// Zoom's `phone_country`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_country: Option<String>,
    /// Zoom's `phone_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Zoom's `phone_numbers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_numbers: Option<Vec<PhoneNumber>>,
    /// Zoom's `pic_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pic_url: Option<String>,
    /// Zoom's `plan_united_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_united_type: Option<String>,
    /// Zoom's `pronouns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<String>,
    /// Zoom's `pronouns_option`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns_option: Option<i64>,
    /// Zoom's `role_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
    /// Zoom's `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Zoom's `vanity_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vanity_url: Option<String>,
    /// Zoom's `verified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<i64>,
    /// Zoom's `zoom_one_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom_one_type: Option<i64>,
}

/// One row of `GET /users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserListItem {
    /// Absent for pending users, as in Zoom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Zoom's `first_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Zoom's `last_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Zoom's `display_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Zoom's `email`.
    pub email: String,
    /// Zoom's `type`.
    #[serde(rename = "type")]
    pub user_type: i64,
    /// Zoom's `pmi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmi: Option<i64>,
    /// Zoom's `timezone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Zoom's `verified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<i64>,
    /// Zoom's `dept`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept: Option<String>,
    /// Zoom's `created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Zoom's `user_created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_created_at: Option<String>,
    /// Zoom's `last_login_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login_time: Option<String>,
    /// Zoom's `last_client_version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_client_version: Option<String>,
    /// Zoom's `group_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_ids: Option<Vec<String>>,
    /// Zoom's `im_group_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub im_group_ids: Option<Vec<String>>,
    /// Zoom's `role_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
    /// Zoom's `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Zoom's `employee_unique_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_unique_id: Option<String>,
    /// Zoom's `plan_united_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_united_type: Option<String>,
    /// Only with `include_fields=custom_attributes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    /// Only with `include_fields=host_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_key: Option<String>,
}

/// `GET /users`: one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserList {
    /// Zoom's `next_page_token`.
    #[serde(default)]
    pub next_page_token: String,
    /// Zoom's `page_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_count: Option<i64>,
    /// Zoom's `page_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_number: Option<i64>,
    /// Zoom's `page_size`.
    pub page_size: i64,
    /// Zoom's `total_records`.
    pub total_records: i64,
    /// Zoom's `users`.
    pub users: Vec<UserListItem>,
}

/// `POST /users` body's `user_info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserInfo {
    /// Zoom's `email`.
    pub email: String,
    /// Zoom's `type`.
    #[serde(rename = "type")]
    pub user_type: i64,
    /// Zoom's `first_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Zoom's `last_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Zoom's `display_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Zoom's `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// `POST /users` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserRequest {
    /// Zoom's `action`.
    pub action: String,
    /// Zoom's `user_info`.
    pub user_info: NewUserInfo,
}

/// `POST /users` answer (201).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    /// Zoom's `id`.
    pub id: String,
    /// Zoom's `first_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Zoom's `last_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Zoom's `email`.
    pub email: String,
    /// Zoom's `type`.
    #[serde(rename = "type")]
    pub user_type: i64,
}

/// `PATCH /users/{userId}` body; every field optional, `None` means "leave as is".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateUserRequest {
    /// Zoom's `first_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Zoom's `last_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Zoom's `display_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Zoom's `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<i64>,
    /// Zoom's `pmi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmi: Option<i64>,
    /// Zoom's `use_pmi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_pmi: Option<bool>,
    /// Zoom's `timezone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Zoom's `language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Zoom's `dept`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept: Option<String>,
    /// Zoom's `vanity_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vanity_name: Option<String>,
    /// Zoom's `host_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_key: Option<String>,
    /// Zoom's `cms_user_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cms_user_id: Option<String>,
    /// Zoom's `job_title`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// Zoom's `company`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Zoom's `location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Zoom's `manager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Zoom's `cost_center`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    /// Zoom's `pronouns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<String>,
    /// Zoom's `pronouns_option`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns_option: Option<i64>,
    /// Zoom's `phone_numbers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_numbers: Option<Vec<PhoneNumber>>,
    /// Zoom's `custom_attributes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    /// Zoom's `about_me`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about_me: Option<String>,
    /// Zoom's `linkedin_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkedin_url: Option<String>,
}

/// `PUT /users/{userId}/status` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserStatusRequest {
    /// Zoom's `action`.
    pub action: String,
}

/// `GET /users/email` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailCheck {
    /// Zoom's `existed_email`.
    pub existed_email: bool,
}

/// `GET /users/summary` answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// Zoom's `licensed_users_count`.
    pub licensed_users_count: i64,
    /// Zoom's `basic_users_count`.
    pub basic_users_count: i64,
    /// Zoom's `on_prem_users_count`.
    pub on_prem_users_count: i64,
    /// Zoom's `room_users_count`.
    pub room_users_count: i64,
    /// Zoom's `pending_users_count`.
    pub pending_users_count: i64,
    /// Zoom's `join_only_users_count`.
    pub join_only_users_count: i64,
    /// Zoom's `total_users_count`.
    pub total_users_count: i64,
}
