//! The meetings' typed inputs, read by the routes (`validate::Input`); the services receive only
//! these and typed ids.

use jiff::tz::TimeZone;
use serde_json::{json, Map, Value};
use zoom_types::enums::{MeetingAction, MeetingListType, MeetingStatus};

use super::model::{self, Recurrence, MEETING_TYPES};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, QueryMap};
use crate::pagination;
use crate::validate::{Check, Input, Obj};

pub const MAX_PAGE_SIZE: i64 = 300;
/// The longest meeting localzoom schedules, in minutes (a week); longer values are a client's
/// mistake, and bounding them keeps every time computed from them in range.
const MAX_DURATION: i64 = 7 * 24 * 60;

/// A meeting's numeric id, and the text the path gave for it (Zoom's 404 echoes that text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingId {
    pub id: i64,
    raw: String,
}

impl MeetingId {
    /// Anything but a positive number names no meeting: Zoom's 404/3001.
    pub fn parse(raw: &str) -> ApiResult<MeetingId> {
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(|id| MeetingId {
                id,
                raw: raw.to_string(),
            })
            .ok_or_else(|| ApiError::meeting_not_found(raw))
    }

    /// A meeting localzoom itself names (the control plane's seed).
    pub fn of(id: i64) -> MeetingId {
        MeetingId {
            id,
            raw: id.to_string(),
        }
    }
}

impl std::fmt::Display for MeetingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Body fields of create and update, validated together. `None` means not given.
#[derive(Debug, Default, Clone)]
pub struct MeetingInput {
    pub topic: Option<String>,
    pub kind: Option<i64>,
    pub start_time: Option<String>,
    pub duration: Option<i64>,
    pub timezone: Option<String>,
    pub password: Option<String>,
    pub default_password: Option<bool>,
    pub agenda: Option<String>,
    pub pre_schedule: Option<bool>,
    pub schedule_for: Option<String>,
    pub recurrence: Option<Recurrence>,
    pub tracking_fields: Option<Vec<Value>>,
    pub settings: Map<String, Value>,
    pub settings_given: bool,
}

impl Input for MeetingInput {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let mut input = MeetingInput {
            topic: check.string(root, "topic", Some(200)),
            kind: check.int_in(root, "type", MEETING_TYPES),
            start_time: check.string(root, "start_time", None).filter(|s| !s.is_empty()),
            duration: check.int(root, "duration"),
            timezone: check.string(root, "timezone", None).filter(|s| !s.is_empty()),
            password: check.string(root, "password", None),
            default_password: check.boolean(root, "default_password"),
            agenda: check.string(root, "agenda", Some(2000)),
            pre_schedule: check.boolean(root, "pre_schedule"),
            schedule_for: check.string(root, "schedule_for", None).filter(|s| !s.is_empty()),
            ..MeetingInput::default()
        };
        check.string(root, "template_id", None);
        if input.duration.is_some_and(|d| !(0..=MAX_DURATION).contains(&d)) {
            check.fail("duration");
        }
        if input.timezone.as_deref().is_some_and(|t| model::time_zone(t).is_none()) {
            check.fail("timezone");
        }
        if input
            .password
            .as_deref()
            .is_some_and(|p| !model::is_meeting_password(p))
        {
            check.fail_with(
            "password",
            "Password may only contain the following characters: [a-z A-Z 0-9 @ - _ *] and can have a maximum of 10 characters.",
        );
        }
        if let Some(r) = check.object(root, "recurrence") {
            input.recurrence = model::parse_recurrence(check, &r);
        }
        if let Some(items) = check.objects(root, "tracking_fields", 100) {
            let mut fields = Vec::new();
            for item in &items {
                let field = check.required_string(item, "field", None);
                let value = check.string(item, "value", None).unwrap_or_default();
                if let Some(field) = field {
                    fields.push(json!({"field": field, "value": value}));
                }
            }
            input.tracking_fields = Some(fields);
        }
        if let Some(settings) = check.object(root, "settings") {
            input.settings_given = true;
            model::merge_settings(check, &settings, &mut input.settings);
        }
        input
    }
}

/// `POST /users/{userId}/meetings`: Zoom creates a default scheduled meeting from an empty body.
pub fn new_meeting(body: &Body) -> ApiResult<MeetingInput> {
    MeetingInput::from_optional_body(body)
}

/// The fields `PATCH …?occurrence_id=` may change (S-M).
const OCCURRENCE_FIELDS: &[&str] = &["agenda", "start_time", "duration", "settings"];

/// `PATCH /meetings/{meetingId}`: the fields, and the occurrence they change (only
/// `OCCURRENCE_FIELDS` then; the others are ignored, as Zoom does).
#[derive(Debug, Clone)]
pub struct MeetingPatch {
    pub occurrence_id: Option<String>,
    pub fields: MeetingInput,
}

impl MeetingPatch {
    pub fn from_request(q: &QueryMap, body: &Body) -> ApiResult<Self> {
        let map = body.require()?;
        let occurrence_id = q.get("occurrence_id").map(str::trim).filter(|s| !s.is_empty());
        let fields: Map<String, Value> = match occurrence_id {
            Some(_) => map
                .iter()
                .filter(|(k, _)| OCCURRENCE_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            None => map.clone(),
        };
        let mut fields = MeetingInput::parse(&Obj::root(&fields))?;
        // Moving a meeting to another host is not an update Zoom offers.
        fields.schedule_for = None;
        Ok(MeetingPatch {
            occurrence_id: occurrence_id.map(str::to_string),
            fields,
        })
    }
}

/// The query of `GET /meetings/{meetingId}`.
pub struct MeetingQuery {
    pub show_previous: bool,
    pub occurrence_id: Option<String>,
}

impl Input for MeetingQuery {
    fn read(check: &mut Check, root: &Obj) -> Self {
        MeetingQuery {
            show_previous: check.boolean(root, "show_previous_occurrences").unwrap_or(false),
            occurrence_id: check.string(root, "occurrence_id", None).filter(|s| !s.is_empty()),
        }
    }
}

/// The query of `DELETE /meetings/{meetingId}`.
pub struct DeleteMeeting {
    pub occurrence_id: Option<String>,
}

impl Input for DeleteMeeting {
    fn read(check: &mut Check, root: &Obj) -> Self {
        check.boolean(root, "schedule_for_reminder");
        check.boolean(root, "cancel_meeting_reminder");
        DeleteMeeting {
            occurrence_id: check.string(root, "occurrence_id", None).filter(|s| !s.is_empty()),
        }
    }
}

/// `PUT /meetings/{meetingId}/status`.
pub struct MeetingStatusChange {
    pub action: MeetingAction,
}

impl Input for MeetingStatusChange {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let action = if check.required(root, "action") {
            check.one_of(root, "action")
        } else {
            None
        };
        // Only used when every check passed, and `action` is required.
        MeetingStatusChange {
            action: action.unwrap_or(MeetingAction::End),
        }
    }
}

/// Control plane: what a meeting becomes, `started` or `waiting`.
pub struct LiveChange {
    pub status: MeetingStatus,
}

impl Input for LiveChange {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let status = if check.required(root, "status") {
            check.one_of(root, "status")
        } else {
            None
        };
        // Only used when every check passed, and `status` is required.
        LiveChange {
            status: status.unwrap_or(MeetingStatus::Waiting),
        }
    }
}

/// The first page's query of `GET /users/{userId}/meetings` (later pages carry it in their token).
pub struct MeetingListQuery {
    pub kind: MeetingListType,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub page_size: i64,
    pub page_number: i64,
}

impl Input for MeetingListQuery {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let kind = check.one_of_or(root, "type", MeetingListType::Scheduled);
        let tz_name = check.string(root, "timezone", None).filter(|s| !s.is_empty());
        let tz = match tz_name.as_deref().map(model::time_zone) {
            Some(Some(tz)) => tz,
            Some(None) => {
                check.fail("timezone");
                TimeZone::UTC
            }
            None => TimeZone::UTC,
        };
        let from = parse_date(check, root, "from", &tz, false);
        let to = parse_date(check, root, "to", &tz, true);
        let (page_size, page_number) = pagination::page_params(check, root, MAX_PAGE_SIZE);
        MeetingListQuery {
            kind,
            from,
            to,
            page_size,
            page_number,
        }
    }
}

/// `GET /users/{userId}/meetings`: a first page's query, or the token of a later page.
pub type MeetingListRequest = crate::pagination::PageRequest<MeetingListQuery>;

fn parse_date(check: &mut Check, root: &Obj, key: &str, tz: &TimeZone, end: bool) -> Option<i64> {
    let s = check.string(root, key, None).filter(|s| !s.is_empty())?;
    match s.parse::<jiff::civil::Date>() {
        Ok(d) => {
            let d = if end { d.tomorrow().ok()? } else { d };
            d.to_zoned(tz.clone()).ok().map(|z| z.timestamp().as_second())
        }
        Err(_) => {
            check.fail(key);
            None
        }
    }
}
