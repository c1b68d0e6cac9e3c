//! Rules over single user attributes: email changes (3 per 24 hours), personal meeting room names,
//! permissions by role, and bulk feature updates.

use crate::directory::lookup::UserRef;
use zoom_types::enums::CreateAction;
use zoom_types::enums::UserStatus;
use zoom_types::users::{FeatureFailure, FeaturesResult, Permissions, VanityCheck};

use crate::auth::{ops, Granted};
use crate::directory::lookup::resolve;
use crate::directory::users::{self as user_store, Lookup};
use crate::directory::vocab::{Role, PLAN_UNITED_TYPES, ZOOM_ONE_TYPES};
use crate::error::{ApiError, ApiResult};
use crate::ratelimit::quota::{self, Quota, Window};
use crate::state::AppState;
use crate::validate::{Check, Input, Obj};

/// "A user's email address can be changed up to 3 times in any 24 hour period."
const EMAIL_CHANGES: Quota = Quota {
    limit: 3,
    window: Window::Sliding(24 * 3600),
};

/// `PUT /users/{userId}/email`.
pub struct EmailChange {
    pub email: String,
}

impl Input for EmailChange {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let email = if check.required(root, "email") {
            check.email(root, "email", Some(127))
        } else {
            None
        };
        // Only used when every check passed, and `email` is required.
        EmailChange {
            email: email.unwrap_or_default(),
        }
    }
}

pub async fn update_email(
    state: &AppState,
    grant: &Granted<ops::UserEmailUpdate>,
    user_id: &UserRef,
    change: EmailChange,
) -> ApiResult<()> {
    let email = change.email;
    write_tx!(state.store, |tx| {
        let mut user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        if user.status == UserStatus::Pending {
            return Err(ApiError::bad_request(1000, "Pending user can not change email."));
        }
        if user.role == Role::Owner {
            return Err(ApiError::bad_request(1000, "Can not change email of account owner."));
        }
        if user.status != UserStatus::Active {
            return Err(ApiError::bad_request(1000, "This user is locked or inactive."));
        }
        if quota::take(state, tx, &format!("email-change:{}", user.id), EMAIL_CHANGES)
            .await?
            .is_err()
        {
            return Err(ApiError::email_change_limit());
        }
        let before = user.clone();
        user.email = email.clone();
        user.updated_at = state.clock.now();
        match user_store::update(tx, &user).await {
            Err(e) if e.is_unique_on("email") => return Err(ApiError::email_taken(&email)),
            other => other?,
        }
        crate::users::service::emit_updated(tx, state, grant.me(), &before, &user).await?;
        Ok(())
    })
}

pub async fn vanity_name(
    state: &AppState,
    _grant: &Granted<ops::UserVanityName>,
    name: &str,
) -> ApiResult<VanityCheck> {
    Ok(VanityCheck {
        existed: user_store::vanity_in_use(&state.store, name).await?,
    })
}

/// Every privilege of Zoom's role system localzoom names (Zoom's "privileges" reference).
const ALL_PRIVILEGES: &[&str] = &[
    "AccountProfile:Read",
    "AccountProfile:Edit",
    "AccountSetting:Read",
    "AccountSetting:Edit",
    "BillingInformation:Read",
    "BillingInformation:Edit",
    "BillingSubscription:Read",
    "BillingSubscription:Edit",
    "Branding:Edit",
    "Dashboard_Meetings:Read",
    "Dashboard_Overview:Read",
    "Group:Read",
    "Group:Edit",
    "Recording:Read",
    "Recording:Edit",
    "Report:Read",
    "Role:Read",
    "Role:Edit",
    "SubAccount:Read",
    "SubAccount:Edit",
    "User:Read",
    "User:Edit",
    "UsageReport:Read",
    "Webinar:Read",
    "Webinar:Edit",
    "ZoomRooms:Read",
    "ZoomRooms:Edit",
];

/// What an Admin lacks that the Owner has: billing changes, roles and sub accounts.
const OWNER_ONLY: &[&str] = &[
    "BillingInformation:Edit",
    "BillingSubscription:Edit",
    "Role:Edit",
    "SubAccount:Edit",
];

/// Permissions come from the user's role: the Owner holds all, an Admin all but the owner's, a
/// Member none (members hold no role privileges).
pub fn permissions_of(role: Role) -> Vec<&'static str> {
    match role {
        Role::Owner => ALL_PRIVILEGES.to_vec(),
        Role::Admin => ALL_PRIVILEGES
            .iter()
            .copied()
            .filter(|p| !OWNER_ONLY.contains(p))
            .collect(),
        Role::Member => Vec::new(),
    }
}

pub async fn permissions(
    state: &AppState,
    grant: &Granted<ops::UserPermission>,
    user_id: &UserRef,
) -> ApiResult<Permissions> {
    let mut conn = state.store.acquire().await?;
    let user = resolve(&mut conn, &state.store, grant.account_id(), grant.me(), user_id, false).await?;
    Ok(Permissions {
        permissions: permissions_of(user.role).into_iter().map(str::to_string).collect(),
    })
}

pub const MAX_FEATURE_USERS: usize = 30;

/// Whether `value` is one `feature_type` takes (S-U `POST /users/features`).
fn feature_value_ok(feature: &str, value: &str) -> Option<bool> {
    let one_of = |allowed: &[&str]| allowed.contains(&value);
    Some(match feature {
        "user_type" => one_of(&["1", "2", "99"]),
        "concurrent_meeting" => one_of(&["Basic", "Plus", "None"]),
        "large_meeting" => one_of(&["0", "1", "32", "64", "128", "256"]),
        "webinar" => one_of(&[
            "0", "16", "1", "64", "128", "256", "512", "1024", "2048", "4096", "8192", "16384", "32768",
        ]),
        "zoom_events" => one_of(&["0", "500", "1000", "3000", "5000", "10000", "20000", "30000", "50000"]),
        "zoom_iq_for_sales" | "zoom_revenue_accelerator" | "zoom_whiteboard" | "zoom_clips_plus" => {
            one_of(&["true", "false"])
        }
        "plan_united_type" => PLAN_UNITED_TYPES.contains(&value) || value == "0",
        "zoom_one_type" => value.parse::<i64>().is_ok_and(|v| ZOOM_ONE_TYPES.contains(&v)),
        _ => return None,
    })
}

/// `POST /users/features`: one feature's value for up to 30 users (by id or email).
pub struct FeatureUpdate {
    pub feature: String,
    pub value: String,
    pub users: Vec<String>,
}

impl Input for FeatureUpdate {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let feature = check.required_string(root, "feature_type", None);
        let value = check.required_string(root, "feature_value", None);
        match (&feature, &value) {
            (Some(f), Some(v)) => match feature_value_ok(f, v) {
                None => check.fail("feature_type"),
                Some(false) => check.fail("feature_value"),
                Some(true) => {}
            },
            (Some(f), None) if feature_value_ok(f, "").is_none() => check.fail("feature_type"),
            _ => {}
        }
        let items = check.required_objects(root, "users", MAX_FEATURE_USERS);
        let mut names = Vec::new();
        for item in &items {
            let id = check.string(item, "id", None).filter(|s| !s.trim().is_empty());
            let email = check.email(item, "email", Some(128));
            match id.or(email) {
                Some(n) => names.push(n.trim().to_string()),
                None if item.has("email") => {}
                None => check.fail_with(item.path("id"), "Give the user's id or email."),
            }
        }
        if items.is_empty() && check.is_ok() {
            check.fail("users");
        }
        // Only used when every check passed, and both are required.
        FeatureUpdate {
            feature: feature.unwrap_or_default(),
            value: value.unwrap_or_default(),
            users: names,
        }
    }
}

pub async fn bulk_features(
    state: &AppState,
    grant: &Granted<ops::BulkUpdateFeature>,
    update: FeatureUpdate,
) -> ApiResult<FeaturesResult> {
    let FeatureUpdate {
        feature,
        value,
        users: names,
    } = update;
    let now = state.clock.now();
    let (success, failures) = write_tx!(state.store, |tx| {
        let mut success: Vec<String> = Vec::new();
        let mut failures: Vec<(String, String)> = Vec::new();
        for name in names.clone() {
            let found = user_store::find(
                tx.conn(),
                &state.store,
                Some(grant.account_id()),
                Lookup::of(&name),
                true,
            )
            .await?;
            let Some(mut user) = found else {
                failures.push((name.clone(), format!("User does not exist: {name}.")));
                continue;
            };
            if success.contains(&user.id) {
                continue;
            }
            let before = user.clone();
            match feature.as_str() {
                "user_type" if value == "99" && user.create_action != CreateAction::SsoCreate => {
                    failures.push((
                        user.id,
                        "User type 99 can only be set for users created with ssoCreate.".into(),
                    ));
                    continue;
                }
                "user_type" => user.user_type = value.parse().unwrap_or(user.user_type),
                "plan_united_type" => {
                    user.profile.plan_united_type = (value != "0").then(|| value.clone());
                }
                "zoom_one_type" => user.profile.zoom_one_type = value.parse().ok().filter(|v| *v != 0),
                other => {
                    user.profile.features.insert(other.to_string(), value.clone());
                }
            }
            user.updated_at = now;
            user_store::update(tx, &user).await?;
            crate::users::service::emit_updated(tx, state, grant.me(), &before, &user).await?;
            // Features also show in the settings document.
            let old_settings = crate::settings::service::document(tx.conn(), &before).await?;
            let new_settings = crate::settings::service::document(tx.conn(), &user).await?;
            crate::settings::service::emit_settings_changed(tx, state, grant.me(), &user, &old_settings, &new_settings)
                .await?;
            success.push(user.id);
        }
        Ok((success, failures))
    })?;
    // Zoom groups failures by reason.
    let mut fail_details: Vec<FeatureFailure> = Vec::new();
    for (id, reason) in failures {
        match fail_details.iter_mut().find(|d| d.reason == reason) {
            Some(d) => d.user_ids.push(id),
            None => fail_details.push(FeatureFailure {
                user_ids: vec![id],
                reason,
            }),
        }
    }
    Ok(FeaturesResult {
        success_user_ids: success,
        fail_details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_give_nested_permission_sets() {
        let owner = permissions_of(Role::Owner);
        let admin = permissions_of(Role::Admin);
        assert!(admin.iter().all(|p| owner.contains(p)));
        assert!(owner.contains(&"Role:Edit") && !admin.contains(&"Role:Edit"));
        assert!(permissions_of(Role::Member).is_empty());
    }

    #[test]
    fn feature_values_follow_their_type() {
        assert_eq!(feature_value_ok("large_meeting", "32"), Some(true));
        assert_eq!(feature_value_ok("large_meeting", "33"), Some(false));
        assert_eq!(feature_value_ok("zoom_whiteboard", "yes"), Some(false));
        assert_eq!(feature_value_ok("teleport", "1"), None);
    }
}
