//! The users' typed inputs, read by the routes from bodies and queries with Zoom's lenient binding
//! (`validate::Input`); the services receive only these. Rules that depend on the stored user
//! (type 99 needs an ssoCreate user, groups only for pending users) are checked when a patch is
//! applied.

use zoom_types::enums::{CreateAction, DeleteAction, StatusAction, UserStatus};
use zoom_types::users::{CustomAttribute, PhoneNumber};
use zoom_types::FieldError;

use crate::directory::users::UserRow;
use crate::directory::vocab::*;
use crate::error::ApiError;
use crate::pagination;
use crate::validate::{is_email, Check, Input, Obj};

/// `POST /users`.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub action: CreateAction,
    pub email: String,
    pub user_type: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
}

impl Input for NewUser {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let raw_action = check.required_string(root, "action", None);
        let action = raw_action.as_deref().and_then(|a| a.parse::<CreateAction>().ok());
        if raw_action.is_some() && action.is_none() {
            check.fail("action");
        }
        let info = if check.required(root, "user_info") {
            check.object(root, "user_info")
        } else {
            None
        };
        let Some(info) = info else {
            // `user_info` failed its check: nothing below is read, and the input is refused.
            return NewUser::refused(action);
        };
        let email = if check.required(&info, "email") {
            check.email(&info, "email", Some(128))
        } else {
            None
        };
        let user_type = if check.required(&info, "type") {
            check.int_in(&info, "type", USER_TYPES)
        } else {
            None
        };
        // Judged on the action as given, so an unknown action and type 99 are both named.
        if user_type == Some(99) && raw_action.as_deref().is_some_and(|a| a != "ssoCreate") {
            check.fail_with(info.path("type"), "User type 99 can only be set with ssoCreate.");
        }
        let first_name = check.string(&info, "first_name", Some(64));
        let last_name = check.string(&info, "last_name", Some(64));
        let display_name = check.string(&info, "display_name", Some(128));
        if let Some(pw) = check.string(&info, "password", Some(32)) {
            if pw.chars().count() < 8 {
                check.fail(info.path("password"));
            }
        }
        if let Some(feature) = check.object(&info, "feature") {
            check.boolean(&feature, "zoom_phone");
            check.int_in(&feature, "zoom_one_type", ZOOM_ONE_TYPES);
        }
        if let Some(p) = check.string(&info, "plan_united_type", None) {
            if !PLAN_UNITED_TYPES.contains(&p.as_str()) {
                check.fail(info.path("plan_united_type"));
            }
        }
        match (action, email, user_type) {
            (Some(action), Some(email), Some(user_type)) => NewUser {
                action,
                email,
                user_type,
                first_name,
                last_name,
                display_name,
            },
            _ => NewUser::refused(action),
        }
    }
}

impl NewUser {
    /// What `read` gives when a required field failed its check (the input is then refused).
    fn refused(action: Option<CreateAction>) -> NewUser {
        NewUser {
            action: action.unwrap_or(CreateAction::Create),
            email: String::new(),
            user_type: 1,
            first_name: None,
            last_name: None,
            display_name: None,
        }
    }
}

/// `PATCH /users/{userId}`: each field given, already checked on its own.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub user_type: Option<i64>,
    pub pmi: Option<i64>,
    pub use_pmi: Option<bool>,
    pub timezone: Option<String>,
    pub language: Option<String>,
    pub dept: Option<String>,
    /// `Some(None)` clears it.
    pub vanity_name: Option<Option<String>>,
    pub host_key: Option<String>,
    pub cms_user_id: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub cost_center: Option<String>,
    pub pronouns: Option<String>,
    pub pronouns_option: Option<i64>,
    pub manager: Option<String>,
    pub phone_country: Option<String>,
    pub phone_number: Option<String>,
    pub phone_numbers: Option<Vec<PhoneNumber>>,
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    pub group_id: Option<String>,
    /// `Some(None)` clears it (Zoom's 0).
    pub zoom_one_type: Option<Option<i64>>,
    /// `Some(None)` clears it (Zoom's "none").
    pub plan_united_type: Option<Option<String>>,
    pub zoom_phone: Option<bool>,
    pub about_me: Option<String>,
    pub linkedin_url: Option<String>,
    /// The fields that failed their own checks. Kept, not answered at once, so that the answer
    /// also names the fields the stored user does not allow: one `errors` list, as Zoom gives.
    rejected: Vec<FieldError>,
}

/// A field that is given and passes `valid`, or a failure on it.
fn valid_string(
    check: &mut Check,
    root: &Obj,
    key: &str,
    max: Option<usize>,
    valid: impl Fn(&str) -> bool,
) -> Option<String> {
    let v = check.string(root, key, max)?;
    if valid(&v) {
        Some(v)
    } else {
        check.fail(root.path(key));
        None
    }
}

impl Input for UserPatch {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let mut p = UserPatch {
            first_name: check.string(root, "first_name", Some(64)),
            last_name: check.string(root, "last_name", Some(64)),
            display_name: check.string(root, "display_name", Some(128)),
            user_type: check.int_in(root, "type", USER_TYPES),
            ..UserPatch::default()
        };
        p.pmi = check.int(root, "pmi");
        if p.pmi.is_some_and(|pmi| !(1_000_000_000..=9_999_999_999).contains(&pmi)) {
            check.fail("pmi");
            p.pmi = None;
        }
        p.use_pmi = check.boolean(root, "use_pmi");
        p.timezone = valid_string(check, root, "timezone", None, is_timezone);
        p.language = check.string(root, "language", None).and_then(|v| {
            match LANGUAGES.iter().find(|l| l.eq_ignore_ascii_case(&v)) {
                Some(l) => Some(l.to_string()),
                None => {
                    check.fail("language");
                    None
                }
            }
        });
        p.dept = check.string(root, "dept", None);
        p.vanity_name = valid_string(check, root, "vanity_name", None, |v| v.is_empty() || is_vanity_name(v))
            .map(|v| (!v.is_empty()).then_some(v));
        p.host_key = valid_string(check, root, "host_key", None, |v| {
            (6..=10).contains(&v.len()) && v.chars().all(|c| c.is_ascii_digit())
        });
        p.cms_user_id = check.string(root, "cms_user_id", None);
        p.job_title = check.string(root, "job_title", Some(128));
        p.company = check.string(root, "company", Some(255));
        p.location = check.string(root, "location", Some(256));
        p.cost_center = check.string(root, "cost_center", None);
        p.pronouns = check.string(root, "pronouns", None);
        p.pronouns_option = check.int_in(root, "pronouns_option", &[1, 2, 3]);
        p.manager = valid_string(check, root, "manager", None, |v| v.is_empty() || is_email(v));
        p.phone_country = valid_string(check, root, "phone_country", None, |v| v.is_empty() || is_country(v))
            .map(|v| v.to_uppercase());
        p.phone_number = valid_string(check, root, "phone_number", None, |v| {
            v.is_empty() || is_phone_number(v)
        });
        p.phone_numbers = check.objects(root, "phone_numbers", 3).map(|items| {
            items
                .iter()
                .map(|item| {
                    let label = valid_string(check, item, "label", None, |l| PHONE_LABELS.contains(&l));
                    let number = valid_string(check, item, "number", None, is_phone_number);
                    let country = valid_string(check, item, "country", None, is_country);
                    let code = valid_string(check, item, "code", None, |c| {
                        !c.is_empty() && c.trim_start_matches('+').chars().all(|d| d.is_ascii_digit())
                    });
                    PhoneNumber {
                        code,
                        country: country.map(|c| c.to_uppercase()),
                        label,
                        number,
                        verified: Some(false),
                    }
                })
                .collect()
        });
        p.custom_attributes = check.objects(root, "custom_attributes", 5).map(|items| {
            items
                .iter()
                .map(|item| {
                    let key = check.string(item, "key", Some(64));
                    let name = check.string(item, "name", Some(128));
                    let value = check.string(item, "value", Some(256));
                    if key.as_deref().is_none_or(str::is_empty) {
                        check.fail(item.path("key"));
                    }
                    CustomAttribute {
                        key: key.unwrap_or_default(),
                        name: name.unwrap_or_default(),
                        value: value.unwrap_or_default(),
                    }
                })
                .collect()
        });
        p.group_id = check.string(root, "group_id", None).and_then(|v| {
            let valid =
                !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if valid {
                Some(v)
            } else {
                check.fail_with("group_id", GROUP_RULE);
                None
            }
        });
        p.zoom_one_type = check
            .int_in(root, "zoom_one_type", ZOOM_ONE_TYPES)
            .map(|v| (v != 0).then_some(v));
        p.plan_united_type = valid_string(check, root, "plan_united_type", None, |v| {
            PLAN_UNITED_TYPES.contains(&v)
        })
        .map(|v| (v != "none").then_some(v));
        if let Some(feature) = check.object(root, "feature") {
            p.zoom_phone = check.boolean(&feature, "zoom_phone");
        }
        p.about_me = valid_string(check, root, "about_me", Some(150), |v| {
            let lower = v.to_lowercase();
            !(lower.contains('<') || lower.contains("http://") || lower.contains("https://") || lower.contains("www."))
        });
        p.linkedin_url = valid_string(check, root, "linkedin_url", None, |v| {
            v.is_empty() || (v.contains("linkedin.com") && !v.chars().any(char::is_whitespace))
        });
        p
    }
}

impl UserPatch {
    /// From `PATCH /users/{userId}`: its query (checked, unused: localzoom has no TSP or login
    /// types) and its body. Only a missing or malformed body is refused here.
    pub fn from_request(q: &crate::extract::QueryMap, body: &crate::extract::Body) -> Result<Self, ApiError> {
        let map = body.require()?;
        let query = q.fields();
        let mut check = Check::default();
        let query_root = Obj::root(&query);
        check.int_in(&query_root, "login_type", LOGIN_TYPES);
        check.boolean(&query_root, "remove_tsp_credentials");
        let mut patch = UserPatch::read(&mut check, &Obj::root(map));
        patch.rejected = check.into_errors();
        Ok(patch)
    }
}

const GROUP_RULE: &str = "Only pending users can be added to a group this way; the value must be a group id.";

impl UserPatch {
    /// Applies the patch to `user`, or names the fields the stored user does not allow.
    pub fn apply(self, user: &mut UserRow) -> Result<(), ApiError> {
        let mut check = Check::resume(self.rejected);
        if self.user_type == Some(99) && user.create_action != CreateAction::SsoCreate {
            check.fail_with("type", "User type 99 can only be set for users created with ssoCreate.");
        }
        if self.group_id.is_some() && user.status != UserStatus::Pending {
            check.fail_with("group_id", GROUP_RULE);
        }
        check.finish()?;
        fn set<T>(target: &mut T, v: Option<T>) {
            if let Some(v) = v {
                *target = v;
            }
        }
        set(&mut user.user_type, self.user_type);
        set(&mut user.pmi, self.pmi);
        let p = &mut user.profile;
        set(&mut p.first_name, self.first_name);
        set(&mut p.last_name, self.last_name);
        set(&mut p.display_name, self.display_name);
        set(&mut p.use_pmi, self.use_pmi);
        set(&mut p.timezone, self.timezone);
        set(&mut p.language, self.language);
        set(&mut p.dept, self.dept);
        set(&mut p.vanity_name, self.vanity_name);
        set(&mut p.host_key, self.host_key);
        set(&mut p.cms_user_id, self.cms_user_id);
        set(&mut p.job_title, self.job_title);
        set(&mut p.company, self.company);
        set(&mut p.location, self.location);
        set(&mut p.cost_center, self.cost_center);
        set(&mut p.pronouns, self.pronouns);
        set(&mut p.pronouns_option, self.pronouns_option.map(Some));
        set(&mut p.manager, self.manager);
        set(&mut p.phone_country, self.phone_country);
        set(&mut p.phone_number, self.phone_number);
        set(&mut p.phone_numbers, self.phone_numbers);
        set(&mut p.custom_attributes, self.custom_attributes);
        if let Some(g) = self.group_id {
            if !p.group_ids.contains(&g) {
                p.group_ids.push(g);
            }
        }
        set(&mut p.zoom_one_type, self.zoom_one_type);
        set(&mut p.plan_united_type, self.plan_united_type);
        set(&mut p.zoom_phone, self.zoom_phone);
        set(&mut p.about_me, self.about_me);
        set(&mut p.linkedin_url, self.linkedin_url);
        Ok(())
    }
}

/// The query of `GET /users/{userId}` (checked, not used).
pub struct GetOptions;

impl Input for GetOptions {
    fn read(check: &mut Check, root: &Obj) -> Self {
        check.int_in(root, "login_type", LOGIN_TYPES);
        check.boolean(root, "encrypted_email");
        check.boolean(root, "search_by_unique_id");
        GetOptions
    }
}

/// `PUT /users/{userId}/status`.
pub struct StatusChange {
    pub action: StatusAction,
}

impl Input for StatusChange {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let action = if check.required(root, "action") {
            check.one_of(root, "action")
        } else {
            None
        };
        // Only used when every check passed, and `action` is required.
        StatusChange {
            action: action.unwrap_or(StatusAction::ClockIn),
        }
    }
}

/// The query of `DELETE /users/{userId}`.
pub struct DeleteOptions {
    pub action: DeleteAction,
    pub transfer_email: Option<String>,
    pub transfer_meeting: bool,
}

impl Input for DeleteOptions {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let action = check.one_of_or(root, "action", DeleteAction::Disassociate);
        check.boolean(root, "encrypted_email");
        let transfer_meeting = check.boolean(root, "transfer_meeting").unwrap_or(false);
        for flag in [
            "transfer_webinar",
            "transfer_recording",
            "transfer_whiteboard",
            "transfer_clipfiles",
            "transfer_notes",
            "transfer_visitors",
            "transfer_docs",
        ] {
            check.boolean(root, flag);
        }
        DeleteOptions {
            action,
            transfer_email: check.string(root, "transfer_email", None).filter(|e| !e.is_empty()),
            transfer_meeting,
        }
    }
}

/// The first page's query of `GET /users` (later pages carry it in their token).
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub status: UserStatus,
    pub role_id: Option<String>,
    pub include_fields: Vec<String>,
    pub page_size: i64,
    pub page_number: i64,
}

impl Input for ListQuery {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let status = check.one_of_or(root, "status", UserStatus::Active);
        let role_id = check.string(root, "role_id", None).filter(|r| !r.is_empty());
        let include_fields: Vec<String> = check
            .string(root, "include_fields", None)
            .map(|s| {
                s.split(',')
                    .map(|f| f.trim().to_string())
                    .filter(|f| !f.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if include_fields
            .iter()
            .any(|f| f != "custom_attributes" && f != "host_key")
        {
            check.fail("include_fields");
        }
        let (page_size, page_number) = pagination::page_params(check, root, MAX_PAGE_SIZE);
        ListQuery {
            status,
            role_id,
            include_fields,
            page_size,
            page_number,
        }
    }
}

/// `GET /users`: a first page's query, or the token of a later page.
pub type ListRequest = crate::pagination::PageRequest<ListQuery>;

/// The most users one control-plane seeding call creates.
pub const MAX_SEED: i64 = 1_000_000;

/// `POST /_localzoom/users/seed`: `count` active users `{prefix}{n}@{domain}`.
pub struct SeedUsers {
    pub count: i64,
    pub user_type: i64,
    pub account_id: Option<String>,
    pub email_prefix: String,
    pub domain: String,
}

impl Input for SeedUsers {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let count = if check.required(root, "count") {
            check.int(root, "count")
        } else {
            None
        };
        if count.is_some_and(|c| !(1..=MAX_SEED).contains(&c)) {
            check.fail_with("count", format!("count is 1 to {MAX_SEED}."));
        }
        let user_type = check.int_in(root, "type", &[1, 2, 4]).unwrap_or(1);
        let account_id = check.string(root, "account_id", None);
        let email_prefix = check
            .string(root, "email_prefix", Some(64))
            .unwrap_or_else(|| format!("seed-{}-", crate::ids::alnum(6).to_lowercase()));
        let domain = check
            .string(root, "domain", Some(60))
            .unwrap_or_else(|| "example.com".into());
        if !is_email(&format!("{email_prefix}0@{domain}")) {
            check.fail("email_prefix");
        }
        SeedUsers {
            // Only used when every check passed, and `count` is required.
            count: count.unwrap_or(0),
            user_type,
            account_id,
            email_prefix,
            domain,
        }
    }
}

/// `GET /users/vanity_name?vanity_name=`.
pub struct VanityQuery {
    pub name: String,
}

impl VanityQuery {
    pub fn from_query(q: &crate::extract::QueryMap) -> Result<Self, ApiError> {
        q.get("vanity_name")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| VanityQuery { name: v.to_string() })
            .ok_or_else(|| ApiError::bad_request(300, "Vanity name is required."))
    }
}

/// `GET /users/email?email=`.
pub struct EmailQuery {
    pub email: String,
}

impl EmailQuery {
    pub fn from_query(q: &crate::extract::QueryMap) -> Result<Self, ApiError> {
        q.get("email")
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| EmailQuery { email: e.to_string() })
            .ok_or_else(|| ApiError::invalid_field("email"))
    }
}

pub(crate) fn is_timezone(s: &str) -> bool {
    let valid_part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c));
    let parts: Vec<&str> = s.split('/').collect();
    (1..=3).contains(&parts.len())
        && parts.iter().all(|p| valid_part(p))
        && parts[0].starts_with(|c: char| c.is_ascii_uppercase())
        && (parts.len() > 1 || ["UTC", "GMT"].contains(&parts[0]) || parts[0].starts_with("Etc"))
}

fn is_vanity_name(s: &str) -> bool {
    (5..=40).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

fn is_phone_number(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

fn is_country(s: &str) -> bool {
    s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(is_timezone("America/Los_Angeles"));
        assert!(is_timezone("UTC"));
        assert!(is_timezone("America/Argentina/Buenos_Aires"));
        assert!(!is_timezone("in nuelit99-25518892falseanim ipsum in"));
        assert!(is_vanity_name("jill.chill"));
        assert!(!is_vanity_name("in nuelit99"));
        assert!(is_phone_number("+1 (555) 010-0000"));
        assert!(!is_phone_number("eiusmod ipsum enim"));
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let body = serde_json::json!({"pmi": 12, "timezone": "nowhere", "language": "xx", "group_id": ""});
        let map = body.as_object().unwrap().clone();
        let mut check = Check::default();
        UserPatch::read(&mut check, &Obj::root(&map));
        let err = check.finish().unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["pmi", "timezone", "language", "group_id"]);
    }
}
