//! The registration workflow: registration only where `approval_type` is 0 or 1 and the host is
//! licensed; 0 approves on arrival, 1 leaves registrants pending; approve, deny and cancel move
//! between states; each registrant has its own join URL; required questions are enforced on add;
//! 3 additions and 10 status updates per registrant per day.

use serde::{Deserialize, Serialize};
use serde_json::json;

use zoom_types::enums::{RegistrantAction, RegistrantStatus};

use super::input::{BatchRegistration, NewRegistrant, QuestionsUpdate, RegistrantListRequest, RegistrantStatusChange};
pub use super::input::{MAX_STATUS_BATCH, QUESTION_FIELDS};
use super::store::{self as registrant_store, Filter, RegistrantDoc, RegistrantRow};
use super::view;
use crate::auth::{ops, Granted, Operation};
use crate::error::{ApiError, ApiResult};
use crate::events::EventKind;
use crate::meetings::input::MeetingId;
use crate::meetings::schedule::{approval_type, ends_at, occurrences_of, registration_enabled, Occurrence};
use crate::meetings::service::load;
use crate::meetings::store::MeetingRow;
use crate::pagination;
use crate::ratelimit::quota::{self, Quota, Window};
use crate::state::AppState;
use crate::store::WriteTx;
use zoom_types::meetings::{
    BatchRegistrant, BatchRegistrants, Registrant, RegistrantAdded, RegistrantList, RegistrationQuestions,
};

/// Zoom's cap on one meeting's registrants.
pub const MAX_REGISTRANTS: i64 = 4999;
const ADD_QUOTA: Quota = Quota {
    limit: 3,
    window: Window::UtcDay,
};
const STATUS_QUOTA: Quota = Quota {
    limit: 10,
    window: Window::UtcDay,
};

fn not_enabled(m: &MeetingRow) -> ApiError {
    ApiError::bad_request(
        300,
        format!("Registration has not been enabled for this meeting: {}.", m.id),
    )
}

fn invalid_registrant() -> ApiError {
    ApiError::bad_request(
        300,
        "The value that you entered for the Registrant ID field is invalid. Enter a valid value and try again.",
    )
}

/// A meeting that takes registrants, and its licensed host.
async fn registration_meeting<O: Operation>(
    tx_conn: &mut sqlx::AnyConnection,
    state: &AppState,
    grant: &Granted<O>,
    meeting_id: &MeetingId,
    lock: bool,
) -> ApiResult<MeetingRow> {
    let m = load(tx_conn, state, grant, meeting_id, lock, false).await?;
    if !registration_enabled(&m) {
        return Err(not_enabled(&m));
    }
    let host = crate::directory::users::find(
        tx_conn,
        &state.store,
        None,
        crate::directory::users::Lookup::Id(&m.host_id),
        false,
    )
    .await?;
    if host.is_none_or(|h| h.user_type != crate::directory::vocab::LICENSED) {
        return Err(ApiError::bad_request(
            200,
            format!("Only available for paid users: {}.", m.host_id),
        ));
    }
    Ok(m)
}

/// The occurrences named in `occurrence_ids`, each one of the series'; `None` for every one.
fn chosen_occurrences(m: &MeetingRow, raw: Option<&str>, param: &str) -> ApiResult<Vec<String>> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Vec::new());
    };
    if m.kind != 8 {
        return Ok(Vec::new());
    }
    let live = occurrences_of(m);
    let mut out = Vec::new();
    for id in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !live.iter().any(|o| o.occurrence_id == id) {
            return Err(ApiError::bad_request(300, format!("Invalid parameter: {param}.")));
        }
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    Ok(out)
}

fn new_registrant(
    m: &MeetingRow,
    doc: RegistrantDoc,
    status: RegistrantStatus,
    occurrence_ids: Vec<String>,
    now: i64,
) -> RegistrantRow {
    RegistrantRow {
        seq: 0,
        id: crate::ids::zoom_id(),
        meeting_id: m.id,
        status,
        occurrence_ids,
        created_at: now,
        doc: RegistrantDoc {
            join_token: crate::ids::secret(32),
            participant_pin_code: crate::ids::digits(6),
            ..doc
        },
    }
}

/// Registers `doc` (or refreshes an earlier registration of the same email) inside `tx`.
async fn register(
    state: &AppState,
    tx: &mut WriteTx,
    m: &MeetingRow,
    doc: RegistrantDoc,
    approve: bool,
    occurrence_ids: Vec<String>,
) -> ApiResult<RegistrantRow> {
    let key = format!("registrant-add:{}:{}", m.id, doc.email.to_lowercase());
    if quota::take(state, tx, &key, ADD_QUOTA).await?.is_err() {
        return Err(ApiError::registrant_daily_limit(
            "Add Meeting Registrant",
            state.switches().scaled(ADD_QUOTA.limit),
        ));
    }
    let existing = registrant_store::find(tx.conn(), &state.store, m.id, None, Some(&doc.email), true).await?;
    if let Some(mut r) = existing {
        // Registering again keeps the registrant (id, join URL, status) and takes the new answers.
        r.doc = RegistrantDoc {
            join_token: r.doc.join_token.clone(),
            participant_pin_code: r.doc.participant_pin_code,
            ..doc
        };
        if !r.occurrence_ids.is_empty() {
            r.occurrence_ids = if occurrence_ids.is_empty() {
                Vec::new()
            } else {
                let mut ids = r.occurrence_ids.clone();
                ids.extend(occurrence_ids.into_iter().filter(|o| !r.occurrence_ids.contains(o)));
                ids
            };
        }
        registrant_store::update(tx, &r).await?;
        return Ok(r);
    }
    if registrant_store::count_all(tx.conn(), m.id).await? >= MAX_REGISTRANTS {
        return Err(ApiError::bad_request(
            3043,
            "Meeting has reached maximum attendee capacity.",
        ));
    }
    let status = if approve {
        RegistrantStatus::Approved
    } else {
        RegistrantStatus::Pending
    };
    let r = new_registrant(m, doc, status, occurrence_ids, state.clock.now());
    registrant_store::insert(tx, &r).await?;
    emit_registration(tx, state, m, &r, EventKind::MeetingRegistrationCreated).await?;
    // Read back for the sequence number the store gave it.
    registrant_store::find(tx.conn(), &state.store, m.id, Some(&r.id), None, false)
        .await?
        .ok_or_else(|| ApiError::internal("a registrant vanished inside its own transaction"))
}

fn meeting_over(m: &MeetingRow, now: i64) -> bool {
    m.kind == 2 && ends_at(m).is_some_and(|end| end < now)
}

pub async fn add(
    state: &AppState,
    grant: &Granted<ops::MeetingRegistrantCreate>,
    meeting_id: &MeetingId,
    input: NewRegistrant,
    origin: &str,
) -> ApiResult<RegistrantAdded> {
    let (m, r) = write_tx!(state.store, |tx| {
        let m = registration_meeting(tx.conn(), state, grant, meeting_id, true).await?;
        let doc = input.answers_for(&m)?;
        let now = state.clock.now();
        if meeting_over(&m, now) {
            return Err(ApiError::bad_request(
            3038,
            "Meeting is over, you can not register now. If you have any questions, please contact the Meeting host.",
        ));
        }
        let occurrence_ids = chosen_occurrences(&m, input.occurrence_ids.as_deref(), "occurrence_ids")?;
        let approve = approval_type(&m) == 0 || input.auto_approve;
        let r = register(state, tx, &m, doc, approve, occurrence_ids).await?;
        Ok((m, r))
    })?;
    Ok(view::added(&r, &m, origin))
}

const REGISTRANTS_RESOURCE: &str = "registrants";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ListCursor {
    meeting_id: i64,
    status: RegistrantStatus,
    occurrence_id: Option<String>,
    page_size: i64,
    page_number: i64,
    after_seq: i64,
}

pub async fn list(
    state: &AppState,
    grant: &Granted<ops::MeetingRegistrants>,
    meeting_id: &MeetingId,
    req: RegistrantListRequest,
    origin: &str,
) -> ApiResult<RegistrantList> {
    let mut conn = state.store.acquire().await?;
    let m = registration_meeting(&mut conn, state, grant, meeting_id, false).await?;
    drop(conn);
    let account_id = grant.account_id();
    let (cursor, offset) = match req {
        RegistrantListRequest::Next(token) => {
            let c: ListCursor = pagination::redeem(state, account_id, REGISTRANTS_RESOURCE, &token).await?;
            if c.meeting_id != m.id {
                return Err(ApiError::page_token_invalid());
            }
            (c, 0)
        }
        RegistrantListRequest::First(q) => {
            if let Some(occ) = &q.occurrence_id {
                if m.kind == 8 && !occurrences_of(&m).iter().any(|o| &o.occurrence_id == occ) {
                    return Err(ApiError::bad_request(300, "Invalid parameter: occurrence_id."));
                }
            }
            let cursor = ListCursor {
                meeting_id: m.id,
                status: q.status,
                occurrence_id: q.occurrence_id.filter(|_| m.kind == 8),
                page_size: q.page_size,
                page_number: q.page_number,
                after_seq: 0,
            };
            (cursor, pagination::offset(q.page_size, q.page_number))
        }
    };
    let filter = Filter {
        meeting_id: m.id,
        status: cursor.status,
        occurrence_id: cursor.occurrence_id.as_deref(),
    };
    let mut rows =
        registrant_store::list(&state.store, &filter, cursor.after_seq, offset, cursor.page_size + 1).await?;
    let total = registrant_store::count(&state.store, &filter).await?;
    let next_page_token = pagination::next_page(
        state,
        account_id,
        REGISTRANTS_RESOURCE,
        &mut rows,
        cursor.page_size,
        |last| ListCursor {
            after_seq: last.seq,
            page_number: cursor.page_number + 1,
            ..cursor.clone()
        },
    )
    .await?;
    Ok(RegistrantList {
        next_page_token,
        page_count: pagination::page_count(total, cursor.page_size),
        page_number: cursor.page_number,
        page_size: cursor.page_size,
        total_records: total,
        registrants: rows.iter().map(|r| view::registrant(r, &m, origin)).collect(),
    })
}

pub async fn get(
    state: &AppState,
    grant: &Granted<ops::MeetingRegistrantGet>,
    meeting_id: &MeetingId,
    registrant_id: &str,
    origin: &str,
) -> ApiResult<Registrant> {
    let mut conn = state.store.acquire().await?;
    let m = registration_meeting(&mut conn, state, grant, meeting_id, false).await?;
    let r = registrant_store::find(&mut conn, &state.store, m.id, Some(registrant_id), None, false)
        .await?
        .ok_or_else(invalid_registrant)?;
    Ok(view::registrant(&r, &m, origin))
}

pub async fn delete(
    state: &AppState,
    grant: &Granted<ops::MeetingRegistrantDelete>,
    meeting_id: &MeetingId,
    registrant_id: &str,
    occurrence_id: Option<&str>,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let m = registration_meeting(tx.conn(), state, grant, meeting_id, true).await?;
        let mut r = registrant_store::find(tx.conn(), &state.store, m.id, Some(registrant_id), None, true)
            .await?
            .ok_or_else(invalid_registrant)?;
        let occurrence = chosen_occurrences(&m, occurrence_id, "occurrence_id")?;
        match occurrence.first() {
            // One occurrence of a registration for several: the others stay.
            Some(occ) => {
                let registered: Vec<String> = if r.occurrence_ids.is_empty() {
                    occurrences_of(&m)
                        .into_iter()
                        .map(|o: Occurrence| o.occurrence_id)
                        .collect()
                } else {
                    r.occurrence_ids.clone()
                };
                r.occurrence_ids = registered.into_iter().filter(|o| o != occ).collect();
                if r.occurrence_ids.is_empty() {
                    registrant_store::delete(tx, r.seq).await?;
                } else {
                    registrant_store::update(tx, &r).await?;
                }
            }
            None => registrant_store::delete(tx, r.seq).await?,
        }
        Ok(())
    })
}

/// The state an action moves a registrant to, or why it cannot.
fn next_status(action: RegistrantAction, current: RegistrantStatus) -> Result<RegistrantStatus, String> {
    use RegistrantAction::*;
    match (action, current) {
        (Approve, _) => Ok(RegistrantStatus::Approved),
        (Deny, _) => Ok(RegistrantStatus::Denied),
        (Cancel, RegistrantStatus::Approved) => Ok(RegistrantStatus::Denied),
        (Cancel, other) => Err(format!(
            "Only an approved registration can be cancelled; this one is {other}."
        )),
    }
}

pub async fn set_status(
    state: &AppState,
    grant: &Granted<ops::MeetingRegistrantStatus>,
    meeting_id: &MeetingId,
    change: RegistrantStatusChange,
) -> ApiResult<()> {
    let action = change.action;
    write_tx!(state.store, |tx| {
        let m = registration_meeting(tx.conn(), state, grant, meeting_id, true).await?;
        chosen_occurrences(&m, change.occurrence_id.as_deref(), "occurrence_id")?;
        for (id, email) in change.registrants.clone() {
            let found =
                registrant_store::find(tx.conn(), &state.store, m.id, id.as_deref(), email.as_deref(), true).await?;
            // An id and an email naming different registrants name none.
            let r = found.filter(|r| {
                email
                    .as_deref()
                    .is_none_or(|e| r.doc.email.eq_ignore_ascii_case(e.trim()))
            });
            let Some(mut r) = r else {
                return Err(invalid_registrant());
            };
            let next = next_status(action, r.status).map_err(|msg| ApiError::bad_request(300, msg))?;
            if quota::take(state, tx, &format!("registrant-status:{}", r.id), STATUS_QUOTA)
                .await?
                .is_err()
            {
                return Err(ApiError::registrant_daily_limit(
                    "Update Registrant Status",
                    state.switches().scaled(STATUS_QUOTA.limit),
                ));
            }
            if r.status != next {
                r.status = next;
                registrant_store::update(tx, &r).await?;
                let event = match action {
                    RegistrantAction::Approve => EventKind::MeetingRegistrationApproved,
                    RegistrantAction::Deny => EventKind::MeetingRegistrationDenied,
                    RegistrantAction::Cancel => EventKind::MeetingRegistrationCancelled,
                };
                emit_registration(tx, state, &m, &r, event).await?;
            }
        }
        Ok(())
    })
}

/// A registration event: the meeting with the registrant in it.
async fn emit_registration(
    tx: &mut crate::store::WriteTx,
    state: &AppState,
    m: &MeetingRow,
    r: &RegistrantRow,
    event: EventKind,
) -> Result<(), crate::store::StoreError> {
    let mut object = crate::meetings::service::event_object(m);
    object["registrant"] = serde_json::to_value(view::registrant(r, m, &state.origin_without_request()))
        .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
    if m.kind == 8 {
        let occurrences: Vec<_> = occurrences_of(m)
            .iter()
            .map(crate::meetings::view::occurrence)
            .collect();
        object["occurrences"] = json!(occurrences);
    }
    crate::webhooks::emit(tx, state, &m.account_id, event, None, crate::webhooks::object(object)).await
}

pub async fn questions(
    state: &AppState,
    grant: &Granted<ops::MeetingRegistrantsQuestionsGet>,
    meeting_id: &MeetingId,
) -> ApiResult<RegistrationQuestions> {
    let mut conn = state.store.acquire().await?;
    let m = registration_meeting(&mut conn, state, grant, meeting_id, false).await?;
    Ok(view::questions(&m))
}

pub async fn update_questions(
    state: &AppState,
    grant: &Granted<ops::MeetingRegistrantQuestionUpdate>,
    meeting_id: &MeetingId,
    update: QuestionsUpdate,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let mut m = registration_meeting(tx.conn(), state, grant, meeting_id, true).await?;
        if let Some(q) = &update.questions {
            m.doc.questions = q.clone();
        }
        if let Some(c) = &update.custom_questions {
            m.doc.custom_questions = c.clone();
        }
        crate::meetings::store::update(tx, &m).await?;
        Ok(())
    })
}

pub async fn batch(
    state: &AppState,
    grant: &Granted<ops::AddBatchRegistrants>,
    meeting_id: &MeetingId,
    input: BatchRegistration,
    origin: &str,
) -> ApiResult<BatchRegistrants> {
    write_tx!(state.store, |tx| {
        let m = load(tx.conn(), state, grant, meeting_id, true, false).await?;
        if m.kind != 2 {
            return Err(ApiError::bad_request(
            303,
            "This API can only be used for scheduled meeting(meeting type: 2). Batch registration is not supported for other meeting types.",
        ));
        }
        // Batch registration answers a meeting without registration with its own code.
        if !registration_enabled(&m) {
            return Err(ApiError::bad_request(
                404,
                format!("Registration has not been enabled for this meeting: {}.", m.id),
            ));
        }
        let m = registration_meeting(tx.conn(), state, grant, meeting_id, true).await?;
        if meeting_over(&m, state.clock.now()) {
            return Err(ApiError::bad_request(
            3038,
            "Meeting is over, you can not register now. If you have any questions, please contact the Meeting host.",
        ));
        }
        let approve = input.auto_approve || approval_type(&m) == 0;
        let mut out = Vec::new();
        for doc in input.registrants.clone() {
            let r = register(state, tx, &m, doc, approve, Vec::new()).await?;
            out.push(BatchRegistrant {
                join_url: view::join_url(&r, &m, origin),
                registrant_id: r.id,
                email: r.doc.email,
                participant_pin_code: r.doc.participant_pin_code,
            });
        }
        Ok(BatchRegistrants { registrants: out })
    })
}

#[cfg(test)]
mod tests {
    use super::next_status;

    #[test]
    fn status_moves() {
        use zoom_types::enums::RegistrantAction::*;
        use zoom_types::enums::RegistrantStatus::{Approved, Denied, Pending};
        assert_eq!(next_status(Approve, Pending), Ok(Approved));
        assert_eq!(next_status(Approve, Denied), Ok(Approved));
        assert_eq!(next_status(Deny, Approved), Ok(Denied));
        assert_eq!(next_status(Cancel, Approved), Ok(Denied));
        assert!(next_status(Cancel, Pending).is_err());
        assert!(next_status(Cancel, Denied).is_err());
    }
}
