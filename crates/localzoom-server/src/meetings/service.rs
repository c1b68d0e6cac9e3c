//! Meeting rules: creation with Zoom's defaults, the full meeting object, occurrences of recurring
//! series, list filters, updates of a whole series or one occurrence, deletion and recovery, and
//! the 100 creates/updates per host per day.

use crate::directory::lookup::UserRef;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use zoom_types::enums::UserStatus;

use super::input::{
    DeleteMeeting, LiveChange, MeetingInput, MeetingListRequest, MeetingPatch, MeetingQuery, MeetingStatusChange,
};
pub use super::input::{MeetingId, MAX_PAGE_SIZE};
use super::model::{self, MeetingDoc, OccurrenceOverride};
use super::schedule::{occurrences_of, registration_enabled, span, zone, DEFAULT_DURATION};
use super::store::{self as meeting_store, MeetingRow};
use super::view::{comparable, list_item};
pub use super::view::{event_object, join_url, meeting as meeting_view, ViewOptions};
use crate::auth::{ops, Granted, Operation};
use crate::directory::lookup::resolve;
use crate::directory::users::UserRow;
use crate::directory::vocab::LICENSED;
use crate::error::{ApiError, ApiResult};
use crate::events::EventKind;
use crate::pagination;
use crate::ratelimit::quota::{self, Quota, Window};
use crate::state::AppState;
use crate::store::StoreError;
use crate::validate::Check;
use zoom_types::enums::{MeetingAction, MeetingStatus};
use zoom_types::meetings::{Meeting, MeetingList, MeetingListItem};

/// "100 requests per day … applied against the userId of the meeting host" (S-M).
const CREATE_UPDATE_QUOTA: Quota = Quota {
    limit: 100,
    window: Window::UtcDay,
};

fn not_host() -> ApiError {
    ApiError::bad_request(3003, "Not meeting host.")
}

fn invalid_occurrence() -> ApiError {
    ApiError::bad_request(300, "Invalid parameter: occurrence_id.")
}

async fn emit_meeting(
    tx: &mut crate::store::WriteTx,
    state: &AppState,
    me: Option<&str>,
    m: &MeetingRow,
    event: EventKind,
    payload: Map<String, Value>,
) -> Result<(), StoreError> {
    let operator = crate::webhooks::operator(tx, me).await?;
    crate::webhooks::emit(tx, state, &m.account_id, event, operator, payload).await
}

/// A meeting the caller may act on: in its account, not deleted (unless `deleted_too`), and hosted
/// by `me` when the caller holds only user-level scopes. Anything else is exactly as missing.
pub async fn load<O: Operation>(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    grant: &Granted<O>,
    id: &MeetingId,
    lock: bool,
    deleted_too: bool,
) -> ApiResult<MeetingRow> {
    let scope = meeting_store::Scope::Account(grant.account_id());
    let meeting = meeting_store::find(conn, &state.store, scope, id.id, lock)
        .await?
        .filter(|m| deleted_too || m.deleted_at.is_none())
        .ok_or_else(|| ApiError::meeting_not_found(&id.to_string()))?;
    if !grant.is_admin() && grant.me() != Some(meeting.host_id.as_str()) {
        return Err(not_host());
    }
    Ok(meeting)
}

/// Applies validated input to a meeting (new or stored), then checks the rules that span fields.
fn apply(check: &mut Check, m: &mut MeetingRow, input: MeetingInput, host: &UserRow, now: i64, creating: bool) {
    if let Some(t) = input.topic {
        m.doc.topic = t;
    }
    if let Some(k) = input.kind {
        m.kind = k;
    }
    if let Some(tz) = input.timezone {
        m.doc.timezone = tz;
    }
    let tz = zone(m);
    if let Some(s) = &input.start_time {
        match model::parse_start_time(s, &tz) {
            Some(t) => m.start_time = Some(t),
            None => check.fail("start_time"),
        }
    }
    if let Some(d) = input.duration {
        m.doc.duration = Some(d);
    }
    if let Some(p) = input.password {
        m.doc.password = p;
    } else if creating && input.default_password != Some(false) {
        m.doc.password = model::generated_password();
    }
    if let Some(a) = input.agenda {
        m.doc.agenda = a;
    }
    if let Some(p) = input.pre_schedule {
        m.doc.pre_schedule = p;
    }
    if let Some(r) = input.recurrence {
        m.doc.recurrence = Some(r);
        m.doc.deleted_occurrences.clear();
        m.doc.occurrence_overrides.clear();
    }
    if let Some(f) = input.tracking_fields {
        m.doc.tracking_fields = f;
    }
    for (k, v) in input.settings {
        m.doc.settings.insert(k, v);
    }
    match m.kind {
        1 => {
            m.start_time = Some(m.start_time.unwrap_or(now));
            m.doc.recurrence = None;
        }
        3 => m.start_time = None,
        8 => {
            if m.doc.recurrence.is_none() {
                check.fail_with(
                    "recurrence",
                    "A recurring meeting with a fixed time needs a recurrence.",
                );
            }
            m.start_time = Some(m.start_time.unwrap_or(now));
        }
        _ => {
            m.start_time = Some(m.start_time.unwrap_or(now));
            m.doc.recurrence = None;
        }
    }
    if m.kind != 1 && m.doc.duration.is_none() {
        m.doc.duration = Some(DEFAULT_DURATION);
    }
    if registration_enabled(m) && host.user_type != LICENSED && check.is_ok() {
        check.fail_with(
            "settings.approval_type",
            "Registration cannot be enabled for a basic user.",
        );
    }
}

fn digits_text(n: u32) -> String {
    crate::ids::digits(n).to_string()
}

async fn take_daily_quota(state: &AppState, tx: &mut crate::store::WriteTx, host_id: &str) -> ApiResult<()> {
    if quota::take(state, tx, &format!("meeting-cu:{host_id}"), CREATE_UPDATE_QUOTA)
        .await?
        .is_err()
    {
        return Err(ApiError::meeting_daily_limit(
            state.switches().scaled(CREATE_UPDATE_QUOTA.limit),
        ));
    }
    Ok(())
}

pub async fn create(
    state: &AppState,
    grant: &Granted<ops::MeetingCreate>,
    user_id: &UserRef,
    input: MeetingInput,
    origin: &str,
) -> ApiResult<Meeting> {
    let now = state.clock.now();
    write_tx!(state.store, |tx| {
        let caller = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, false).await?;
        if !grant.is_admin() && grant.me() != Some(caller.id.as_str()) {
            return Err(ApiError::user_not_found(user_id));
        }
        let (host, assistant_id) = match &input.schedule_for {
            Some(other) => {
                let host = resolve(
                    tx.conn(),
                    &state.store,
                    grant.account_id(),
                    None,
                    &UserRef::new(other.clone()),
                    false,
                )
                .await?;
                let assistants = crate::assistants::store::assistants_of(tx.conn(), &host.id).await?;
                if host.id != caller.id && !assistants.iter().any(|a| a.id == caller.id) {
                    return Err(ApiError::bad_request(
                        300,
                        format!("You do not have the scheduling privilege for this user: {other}."),
                    ));
                }
                let assistant = (host.id != caller.id).then(|| caller.id.clone());
                (host, assistant)
            }
            None => (caller, None),
        };
        if host.status != UserStatus::Active {
            return Err(ApiError::bad_request(
                3161,
                "Your user account is not allowed meeting hosting and scheduling capabilities.",
            ));
        }
        let mut m = MeetingRow {
            id: 0,
            uuid: crate::ids::secret(16),
            account_id: host.account_id.clone(),
            host_id: host.id.clone(),
            kind: 2,
            status: MeetingStatus::Waiting,
            start_time: None,
            created_at: now,
            deleted_at: None,
            doc: MeetingDoc {
                topic: "Zoom meeting".into(),
                timezone: host.profile.timezone.clone(),
                h323_password: digits_text(6),
                pstn_password: digits_text(6),
                encrypted_password: crate::ids::secret(24),
                start_token: crate::ids::secret(48),
                registration_token: crate::ids::secret(16),
                assistant_id,
                settings: model::default_settings(),
                ..MeetingDoc::default()
            },
        };
        if model::time_zone(&m.doc.timezone).is_none() {
            m.doc.timezone = "UTC".into();
        }
        let mut check = Check::default();
        apply(&mut check, &mut m, input.clone(), &host, now, true);
        check.finish()?;
        take_daily_quota(state, tx, &host.id).await?;
        // A random 11-digit id, drawn again on the rare collision (under a savepoint, as PostgreSQL needs).
        let mut attempts = 0;
        loop {
            m.id = crate::ids::digits(11);
            tx.savepoint().await?;
            match meeting_store::insert(tx, &m).await {
                Ok(()) => {
                    tx.release_savepoint().await?;
                    break;
                }
                Err(e @ StoreError::Unique(_)) if attempts < 8 => {
                    tx.rollback_to_savepoint().await?;
                    attempts += 1;
                    tracing::debug!(error = %e, "meeting id taken; drawing another");
                }
                Err(e) => return Err(e.into()),
            }
        }
        let payload = crate::webhooks::object(event_object(&m));
        emit_meeting(tx, state, grant.me(), &m, EventKind::MeetingCreated, payload).await?;
        Ok(meeting_view(
            &m,
            &ViewOptions {
                origin,
                host_email: &host.email,
                now,
                show_previous: false,
                occurrence: None,
            },
        ))
    })
}

async fn host_email(conn: &mut sqlx::AnyConnection, state: &AppState, m: &MeetingRow) -> ApiResult<String> {
    let host = crate::directory::users::find(
        conn,
        &state.store,
        None,
        crate::directory::users::Lookup::Id(&m.host_id),
        false,
    )
    .await?;
    Ok(host.map(|h| h.email).unwrap_or_default())
}

pub async fn get(
    state: &AppState,
    grant: &Granted<ops::Meeting>,
    meeting_id: &MeetingId,
    q: MeetingQuery,
    origin: &str,
) -> ApiResult<Meeting> {
    let MeetingQuery {
        show_previous,
        occurrence_id,
    } = q;
    let mut conn = state.store.acquire().await?;
    let m = load(&mut conn, state, grant, meeting_id, false, false).await?;
    let occurrences = occurrences_of(&m);
    let occurrence = match &occurrence_id {
        Some(id) if m.kind == 8 => Some(
            occurrences
                .iter()
                .find(|o| &o.occurrence_id == id)
                .ok_or_else(invalid_occurrence)?,
        ),
        _ => None,
    };
    let email = host_email(&mut conn, state, &m).await?;
    Ok(meeting_view(
        &m,
        &ViewOptions {
            origin,
            host_email: &email,
            now: state.clock.now(),
            show_previous,
            occurrence,
        },
    ))
}

const MEETINGS_RESOURCE: &str = "meetings";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ListCursor {
    host_id: String,
    kind: String,
    from: Option<i64>,
    to: Option<i64>,
    page_size: i64,
    page_number: i64,
    after_id: i64,
}

fn listed(m: &MeetingRow, c: &ListCursor, now: i64) -> bool {
    let live = m.status == MeetingStatus::Started;
    let in_range = match (span(m), c.from, c.to) {
        (_, None, None) => true,
        (None, _, _) => false,
        (Some((start, _)), from, to) => from.is_none_or(|f| start >= f) && to.is_none_or(|t| start < t),
    };
    let by_type = match c.kind.as_str() {
        "live" => live,
        "upcoming" | "upcoming_meetings" => live || span(m).is_none_or(|(_, end)| end >= now),
        "previous_meetings" => !live && span(m).is_some_and(|(_, end)| end < now),
        _ => m.kind != 1 || live,
    };
    by_type && in_range
}

pub async fn list(
    state: &AppState,
    grant: &Granted<ops::Meetings>,
    user_id: &UserRef,
    req: MeetingListRequest,
    origin: &str,
) -> ApiResult<MeetingList> {
    let account_id = grant.account_id();
    let mut conn = state.store.acquire().await?;
    let host = resolve(&mut conn, &state.store, account_id, grant.me(), user_id, false).await?;
    drop(conn);
    if !grant.is_admin() && grant.me() != Some(host.id.as_str()) {
        return Err(ApiError::user_not_found(user_id));
    }
    let (cursor, offset) = match req {
        MeetingListRequest::Next(token) => {
            let c: ListCursor = pagination::redeem(state, account_id, MEETINGS_RESOURCE, &token).await?;
            if c.host_id != host.id {
                return Err(ApiError::page_token_invalid());
            }
            (c, 0)
        }
        MeetingListRequest::First(q) => {
            let cursor = ListCursor {
                host_id: host.id.clone(),
                kind: q.kind.as_str().to_string(),
                from: q.from,
                to: q.to,
                page_size: q.page_size,
                page_number: q.page_number,
                after_id: 0,
            };
            (cursor, pagination::offset(q.page_size, q.page_number))
        }
    };
    let now = state.clock.now();
    let all: Vec<MeetingRow> = meeting_store::of_host(&state.store, account_id, &host.id)
        .await?
        .into_iter()
        .filter(|m| listed(m, &cursor, now))
        .collect();
    let total = all.len() as i64;
    let mut page: Vec<&MeetingRow> = all
        .iter()
        .filter(|m| m.id > cursor.after_id)
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(cursor.page_size).unwrap_or(0) + 1)
        .collect();
    let next_page_token = pagination::next_page(
        state,
        account_id,
        MEETINGS_RESOURCE,
        &mut page,
        cursor.page_size,
        |last| ListCursor {
            after_id: last.id,
            page_number: cursor.page_number + 1,
            ..cursor.clone()
        },
    )
    .await?;
    let items: Vec<MeetingListItem> = page.iter().map(|m| list_item(m, origin, now)).collect();
    Ok(MeetingList {
        next_page_token,
        page_count: pagination::page_count(total, cursor.page_size),
        page_number: cursor.page_number,
        page_size: cursor.page_size,
        total_records: total,
        meetings: items,
    })
}

pub async fn update(
    state: &AppState,
    grant: &Granted<ops::MeetingUpdate>,
    meeting_id: &MeetingId,
    patch: MeetingPatch,
) -> ApiResult<()> {
    let MeetingPatch {
        occurrence_id,
        fields: parsed,
    } = patch;
    let now = state.clock.now();
    write_tx!(state.store, |tx| {
        let mut input = parsed.clone();
        let mut m = load(tx.conn(), state, grant, meeting_id, true, false).await?;
        let before = m.clone();
        let host = resolve(
            tx.conn(),
            &state.store,
            grant.account_id(),
            None,
            &UserRef::new(m.host_id.clone()),
            false,
        )
        .await?;
        let mut check = Check::default();
        match occurrence_id.as_deref() {
            Some(occ) => {
                if m.kind != 8 || !occurrences_of(&m).iter().any(|o| o.occurrence_id == occ) {
                    return Err(invalid_occurrence());
                }
                let mut change = m
                    .doc
                    .occurrence_overrides
                    .get(occ)
                    .cloned()
                    .unwrap_or(OccurrenceOverride::default());
                if let Some(s) = &input.start_time {
                    match model::parse_start_time(s, &zone(&m)) {
                        Some(t) => change.start_time = Some(t),
                        None => check.fail("start_time"),
                    }
                }
                if let Some(d) = input.duration {
                    change.duration = Some(d);
                }
                if let Some(a) = input.agenda.take() {
                    m.doc.agenda = a;
                }
                for (k, v) in std::mem::take(&mut input.settings) {
                    m.doc.settings.insert(k, v);
                }
                m.doc.occurrence_overrides.insert(occ.to_string(), change);
            }
            None => apply(&mut check, &mut m, input, &host, now, false),
        }
        check.finish()?;
        take_daily_quota(state, tx, &m.host_id).await?;
        meeting_store::update(tx, &m).await?;
        let id = json!(m.id);
        if let Some((old, new)) = crate::webhooks::changes(&comparable(&before, now), &comparable(&m, now), Some(id)) {
            let payload = crate::webhooks::update_payload(old, new);
            emit_meeting(tx, state, grant.me(), &m, EventKind::MeetingUpdated, payload).await?;
        }
        Ok(())
    })
}

pub async fn delete(
    state: &AppState,
    grant: &Granted<ops::MeetingDelete>,
    meeting_id: &MeetingId,
    opts: DeleteMeeting,
) -> ApiResult<()> {
    let occurrence_id = opts.occurrence_id;
    write_tx!(state.store, |tx| {
        let mut m = load(tx.conn(), state, grant, meeting_id, true, false).await?;
        match occurrence_id.clone() {
            Some(occ) => {
                if m.kind != 8 || !occurrences_of(&m).iter().any(|o| o.occurrence_id == occ) {
                    return Err(invalid_occurrence());
                }
                m.doc.deleted_occurrences.push(occ);
            }
            None => {
                if m.status == MeetingStatus::Started {
                    return Err(ApiError::bad_request(
                        3002,
                        "Sorry, you cannot delete this meeting since it's in progress.",
                    ));
                }
                m.deleted_at = Some(state.clock.now());
            }
        }
        meeting_store::update(tx, &m).await?;
        let payload = crate::webhooks::object(event_object(&m));
        emit_meeting(tx, state, grant.me(), &m, EventKind::MeetingDeleted, payload).await?;
        Ok(())
    })
}

/// `PUT /meetings/{meetingId}/status`: `end` a meeting in progress, `recover` a deleted one.
pub async fn set_status(
    state: &AppState,
    grant: &Granted<ops::MeetingStatus>,
    meeting_id: &MeetingId,
    change: MeetingStatusChange,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let mut m = load(tx.conn(), state, grant, meeting_id, true, true).await?;
        match change.action {
            MeetingAction::Recover => {
                if m.deleted_at.is_none() {
                    return Err(ApiError::bad_request(
                        3000,
                        "The meeting is not deleted; there is nothing to recover.",
                    ));
                }
                m.deleted_at = None;
            }
            MeetingAction::End => {
                if m.deleted_at.is_some() {
                    return Err(ApiError::meeting_not_found(&meeting_id.to_string()));
                }
                if m.status != MeetingStatus::Started {
                    return Err(ApiError::bad_request(3000, "The meeting is not in progress."));
                }
                m.status = MeetingStatus::Waiting;
            }
        }
        meeting_store::update(tx, &m).await?;
        if change.action == MeetingAction::End {
            let payload = crate::webhooks::object(event_object(&m));
            emit_meeting(tx, state, grant.me(), &m, EventKind::MeetingEnded, payload).await?;
        }
        Ok(())
    })
}

/// Control plane: a meeting starts (`started`) or ends (`waiting`), as if its host had.
pub async fn set_live(state: &AppState, meeting_id: &MeetingId, change: LiveChange) -> ApiResult<Value> {
    let id = meeting_id.id;
    let status = change.status;
    write_tx!(state.store, |tx| {
        let mut m = meeting_store::find(tx.conn(), &state.store, meeting_store::Scope::AnyAccount, id, true)
            .await?
            .filter(|m| m.deleted_at.is_none())
            .ok_or_else(|| ApiError::meeting_not_found(&meeting_id.to_string()))?;
        let changed = m.status != status;
        m.status = status;
        meeting_store::update(tx, &m).await?;
        if changed {
            let event = if m.status == MeetingStatus::Started {
                EventKind::MeetingStarted
            } else {
                EventKind::MeetingEnded
            };
            emit_meeting(tx, state, None, &m, event, crate::webhooks::object(event_object(&m))).await?;
        }
        Ok(json!({"id": m.id, "status": m.status.as_str()}))
    })
}
