//! Meetings: `POST|GET /users/{userId}/meetings`, `GET|PATCH|DELETE /meetings/{meetingId}`,
//! `PUT /meetings/{meetingId}/status`, and the control plane's switch that starts a meeting.
//!
//! Differences from Zoom:
//! - Nobody joins: a meeting is `started` only through `PUT /_localzoom/meetings/{meetingId}`;
//!   `start_url` does not expire after two hours.
//! - Deleted meetings stay recoverable indefinitely (Zoom keeps them seven days).
//! - Webinars, PMI and PAC meetings, templates, alternative-host checks and Zoom Rooms are not
//!   modelled; `template_id` is accepted and ignored.
//! - A caller holding only user-level scopes (`meeting:read`, `meeting:write`) acts as its `me`:
//!   another host's meeting answers 400/3003 `Not meeting host.`

pub mod input;
pub mod model;
pub mod nested;
pub mod routes;
pub mod schedule;
pub mod service;
pub mod store;
pub mod view;
