//! Zoom's rules for users: lookup by id, email or `me`; create actions; validated all-or-nothing
//! updates; status changes; deletion; keyset-paginated listing; summary and email checks.

use crate::directory::lookup::UserRef;
use crate::directory::vocab::Role;
use serde::{Deserialize, Serialize};
use zoom_types::users::{CreatedUser, EmailCheck, User, UserList, UserSummary};

use crate::auth::ops;
use crate::auth::{Granted, Operation};
use crate::clock::rfc3339;
use crate::directory::accounts as account_store;
use crate::directory::users::{self as user_store, ListFilter, Lookup, UserRow};
use crate::error::{ApiError, ApiResult};
use crate::events::EventKind;
use crate::ids;
use crate::locks;
use crate::pagination;
use crate::ratelimit::quota::{self, Quota, Window};
use crate::ratelimit::user_create_daily;
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};
use crate::webhooks;

use super::input::{DeleteOptions, ListRequest, NewUser, SeedUsers, StatusChange, UserPatch};
use super::view::{to_list_item, to_user};
use crate::directory::lookup::{creation_key, resolve, resolve_read};
pub use crate::directory::model::insert_with_fresh_pmi;
use crate::directory::model::new_row;
use zoom_types::enums::{CreateAction, DeleteAction, StatusAction, UserStatus};

/// The query a page token carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ListCursor {
    status: String,
    role_id: Option<String>,
    include_fields: Vec<String>,
    page_size: i64,
    after_seq: i64,
    page_number: i64,
}

const USERS_RESOURCE: &str = "users";

pub async fn list(state: &AppState, grant: &Granted<ops::Users>, req: ListRequest) -> ApiResult<UserList> {
    let account_id = grant.account_id();
    let (cursor, offset) = match req {
        ListRequest::Next(token) => (
            pagination::redeem::<ListCursor>(state, account_id, USERS_RESOURCE, &token).await?,
            0,
        ),
        ListRequest::First(q) => (
            ListCursor {
                status: q.status.as_str().to_string(),
                role_id: q.role_id,
                include_fields: q.include_fields,
                page_size: q.page_size,
                after_seq: 0,
                page_number: q.page_number,
            },
            pagination::offset(q.page_size, q.page_number),
        ),
    };
    let filter = ListFilter {
        account_id: account_id.into(),
        status: cursor.status.clone(),
        role_id: cursor.role_id.clone(),
    };
    let mut rows = user_store::list(&state.store, &filter, cursor.after_seq, offset, cursor.page_size + 1).await?;
    let total = user_store::count(&state.store, &filter).await?;
    let next_page_token =
        pagination::next_page(state, account_id, USERS_RESOURCE, &mut rows, cursor.page_size, |last| {
            ListCursor {
                after_seq: last.seq,
                page_number: cursor.page_number + 1,
                ..cursor.clone()
            }
        })
        .await?;
    Ok(UserList {
        next_page_token,
        page_count: Some(pagination::page_count(total, cursor.page_size)),
        page_number: Some(cursor.page_number),
        page_size: cursor.page_size,
        total_records: total,
        users: rows.iter().map(|u| to_list_item(u, &cursor.include_fields)).collect(),
    })
}

pub async fn create(state: &AppState, grant: &Granted<ops::UserCreate>, input: NewUser) -> ApiResult<CreatedUser> {
    let NewUser {
        action,
        email,
        user_type,
        first_name: first,
        last_name: last,
        display_name: display,
    } = input;
    let pending = action == CreateAction::Create;
    let status = if pending {
        UserStatus::Pending
    } else {
        UserStatus::Active
    };
    let mut row = new_row(
        grant.account_id(),
        &email,
        user_type,
        Role::Member,
        status,
        action,
        state.clock.now(),
    );
    row.profile.first_name = first.unwrap_or_default();
    row.profile.last_name = last.unwrap_or_default();
    row.profile.display_name = display.unwrap_or_else(|| {
        let full = format!("{} {}", row.profile.first_name, row.profile.last_name)
            .trim()
            .to_string();
        if full.is_empty() {
            email.split('@').next().unwrap_or_default().to_string()
        } else {
            full
        }
    });
    let lock_key = creation_key(&email);
    let created = locks::with_lock(
        state,
        &lock_key,
        "create",
        <ops::UserCreate as Operation>::OP.id,
        async {
            write_tx!(state.store, |tx| {
                if pending {
                    let plan = account_store::by_id(tx.conn(), grant.account_id())
                        .await?
                        .map(|a| a.plan)
                        .unwrap_or_default();
                    let cap = Quota {
                        limit: user_create_daily(&plan),
                        window: Window::UtcDay,
                    };
                    let key = format!("user-create-daily:{}", grant.account_id());
                    if quota::take(state, tx, &key, cap).await?.is_err() {
                        return Err(ApiError::user_create_daily_limit(state.switches().scaled(cap.limit)));
                    }
                }
                let row = match insert_with_fresh_pmi(tx, row.clone()).await {
                    Err(e) if e.is_unique_on("email") => return Err(ApiError::email_taken(&email)),
                    other => other?,
                };
                let operator = webhooks::operator(tx, grant.me()).await?;
                let mut payload = webhooks::object(webhooks::user_object(&row));
                payload.insert("creation_type".into(), action.as_str().into());
                webhooks::emit(tx, state, grant.account_id(), EventKind::UserCreated, operator, payload).await?;
                Ok(row)
            })
        },
    );
    let row = created.await?;
    Ok(CreatedUser {
        id: row.id,
        first_name: Some(row.profile.first_name),
        last_name: Some(row.profile.last_name),
        email: row.email,
        user_type: row.user_type,
    })
}

pub async fn get(state: &AppState, grant: &Granted<ops::User>, user_id: &UserRef, origin: &str) -> ApiResult<User> {
    let user = resolve_read(state, grant.account_id(), grant.me(), user_id).await?;
    let mut out = to_user(&user, grant.account_number(), origin);
    if user.status == UserStatus::Pending {
        // Zoom shows a pending user's creation time as the time of the call.
        out.created_at = Some(rfc3339(state.clock.now()));
    }
    Ok(out)
}

pub async fn update(
    state: &AppState,
    grant: &Granted<ops::UserUpdate>,
    user_id: &UserRef,
    patch: UserPatch,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let mut user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        let before = user.clone();
        patch.clone().apply(&mut user)?;
        user.updated_at = state.clock.now();
        match user_store::update(tx, &user).await {
            Err(e) if e.is_unique_on("pmi") => {
                return Err(ApiError::validation(vec![zoom_types::FieldError {
                    field: "pmi".into(),
                    message: "This personal meeting ID is already in use.".into(),
                }]))
            }
            Err(e) if e.is_unique_on("vanity") => {
                return Err(ApiError::validation(vec![zoom_types::FieldError {
                    field: "vanity_name".into(),
                    message: "This personal meeting room name is already in use.".into(),
                }]))
            }
            other => other?,
        }
        emit_updated(tx, state, grant.me(), &before, &user).await?;
        Ok(())
    })
}

/// `user.updated` with the fields that changed (old and new), if any did.
pub async fn emit_updated(
    tx: &mut WriteTx,
    state: &AppState,
    me: Option<&str>,
    before: &UserRow,
    after: &UserRow,
) -> Result<(), StoreError> {
    let view = |u: &UserRow| serde_json::to_value(to_user(u, None, "")).unwrap_or_default();
    if let Some((old, new)) = webhooks::changes(&view(before), &view(after), Some(after.id.clone().into())) {
        let operator = webhooks::operator(tx, me).await?;
        let payload = webhooks::update_payload(old, new);
        webhooks::emit(tx, state, &after.account_id, EventKind::UserUpdated, operator, payload).await?;
    }
    Ok(())
}

pub async fn set_status(
    state: &AppState,
    grant: &Granted<ops::UserStatus>,
    user_id: &UserRef,
    change: StatusChange,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let mut user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        if user.role.is_admin() {
            return Err(ApiError::bad_request(
                200,
                "Zoom Room and Admin users' status can not be activated or deactivated.",
            ));
        }
        if user.status == UserStatus::Pending {
            return Err(ApiError::bad_request(1120, "Invite not exist"));
        }
        let wanted = match change.action {
            StatusAction::Activate => UserStatus::Active,
            StatusAction::Deactivate => UserStatus::Inactive,
            // Clocking in or out changes no account state localzoom models.
            StatusAction::ClockIn | StatusAction::ClockOut => return Ok(()),
        };
        if user.status != wanted {
            user.status = wanted;
            user.updated_at = state.clock.now();
            user_store::update(tx, &user).await?;
            // A deactivated user is logged out of every Zoom client; an activated one signs back in.
            let signed_in = wanted == UserStatus::Active;
            let operator = webhooks::operator(tx, grant.me()).await?;
            let event = if signed_in {
                EventKind::UserActivated
            } else {
                EventKind::UserDeactivated
            };
            let payload = webhooks::object(webhooks::user_object(&user));
            webhooks::emit(tx, state, grant.account_id(), event, operator, payload).await?;
            crate::presence::service::set_signed_in(tx, state, &user, signed_in).await?;
        }
        Ok(())
    })
}

pub async fn delete(
    state: &AppState,
    grant: &Granted<ops::UserDelete>,
    user_id: &UserRef,
    opts: DeleteOptions,
) -> ApiResult<()> {
    let target = resolve_read(state, grant.account_id(), grant.me(), user_id).await?;
    let key = format!("user-delete:{}", target.id);
    locks::with_lock(
        state,
        &key,
        opts.action.as_str(),
        <ops::UserDelete as Operation>::OP.id,
        async { delete_locked(state, grant, user_id, &opts).await },
    )
    .await
}

async fn delete_locked(
    state: &AppState,
    grant: &Granted<ops::UserDelete>,
    user_id: &UserRef,
    opts: &DeleteOptions,
) -> ApiResult<()> {
    let delete = opts.action == DeleteAction::Delete;
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        if user.role == Role::Owner {
            return Err(ApiError::bad_request(
                200,
                "The account owner can not be deleted or disassociated.",
            ));
        }
        if user.status == UserStatus::Pending && delete {
            return Err(ApiError::bad_request(
                300,
                "To delete pending user in the account, use disassociate.",
            ));
        }
        if let Some(email) = &opts.transfer_email {
            if email.eq_ignore_ascii_case(&user.email) {
                return Err(ApiError::bad_request(
                    300,
                    "The transfer-to email address cannot be the same as the unlinked or deleted user's email address.",
                ));
            }
            let target = resolve(
                tx.conn(),
                &state.store,
                grant.account_id(),
                None,
                &UserRef::new(email.clone()),
                false,
            )
            .await?;
            if opts.transfer_meeting {
                crate::meetings::store::transfer_host(tx, grant.account_id(), &user.id, &target.id).await?;
            }
        }
        // Meetings not handed over go with their host (and their registrants with them).
        user_store::delete(tx, user.seq).await?;
        let operator = webhooks::operator(tx, grant.me()).await?;
        let event = if delete {
            EventKind::UserDeleted
        } else {
            EventKind::UserDisassociated
        };
        let payload = webhooks::object(webhooks::user_object(&user));
        webhooks::emit(tx, state, grant.account_id(), event, operator, payload).await?;
        Ok(())
    })
}

pub async fn email_exists(state: &AppState, grant: &Granted<ops::UserEmail>, email: &str) -> ApiResult<EmailCheck> {
    let mut conn = state.store.acquire().await?;
    let user = user_store::find(
        &mut *conn,
        &state.store,
        Some(grant.account_id()),
        Lookup::Email(email),
        false,
    )
    .await?;
    // Zoom answers false for users outside the account and for SSO sign-ups.
    Ok(EmailCheck {
        existed_email: user.is_some_and(|u| u.create_action != CreateAction::SsoCreate),
    })
}

pub async fn summary(state: &AppState, grant: &Granted<ops::UserSummary>) -> ApiResult<UserSummary> {
    let mut s = UserSummary::default();
    for (user_type, status, n) in user_store::counts_by_type_and_status(&state.store, grant.account_id()).await? {
        if status == "pending" {
            s.pending_users_count += n;
            continue;
        }
        match user_type {
            1 => s.basic_users_count += n,
            2 => s.licensed_users_count += n,
            3 => s.on_prem_users_count += n,
            _ => s.join_only_users_count += n,
        }
    }
    s.total_users_count = s.licensed_users_count
        + s.basic_users_count
        + s.on_prem_users_count
        + s.join_only_users_count
        + s.room_users_count;
    Ok(s)
}

const SEED_BATCH: usize = 200;

/// Control plane: `count` active users (`{prefix}{n}@{domain}`) in `account_id` (the default
/// account if none), inserted in batches, for load tests and benchmarks.
pub async fn seed(state: &AppState, input: SeedUsers) -> ApiResult<serde_json::Value> {
    let SeedUsers {
        count,
        user_type,
        account_id,
        email_prefix: prefix,
        domain,
    } = input;
    let account_id = account_id.as_deref();

    let now = state.clock.now();
    let account = {
        let mut conn = state.store.acquire().await?;
        match account_id {
            Some(id) => crate::directory::accounts::by_id(&mut *conn, id).await?,
            None => crate::directory::accounts::default_account(&mut conn).await?,
        }
        .ok_or_else(|| ApiError::account_not_found(account_id))?
    };
    // One transaction for the whole call: a taken email anywhere leaves nothing behind.
    write_tx!(state.store, |tx| {
        let mut made = 0i64;
        while made < count {
            let n = (count - made).min(SEED_BATCH as i64);
            let mut batch: Vec<UserRow> = (made..made + n)
                .map(|i| {
                    let mut row = new_row(
                        &account.id,
                        &format!("{prefix}{i}@{domain}"),
                        user_type,
                        Role::Member,
                        UserStatus::Active,
                        CreateAction::CustCreate,
                        now,
                    );
                    row.profile.first_name = "Seed".into();
                    row.profile.last_name = i.to_string();
                    row.profile.display_name = format!("Seed {i}");
                    row
                })
                .collect();
            let mut attempts = 0;
            loop {
                tx.savepoint().await?;
                match user_store::insert_many(tx, &batch).await {
                    Ok(()) => {
                        tx.release_savepoint().await?;
                        break;
                    }
                    Err(e) => {
                        tx.rollback_to_savepoint().await?;
                        if e.is_unique_on("email") {
                            return Err(ApiError::email_taken(&format!("{prefix}…@{domain}")));
                        }
                        // A random PMI met a taken one: draw the batch's PMIs again.
                        if !(e.is_unique_on("pmi") && attempts < 8) {
                            return Err(e.into());
                        }
                        attempts += 1;
                        batch.iter_mut().for_each(|u| u.pmi = ids::digits(10));
                    }
                }
            }
            made += n;
        }
        Ok(serde_json::json!({"account_id": account.id, "created": made, "email_prefix": prefix, "domain": domain}))
    })
}
