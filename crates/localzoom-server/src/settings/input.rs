//! Settings' typed inputs, read by the routes (`validate::Input`). A settings patch stays a JSON
//! object: its fields are checked against the stored document they merge into.

use serde_json::{Map, Value};
use zoom_types::enums::SettingsOption;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, QueryMap};
use crate::validate::{Check, Input, Obj};

/// Which part of the settings document `?option=` names: `None` is the whole `settings` part.
/// Zoom's older `security` is read as `meeting_security`.
fn option(check: &mut Check, root: &Obj) -> Option<SettingsOption> {
    match check.string(root, "option", None).as_deref() {
        None | Some("") => None,
        Some("security") => Some(SettingsOption::MeetingSecurity),
        Some(other) => match other.parse() {
            Ok(o) => Some(o),
            Err(_) => {
                check.fail("option");
                None
            }
        },
    }
}

/// The query of `GET /users/{userId}/settings`.
pub struct SettingsQuery {
    pub option: Option<SettingsOption>,
    /// `custom_query_fields`: only these fields of the part.
    pub fields: Vec<String>,
}

impl Input for SettingsQuery {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let option = option(check, root);
        check.int_in(root, "login_type", &[0, 1, 24, 27, 97, 98, 99, 100, 101, 11, 21, 23]);
        let fields = check
            .string(root, "custom_query_fields", None)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        SettingsQuery { option, fields }
    }
}

/// `PATCH /users/{userId}/settings`: the part (`option`), and the fields to merge into it.
pub struct SettingsPatch {
    pub option: Option<SettingsOption>,
    pub fields: Map<String, Value>,
}

impl SettingsPatch {
    pub fn from_request(q: &QueryMap, body: &Body) -> ApiResult<Self> {
        let fields = body.require()?.clone();
        let query = q.fields();
        let mut check = Check::default();
        let option = option(&mut check, &Obj::root(&query));
        check.finish()?;
        Ok(SettingsPatch { option, fields })
    }
}

/// `?file_ids=` of `DELETE /users/{userId}/settings/virtual_backgrounds`: at least one.
pub struct FileIds(pub Vec<String>);

impl FileIds {
    pub fn from_query(q: &QueryMap) -> ApiResult<Self> {
        let ids: Vec<String> = q
            .get("file_ids")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if ids.is_empty() {
            return Err(ApiError::invalid_field("file_ids"));
        }
        Ok(FileIds(ids))
    }
}
