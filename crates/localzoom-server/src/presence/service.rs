//! Presence rules: PUT and GET vocabularies mapped onto one stored state, Do-Not-Disturb that ends
//! by itself, signed-out users, and one successful update per user per minute.

use crate::directory::lookup::UserRef;
use serde::Serialize;
use zoom_types::enums::PresenceStatus;
use zoom_types::users::Presence;

pub use super::input::DND_DEFAULT_MINUTES;
use super::input::{ClientChange, PresenceChange};
use super::store::{self as presence_store, PresenceRow};
use crate::auth::{ops, Granted};
use crate::clock::rfc3339;
use crate::directory::lookup::resolve;
use crate::error::{ApiError, ApiResult};
use crate::events::EventKind;
use crate::ratelimit::quota::{self, Quota, Window};
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};

const PRESENCE_QUOTA: Quota = Quota {
    limit: 1,
    window: Window::Sliding(60),
};

/// The state as seen at `now`: DND that has run out has given way to what came before it.
fn effective(mut p: PresenceRow, now: i64) -> PresenceRow {
    if p.status == PresenceStatus::DoNotDisturb && p.dnd_until.is_some_and(|until| until <= now) {
        p.status = p.prior_status.take().unwrap_or(PresenceStatus::Available);
        p.dnd_until = None;
    }
    p
}

pub async fn current(conn: &mut sqlx::AnyConnection, user_id: &str, now: i64) -> Result<PresenceRow, StoreError> {
    let row = presence_store::get(conn, user_id)
        .await?
        .unwrap_or_else(|| PresenceRow::default_for(user_id, now));
    Ok(effective(row, now))
}

pub async fn get(
    state: &AppState,
    grant: &Granted<ops::GetUserPresenceStatus>,
    user_id: &UserRef,
) -> ApiResult<Presence> {
    let now = state.clock.now();
    let mut conn = state.store.acquire().await?;
    let user = resolve(&mut conn, &state.store, grant.account_id(), grant.me(), user_id, false).await?;
    let p = current(&mut conn, &user.id, now).await?;
    if !p.signed_in {
        return Ok(Presence {
            status: PresenceStatus::Offline,
            end_time: None,
            remaining_time: None,
        });
    }
    let own = grant.me() == Some(user.id.as_str());
    match p.dnd_until.filter(|_| own && p.status == PresenceStatus::DoNotDisturb) {
        Some(until) => Ok(Presence {
            status: p.status,
            end_time: Some(rfc3339(until)),
            // Whole minutes left, rounded up, as Zoom's clients show it.
            remaining_time: Some((until - now + 59) / 60),
        }),
        None => Ok(Presence {
            status: p.status,
            end_time: None,
            remaining_time: None,
        }),
    }
}

pub async fn update(
    state: &AppState,
    grant: &Granted<ops::UpdatePresenceStatus>,
    user_id: &UserRef,
    change: PresenceChange,
) -> ApiResult<()> {
    let new_status = change.status;
    let minutes = change.dnd_minutes;
    let now = state.clock.now();
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        let mut p = current(tx.conn(), &user.id, now).await?;
        if !p.signed_in {
            return Err(ApiError::presence_update_failed());
        }
        let key = format!("presence:{}", user.id);
        if quota::take(state, tx, &key, PRESENCE_QUOTA).await?.is_err() {
            return Err(ApiError::presence_too_many());
        }
        if new_status == PresenceStatus::DoNotDisturb {
            if p.status != PresenceStatus::DoNotDisturb {
                p.prior_status = Some(p.status);
            }
            p.dnd_until = Some(now + minutes * 60);
        } else {
            p.prior_status = None;
            p.dnd_until = None;
        }
        p.status = new_status;
        p.updated_at = now;
        presence_store::put(tx, &p).await?;
        let object = serde_json::json!({
            "date_time": crate::clock::rfc3339(now),
            "email": user.email,
            "id": user.id,
            "presence_status": p.status.as_str(),
        });
        crate::webhooks::emit(
            tx,
            state,
            &user.account_id,
            EventKind::UserPresenceStatusUpdated,
            None,
            crate::webhooks::object(object),
        )
        .await?;
        Ok(())
    })
}

/// Signs a user's client in or out (control plane, deactivation and activation); signing in starts
/// `Available`. A change emits `user.signed_in` or `user.signed_out`.
pub async fn set_signed_in(
    tx: &mut WriteTx,
    state: &AppState,
    user: &crate::directory::users::UserRow,
    signed_in: bool,
) -> Result<(), StoreError> {
    let now = state.clock.now();
    let p = current(tx.conn(), &user.id, now).await?;
    if p.signed_in == signed_in {
        return Ok(());
    }
    let p = PresenceRow {
        signed_in,
        ..PresenceRow::default_for(&user.id, now)
    };
    presence_store::put(tx, &p).await?;
    let object = serde_json::json!({
        "id": user.id,
        "client_type": "mac",
        "date_time": crate::clock::rfc3339(now),
        "email": user.email,
        "version": "6.0.0",
        "login_type": 100,
    });
    let event = if signed_in {
        EventKind::UserSignedIn
    } else {
        EventKind::UserSignedOut
    };
    crate::webhooks::emit(
        tx,
        state,
        &user.account_id,
        event,
        None,
        crate::webhooks::object(object),
    )
    .await
}

/// Control plane: `PUT /_localzoom/users/{userId}/client` for a user of any account.
pub async fn set_client(state: &AppState, user_id: &UserRef, change: ClientChange) -> ApiResult<ClientView> {
    let signed_in = change.signed_in;
    let now = state.clock.now();
    write_tx!(state.store, |tx| {
        let user = crate::directory::lookup::resolve_any_account(tx.conn(), &state.store, user_id).await?;
        set_signed_in(tx, state, &user, signed_in).await?;
        let p = current(tx.conn(), &user.id, now).await?;
        Ok(ClientView {
            user_id: user.id,
            signed_in: p.signed_in,
            status: if p.signed_in { p.status } else { PresenceStatus::Offline }
                .as_str()
                .into(),
        })
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientView {
    pub user_id: String,
    pub signed_in: bool,
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnd_gives_way_to_the_prior_status_when_it_ends() {
        let p = PresenceRow {
            user_id: "u".into(),
            signed_in: true,
            status: PresenceStatus::DoNotDisturb,
            dnd_until: Some(100),
            prior_status: Some(PresenceStatus::Away),
            updated_at: 0,
        };
        assert_eq!(effective(p.clone(), 99).status, PresenceStatus::DoNotDisturb);
        assert_eq!(effective(p, 100).status, PresenceStatus::Away);
    }
}
