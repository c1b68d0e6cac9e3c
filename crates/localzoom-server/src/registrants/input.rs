//! The registrants' typed inputs, read by the routes (`validate::Input`). A new registrant's own
//! field failures are kept until its meeting's questions are checked, so one answer names them all.

use std::collections::HashSet;

use serde_json::Value;
use zoom_types::enums::{RegistrantAction, RegistrantStatus};
use zoom_types::meetings::{CustomAnswer, CustomQuestion, StandardQuestion};
use zoom_types::FieldError;

use super::store::RegistrantDoc;
use crate::error::ApiResult;
use crate::extract::{Body, QueryMap};
use crate::meetings::store::MeetingRow;
use crate::pagination;
use crate::validate::{Check, Input, Obj};

/// The most registrants one status change or batch names.
pub const MAX_STATUS_BATCH: usize = 30;

const PURCHASING_TIME_FRAMES: &[&str] = &[
    "",
    "Within a month",
    "1-3 months",
    "4-6 months",
    "More than 6 months",
    "No timeframe",
];
const ROLES_IN_PURCHASE: &[&str] = &[
    "",
    "Decision Maker",
    "Evaluator/Recommender",
    "Influencer",
    "Not involved",
];
/// The reference's request and response lists differ; both are accepted.
const EMPLOYEE_COUNTS: &[&str] = &[
    "",
    "1-20",
    "21-50",
    "51-100",
    "101-250",
    "251-500",
    "101-500",
    "500-1,000",
    "501-1,000",
    "1,001-5,000",
    "5,001-10,000",
    "More than 10,000",
];
const LANGUAGES: &[&str] = &[
    "en-US", "de-DE", "es-ES", "fr-FR", "jp-JP", "pt-PT", "ru-RU", "zh-CN", "zh-TW", "ko-KO", "it-IT", "vi-VN",
    "pl-PL", "Tr-TR",
];
/// The standard questions a meeting can ask (`field_name`).
pub const QUESTION_FIELDS: &[&str] = &[
    "last_name",
    "address",
    "city",
    "country",
    "zip",
    "state",
    "phone",
    "industry",
    "org",
    "job_title",
    "purchasing_time_frame",
    "role_in_purchase_process",
    "no_of_employees",
    "comments",
];

fn one_of(check: &mut Check, root: &Obj, key: &str, allowed: &[&str]) -> String {
    match check.string(root, key, None) {
        Some(v) if allowed.contains(&v.as_str()) => v,
        Some(_) => {
            check.fail(key);
            String::new()
        }
        None => String::new(),
    }
}

/// `POST /meetings/{meetingId}/registrants`: the registrant's answers, read on their own.
#[derive(Debug, Clone)]
pub struct NewRegistrant {
    pub doc: RegistrantDoc,
    pub auto_approve: bool,
    /// `?occurrence_ids=`, a comma-separated list checked against the series.
    pub occurrence_ids: Option<String>,
    /// The standard fields given with a non-empty text (for the meeting's required questions).
    answered: HashSet<String>,
    rejected: Vec<FieldError>,
}

impl NewRegistrant {
    pub fn from_request(q: &QueryMap, body: &Body) -> ApiResult<Self> {
        let root = Obj::root(body.require()?);
        let mut check = Check::default();
        let doc = read_doc(&mut check, &root);
        let auto_approve = check.boolean(&root, "auto_approve").unwrap_or(false);
        let answered = QUESTION_FIELDS
            .iter()
            .filter(|f| {
                root.map
                    .get(**f)
                    .and_then(Value::as_str)
                    .is_some_and(|v| !v.trim().is_empty())
            })
            .map(|f| f.to_string())
            .collect();
        Ok(NewRegistrant {
            doc,
            auto_approve,
            occurrence_ids: q.get("occurrence_ids").map(str::to_string),
            answered,
            rejected: check.into_errors(),
        })
    }

    /// The answers, if they are valid and answer what `m` requires; otherwise every failure, the
    /// registrant's own and the meeting's, in one `errors` list.
    pub fn answers_for(&self, m: &MeetingRow) -> ApiResult<RegistrantDoc> {
        // One entry a field, as `Check` keeps them, whichever rule failed it first.
        let mut check = Check::resume(self.rejected.clone());
        let mut fail = |field: &str, message: String| check.fail_with(field, message);
        for q in m.doc.questions.iter().filter(|q| q.required) {
            if !self.answered.contains(&q.field_name) {
                fail(&q.field_name, "This field is required.".into());
            }
        }
        for q in &m.doc.custom_questions {
            let title = &q.title;
            let answer = self
                .doc
                .custom_questions
                .iter()
                .find(|a| &a.title == title)
                .map(|a| a.value.as_str());
            if q.required && answer.is_none_or(|a| a.trim().is_empty()) {
                fail("custom_questions", format!("The question \"{title}\" is required."));
            }
            if let Some(a) = answer {
                if q.kind == "single" && !a.is_empty() && !q.answers.iter().any(|x| x == a) {
                    fail("custom_questions", format!("\"{a}\" is not an answer to \"{title}\"."));
                }
            }
        }
        check.finish()?;
        Ok(self.doc.clone())
    }
}

/// A registrant's own answers: required name and email, the standard fields, custom answers.
fn read_doc(check: &mut Check, root: &Obj) -> RegistrantDoc {
    let first_name = if check.required(root, "first_name") {
        check.string(root, "first_name", Some(64)).unwrap_or_default()
    } else {
        String::new()
    };
    let mut doc = RegistrantDoc {
        first_name,
        email: if check.required(root, "email") {
            check.email(root, "email", Some(128)).unwrap_or_default()
        } else {
            String::new()
        },
        last_name: check.string(root, "last_name", Some(64)).unwrap_or_default(),
        purchasing_time_frame: one_of(check, root, "purchasing_time_frame", PURCHASING_TIME_FRAMES),
        role_in_purchase_process: one_of(check, root, "role_in_purchase_process", ROLES_IN_PURCHASE),
        no_of_employees: one_of(check, root, "no_of_employees", EMPLOYEE_COUNTS),
        language: one_of(check, root, "language", LANGUAGES),
        ..RegistrantDoc::default()
    };
    for (key, slot) in [
        ("address", &mut doc.address),
        ("city", &mut doc.city),
        ("state", &mut doc.state),
        ("zip", &mut doc.zip),
        ("country", &mut doc.country),
        ("phone", &mut doc.phone),
        ("comments", &mut doc.comments),
        ("industry", &mut doc.industry),
        ("job_title", &mut doc.job_title),
        ("org", &mut doc.org),
    ] {
        *slot = check.string(root, key, Some(1024)).unwrap_or_default();
    }
    let mut answers = Vec::new();
    for item in check.objects(root, "custom_questions", 100).unwrap_or_default() {
        let title = check.string(&item, "title", None).unwrap_or_default();
        let value = check.string(&item, "value", Some(128)).unwrap_or_default();
        answers.push(CustomAnswer { title, value });
    }
    doc.custom_questions = answers;
    doc
}

/// `POST /meetings/{meetingId}/batch_registrants`.
#[derive(Debug, Clone)]
pub struct BatchRegistration {
    pub auto_approve: bool,
    pub registrants: Vec<RegistrantDoc>,
}

impl Input for BatchRegistration {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let auto_approve = check.boolean(root, "auto_approve").unwrap_or(false);
        check.boolean(root, "registrants_confirmation_email");
        let items = check.required_objects(root, "registrants", MAX_STATUS_BATCH);
        let mut registrants = Vec::new();
        for item in &items {
            let email = if check.required(item, "email") {
                check.email(item, "email", Some(128)).unwrap_or_default()
            } else {
                String::new()
            };
            let first_name = if check.required(item, "first_name") {
                check.string(item, "first_name", Some(64)).unwrap_or_default()
            } else {
                String::new()
            };
            let last_name = check.string(item, "last_name", Some(64)).unwrap_or_default();
            registrants.push(RegistrantDoc {
                email: email.trim().to_string(),
                first_name,
                last_name,
                ..RegistrantDoc::default()
            });
        }
        if items.is_empty() && check.is_ok() {
            check.fail("registrants");
        }
        BatchRegistration {
            auto_approve,
            registrants,
        }
    }
}

/// `PUT /meetings/{meetingId}/registrants/status`: an action for registrants named by id or email.
#[derive(Debug, Clone)]
pub struct RegistrantStatusChange {
    pub action: RegistrantAction,
    pub registrants: Vec<(Option<String>, Option<String>)>,
    /// `?occurrence_id=`, checked against the series.
    pub occurrence_id: Option<String>,
}

impl Input for RegistrantStatusChange {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let action = if check.required(root, "action") {
            check.one_of(root, "action")
        } else {
            None
        };
        let items = check.required_objects(root, "registrants", MAX_STATUS_BATCH);
        let mut registrants = Vec::new();
        for item in &items {
            let id = check.string(item, "id", None).filter(|s| !s.trim().is_empty());
            let email = check.email(item, "email", Some(128));
            if id.is_none() && email.is_none() && !item.has("email") {
                check.fail_with(item.path("id"), "Give the registrant's id or email.");
            }
            registrants.push((id, email));
        }
        if items.is_empty() && check.is_ok() {
            check.fail("registrants");
        }
        RegistrantStatusChange {
            // Only used when every check passed, and `action` is required.
            action: action.unwrap_or(RegistrantAction::Approve),
            registrants,
            occurrence_id: None,
        }
    }
}

impl RegistrantStatusChange {
    pub fn from_request(q: &QueryMap, body: &Body) -> ApiResult<Self> {
        let mut change = Self::from_body(body)?;
        change.occurrence_id = q.get("occurrence_id").map(str::to_string);
        Ok(change)
    }
}

/// `PATCH /meetings/{meetingId}/registrants/questions`.
#[derive(Debug, Clone)]
pub struct QuestionsUpdate {
    pub questions: Option<Vec<StandardQuestion>>,
    pub custom_questions: Option<Vec<CustomQuestion>>,
}

impl Input for QuestionsUpdate {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let questions = check.objects(root, "questions", QUESTION_FIELDS.len()).map(|items| {
            items
                .iter()
                .filter_map(|q| {
                    let field = check.required_string(q, "field_name", None);
                    if field.as_deref().is_some_and(|f| !QUESTION_FIELDS.contains(&f)) {
                        check.fail(q.path("field_name"));
                    }
                    let required = check.boolean(q, "required").unwrap_or(false);
                    field.map(|f| StandardQuestion {
                        field_name: f,
                        required,
                    })
                })
                .collect::<Vec<_>>()
        });
        let custom_questions = check.objects(root, "custom_questions", 100).map(|items| {
            items
                .iter()
                .filter_map(|q| {
                    let title = if check.required(q, "title") {
                        check.string(q, "title", Some(128))
                    } else {
                        None
                    };
                    let kind = check.string(q, "type", None).unwrap_or_else(|| "short".into());
                    if kind != "short" && kind != "single" {
                        check.fail(q.path("type"));
                    }
                    let required = check.boolean(q, "required").unwrap_or(false);
                    let answers: Vec<String> = match q.map.get("answers") {
                        None | Some(Value::Null) => Vec::new(),
                        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
                            a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()
                        }
                        Some(_) => {
                            check.fail(q.path("answers"));
                            Vec::new()
                        }
                    };
                    if kind == "single" && answers.is_empty() {
                        check.fail_with(q.path("answers"), "A single-answer question needs answers.");
                    }
                    title.map(|t| CustomQuestion {
                        title: t,
                        kind,
                        required,
                        answers,
                    })
                })
                .collect::<Vec<_>>()
        });
        QuestionsUpdate {
            questions,
            custom_questions,
        }
    }
}

/// The first page's query of `GET /meetings/{meetingId}/registrants`.
pub struct RegistrantListQuery {
    pub status: RegistrantStatus,
    pub occurrence_id: Option<String>,
    pub page_size: i64,
    pub page_number: i64,
}

impl Input for RegistrantListQuery {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let status = check.one_of_or(root, "status", RegistrantStatus::Approved);
        let occurrence_id = check.string(root, "occurrence_id", None).filter(|s| !s.is_empty());
        let (page_size, page_number) = pagination::page_params(check, root, 300);
        RegistrantListQuery {
            status,
            occurrence_id,
            page_size,
            page_number,
        }
    }
}

/// `GET /meetings/{meetingId}/registrants`: a first page's query, or the token of a later page.
pub type RegistrantListRequest = crate::pagination::PageRequest<RegistrantListQuery>;
