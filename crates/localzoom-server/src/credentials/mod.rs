//! A user's credentials: the password (`PUT /users/{userId}/password`, stored as an argon2 hash) and
//! the tokens issued for a user (`GET /users/{userId}/token`, `GET /users/me/zak`, revoked by
//! `DELETE /users/{userId}/token`), which the control plane can inspect.
//!
//! Differences from Zoom: the password policy is Zoom's basic one (8–31 characters, a letter and a
//! number, not one repeated character, not a run like `abcdef`, not a common password); enhanced
//! account password rules are not modelled. Issued tokens are opaque strings, not JWTs; they are
//! recorded so that expiry and revocation can be observed, but nothing in localzoom consumes them.

pub mod input;
pub mod routes;
pub mod service;
pub mod store;
