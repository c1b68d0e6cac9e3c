//! Accounts' typed inputs, read by the routes (`validate::Input`).

use crate::validate::{Check, Input, Obj};

/// `PUT /accounts/{accountId}/users/{userId}/account`: the sub account to move to.
pub struct AccountSwitch {
    pub account_id: String,
}

impl Input for AccountSwitch {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let account_id = check.required_string(root, "account_id", None);
        // Only used when every check passed, and `account_id` is required.
        AccountSwitch {
            account_id: account_id.unwrap_or_default(),
        }
    }
}
