//! Presence status: `GET|PUT /v2/users/{userId}/presence_status`, and each user's Zoom client
//! (signed in or out), which the control plane sets.
//!
//! Differences from Zoom:
//! - There is no real Zoom client: a user is signed in from creation until signed out through
//!   `PUT /_localzoom/users/{userId}/client` or deactivated; signing in again resets to `Available`.
//! - Zoom's client-version rules (clients before 5.3.0 may only enter DND from Away/Available) are
//!   not modelled: every client behaves as a current one.
//! - `userId` takes an id, an email or `me`; Zoom's member ids and external users are not modelled.

pub mod input;
pub mod routes;
pub mod service;
pub mod store;
