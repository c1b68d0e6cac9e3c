//! A user's settings document (`/users/{userId}/settings`), profile picture
//! (`/users/{userId}/picture`, served at `/p/{fileId}`) and virtual background files
//! (`/users/{userId}/settings/virtual_backgrounds`).
//!
//! Differences from Zoom: the default document is the reference's shape with Zoom's documented
//! defaults (and a few out-of-the-box values), varied by licence and by features set through
//! `POST /users/features`; account-level locks on settings are not modelled; unknown fields in a
//! patch are ignored, as Zoom does; video backgrounds are checked by container (MP4/MOV), not by
//! resolution.

pub mod input;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
