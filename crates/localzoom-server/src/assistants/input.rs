//! Assistants' typed inputs, read by the routes (`validate::Input`).

use crate::error::{ApiError, ApiResult};
use crate::extract::Body;
use crate::validate::{Check, Input, Obj};

/// The most assistants a user can have.
pub const MAX_ASSISTANTS: usize = 30;

/// `POST /users/{userId}/assistants`: the assistants to add, each named by id or email.
pub struct NewAssistants {
    pub names: Vec<String>,
}

impl Input for NewAssistants {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let items = check.required_objects(root, "assistants", MAX_ASSISTANTS);
        NewAssistants {
            names: wanted(check, &items),
        }
    }
}

impl NewAssistants {
    /// From the body; a list that names nobody is refused like a missing one.
    pub fn from_request(body: &Body) -> ApiResult<Self> {
        let input = Self::from_body(body)?;
        if input.names.is_empty() {
            return Err(ApiError::invalid_field("assistants"));
        }
        Ok(input)
    }
}

/// One entry of the body's `assistants`: an id or an email.
fn wanted(check: &mut Check, items: &[Obj]) -> Vec<String> {
    let mut out = Vec::new();
    for item in items {
        let id = check.string(item, "id", None).filter(|s| !s.trim().is_empty());
        let email = check.email(item, "email", Some(128));
        match id.or(email) {
            Some(v) => out.push(v.trim().to_string()),
            None if item.has("email") => {}
            None => check.fail_with(item.path("id"), "Give the assistant's id or email."),
        }
    }
    out
}
