//! Zoom REST API v2 wire types: the JSON bodies localzoom serves and the client reads.
//! No I/O lives here, so the server and the client cannot drift apart.

#![warn(missing_docs)]

pub mod enums;
pub mod error;
pub mod meetings;
pub mod oauth;
mod user_extras;
pub mod users;
pub mod webhooks;

pub use error::{ErrorBody, FieldError, OAuthError};
pub use oauth::TokenResponse;
