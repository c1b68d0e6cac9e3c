//! Credentials' typed inputs, read by the routes (`validate::Input`).

use zoom_types::enums::TokenType;

use crate::validate::{Check, Input, Obj};

/// The longest a user token lives, in seconds (a year).
pub const MAX_TOKEN_TTL: i64 = 365 * 24 * 3600;

/// `PUT /users/{userId}/password`.
pub struct PasswordChange {
    pub password: String,
}

impl Input for PasswordChange {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let password = check.required_string(root, "password", None);
        // Only used when every check passed, and `password` is required.
        PasswordChange {
            password: password.unwrap_or_default(),
        }
    }
}

/// The query of `GET /users/{userId}/token`.
pub struct TokenQuery {
    pub kind: TokenType,
    pub ttl: Option<i64>,
}

impl Input for TokenQuery {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let kind = check.one_of_or(root, "type", TokenType::Token);
        let ttl = check.int(root, "ttl");
        if ttl.is_some_and(|t| !(1..=MAX_TOKEN_TTL).contains(&t)) {
            check.fail_with("ttl", "The maximum value is one year.");
        }
        TokenQuery { kind, ttl }
    }
}
