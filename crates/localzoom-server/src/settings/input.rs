//! Settings' typed inputs, read by the routes (`validate::Input`). A settings patch stays a JSON
//! object: its fields are checked against the stored document they merge into.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, QueryMap};
use crate::validate::{Check, Input, Obj};

/// Which part of the settings document `?option=` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsPart {
    Settings,
    MeetingAuthentication,
    RecordingAuthentication,
    /// `meeting_security` (and Zoom's older `security`).
    Security,
}

impl SettingsPart {
    /// The key under `authentication` for the authentication parts.
    pub fn authentication(self) -> Option<&'static str> {
        match self {
            SettingsPart::MeetingAuthentication => Some("meeting_authentication"),
            SettingsPart::RecordingAuthentication => Some("recording_authentication"),
            _ => None,
        }
    }

    fn read(check: &mut Check, root: &Obj) -> Self {
        match check.string(root, "option", None).as_deref() {
            None | Some("") => SettingsPart::Settings,
            Some("meeting_authentication") => SettingsPart::MeetingAuthentication,
            Some("recording_authentication") => SettingsPart::RecordingAuthentication,
            Some("meeting_security" | "security") => SettingsPart::Security,
            Some(_) => {
                check.fail("option");
                SettingsPart::Settings
            }
        }
    }
}

/// The query of `GET /users/{userId}/settings`.
pub struct SettingsQuery {
    pub part: SettingsPart,
    /// `custom_query_fields`: only these fields of the part.
    pub fields: Vec<String>,
}

impl Input for SettingsQuery {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let part = SettingsPart::read(check, root);
        check.int_in(root, "login_type", &[0, 1, 24, 27, 97, 98, 99, 100, 101, 11, 21, 23]);
        let fields = check
            .string(root, "custom_query_fields", None)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        SettingsQuery { part, fields }
    }
}

/// `PATCH /users/{userId}/settings`: the part, and the fields to merge into it.
pub struct SettingsPatch {
    pub part: SettingsPart,
    pub fields: Map<String, Value>,
}

impl SettingsPatch {
    pub fn from_request(q: &QueryMap, body: &Body) -> ApiResult<Self> {
        let fields = body.require()?.clone();
        let query = q.fields();
        let mut check = Check::default();
        let part = SettingsPart::read(&mut check, &Obj::root(&query));
        check.finish()?;
        Ok(SettingsPatch { part, fields })
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
