//! The Users resource: `/v2/users…` list, create, get, update, status, delete, email check, summary,
//! email changes, personal meeting room names, permissions and bulk features.
//!
//! Differences from Zoom:
//! - No invitation emails: `create` users stay `pending` (no id in lists) until activated through
//!   the control plane (a later issue); `autoCreate`, `custCreate` and `ssoCreate` users are active.
//! - `clock_in`/`clock_out` status actions are accepted and change nothing localzoom models.
//! - `disassociate` and `delete` both remove the user from the account (no free account is created).
//! - `search_by_unique_id`, `encrypted_email`, `login_type` and `license` are validated but do not
//!   change the lookup; groups are not modelled, so `group_id` is only checked for shape.
//! - Emails are unique across the whole localzoom instance, not only per account.
//! - Email changes need no managed domain; permissions come from the three built-in roles (custom
//!   roles are not modelled); bulk features other than `user_type`, `plan_united_type` and
//!   `zoom_one_type` are stored with the user but read back nowhere yet (user settings will).

pub mod attributes;
pub mod input;
pub mod routes;
pub mod service;
pub mod view;
