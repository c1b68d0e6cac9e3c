//! Assistant rules: both sides licensed and in one account, at most 30 assistants, adding one twice
//! is harmless, removing either side removes the pair.

use crate::directory::lookup::UserRef;
use zoom_types::enums::UserStatus;
use zoom_types::users::{Assistant, AssistantList, AssistantsAdded, Scheduler, SchedulerList};

use super::input::NewAssistants;
pub use super::input::MAX_ASSISTANTS;
use super::store::{self as assistant_store, Party};
use crate::auth::{ops, Granted, Operation};
use crate::clock::rfc3339;
use crate::directory::lookup::resolve;
use crate::directory::users::{self as user_store, Lookup, UserRow};
use crate::directory::vocab::LICENSED;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

async fn read_user<O: Operation>(
    state: &AppState,
    grant: &Granted<O>,
    user_id: &UserRef,
) -> ApiResult<(UserRow, sqlx::pool::PoolConnection<sqlx::Any>)> {
    let mut conn = state.store.acquire().await?;
    let user = resolve(&mut conn, &state.store, grant.account_id(), grant.me(), user_id, false).await?;
    Ok((user, conn))
}

pub async fn list(
    state: &AppState,
    grant: &Granted<ops::UserAssistants>,
    user_id: &UserRef,
) -> ApiResult<AssistantList> {
    let (user, mut conn) = read_user(state, grant, user_id).await?;
    let assistants = assistant_store::assistants_of(&mut conn, &user.id).await?;
    Ok(AssistantList {
        assistants: assistants
            .into_iter()
            .map(|Party { id, email, .. }| Assistant { id, email })
            .collect(),
    })
}

pub async fn schedulers(
    state: &AppState,
    grant: &Granted<ops::UserSchedulers>,
    user_id: &UserRef,
) -> ApiResult<SchedulerList> {
    let (user, mut conn) = read_user(state, grant, user_id).await?;
    let schedulers = assistant_store::schedulers_of(&mut conn, &user.id).await?;
    Ok(SchedulerList {
        schedulers: schedulers
            .into_iter()
            .map(|Party { id, email, pmi }| Scheduler { id, email, pmi })
            .collect(),
    })
}

pub async fn add(
    state: &AppState,
    grant: &Granted<ops::UserAssistantCreate>,
    user_id: &UserRef,
    input: NewAssistants,
) -> ApiResult<AssistantsAdded> {
    let names = input.names;
    let now = state.clock.now();
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        if user.user_type != LICENSED {
            return Err(ApiError::bad_request(
                200,
                format!("User must be a Pro or Corp user: {}.", user.id),
            ));
        }
        let mut ids: Vec<String> = Vec::new();
        for name in &names {
            // Looked up across accounts, so another account's user gets Zoom's own message.
            let found = user_store::find(tx.conn(), &state.store, None, Lookup::of(name), false).await?;
            let Some(assistant) = found else {
                return Err(ApiError::bad_request(200, format!("Can't find user {name}.")));
            };
            if assistant.account_id != user.account_id {
                return Err(ApiError::bad_request(
                    200,
                    format!("User {name} doesn't belong to current account."),
                ));
            }
            if assistant.id == user.id {
                return Err(ApiError::bad_request(
                    200,
                    "Can't assign scheduling privilege to yourself.",
                ));
            }
            if assistant.user_type != LICENSED || assistant.status != UserStatus::Active {
                return Err(ApiError::bad_request(
                    200,
                    format!("User {name} must be a Pro or Corp user."),
                ));
            }
            if !ids.contains(&assistant.id) {
                ids.push(assistant.id);
            }
        }
        for id in &ids {
            assistant_store::add(tx, &user.id, id, now).await?;
        }
        if assistant_store::assistants_of(tx.conn(), &user.id).await?.len() > MAX_ASSISTANTS {
            return Err(ApiError::bad_request(
                300,
                format!("A user can have at most {MAX_ASSISTANTS} assistants."),
            ));
        }
        Ok(AssistantsAdded {
            ids: ids.join(","),
            add_at: rfc3339(now),
        })
    })
}

/// Removes one pair (`other` given), or every pair on one side; `user_is_assistant` says which side
/// `user_id` stands on.
async fn remove<O: Operation>(
    state: &AppState,
    grant: &Granted<O>,
    user_id: &UserRef,
    other: Option<&str>,
    user_is_assistant: bool,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        let (owner, assistant) = if user_is_assistant {
            (other, Some(user.id.as_str()))
        } else {
            (Some(user.id.as_str()), other)
        };
        let removed = assistant_store::remove(tx, owner, assistant).await?;
        if let (Some(other), 0) = (other, removed) {
            return Err(ApiError::user_not_found(other));
        }
        Ok(())
    })
}

pub async fn delete_all(
    state: &AppState,
    grant: &Granted<ops::UserAssistantsDelete>,
    user_id: &UserRef,
) -> ApiResult<()> {
    remove(state, grant, user_id, None, false).await
}

pub async fn delete_one(
    state: &AppState,
    grant: &Granted<ops::UserAssistantDelete>,
    user_id: &UserRef,
    assistant_id: &str,
) -> ApiResult<()> {
    remove(state, grant, user_id, Some(assistant_id), false).await
}

pub async fn delete_schedulers(
    state: &AppState,
    grant: &Granted<ops::UserSchedulersDelete>,
    user_id: &UserRef,
) -> ApiResult<()> {
    remove(state, grant, user_id, None, true).await
}

pub async fn delete_scheduler(
    state: &AppState,
    grant: &Granted<ops::UserSchedulerDelete>,
    user_id: &UserRef,
    scheduler_id: &str,
) -> ApiResult<()> {
    remove(state, grant, user_id, Some(scheduler_id), true).await
}
