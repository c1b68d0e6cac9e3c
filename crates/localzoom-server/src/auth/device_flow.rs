//! The device flow (RFC 8628): `POST /oauth/devicecode` starts it, a person answers on the device
//! page (`pages.rs`), and the device polls `/oauth/token` until the answer, then gets its tokens once.

use super::service::{Issued, OAuthFailure};
use super::store::{AppRow, KIND_OAUTH};
use super::user_flow::{in_tx, invalid_grant, is_admin_app, missing, new_grant, Consent, PageError, USERS_OFFERED};
use super::user_store::{self as store, DeviceRow};
use crate::directory::users::{self as users, Lookup};
use crate::ids;
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};
use zoom_types::enums::UserStatus;

/// Device codes live 15 minutes; clients poll every 5 seconds at most.
pub const DEVICE_TTL_SECONDS: i64 = 900;
pub const DEVICE_INTERVAL_SECONDS: i64 = 5;

/// What `POST /oauth/devicecode` answers.
pub struct DeviceStart {
    pub device_code: String,
    pub user_code: String,
}

/// Starts a device authorization for an OAuth app.
pub async fn start_device(state: &AppState, app: &AppRow) -> Result<DeviceStart, OAuthFailure> {
    if app.kind != KIND_OAUTH {
        return Err(OAuthFailure::new(
            "Grant type is not supported for this app.",
            "unsupported_grant_type",
        ));
    }
    let now = state.clock.now();
    in_tx!(state, start_device_in(app, now))
}

async fn start_device_in(tx: &mut WriteTx, app: &AppRow, now: i64) -> Result<DeviceStart, StoreError> {
    store::purge(tx, now).await?;
    let start = DeviceStart {
        device_code: ids::secret(32),
        user_code: ids::user_code(),
    };
    let row = DeviceRow {
        client_id: app.client_id.clone(),
        expires_at: now + DEVICE_TTL_SECONDS,
        interval_s: DEVICE_INTERVAL_SECONDS,
        last_poll_ms: None,
        decision: "pending".into(),
        user_id: None,
        account_id: None,
    };
    store::insert_device(tx, &start.device_code, &normal_user_code(&start.user_code), &row).await?;
    Ok(start)
}

/// A typed user code as stored: letters upper-cased, dashes and spaces dropped.
pub fn normal_user_code(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The device-code grant: RFC 8628's polling answers, then the tokens once.
pub async fn poll_device(state: &AppState, app: &AppRow, device_code: Option<&str>) -> Result<Issued, OAuthFailure> {
    let code = device_code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| missing("device_code"))?;
    let now_ms = state.clock.now_ms();
    in_tx!(state, poll_in(state, app, code, now_ms))?
}

async fn poll_in(
    tx: &mut WriteTx,
    state: &AppState,
    app: &AppRow,
    code: &str,
    now_ms: i64,
) -> Result<Result<Issued, OAuthFailure>, StoreError> {
    let now = now_ms.div_euclid(1000);
    let found = store::device(tx.conn(), code, false, state.store.for_update()).await?;
    let Some((key, mut row)) = found.filter(|(_, r)| r.client_id == app.client_id) else {
        return Ok(Err(invalid_grant("Invalid device code")));
    };
    if now >= row.expires_at {
        return Ok(Err(OAuthFailure::new("The device code has expired.", "expired_token")));
    }
    match row.decision.as_str() {
        "denied" => return Ok(Err(OAuthFailure::new("The user denied the request.", "access_denied"))),
        "used" => return Ok(Err(invalid_grant("Invalid device code"))),
        "allowed" => {}
        _ => {
            // RFC 8628: polling sooner than the interval asks to slow down, 5 s more each time.
            let too_soon = row
                .last_poll_ms
                .is_some_and(|last| now_ms - last < row.interval_s * 1000);
            row.last_poll_ms = Some(now_ms);
            let answer = if too_soon {
                row.interval_s += 5;
                OAuthFailure::new("Polling too fast; slow down.", "slow_down")
            } else {
                OAuthFailure::new("The user has not yet answered.", "authorization_pending")
            };
            store::update_device(tx, &key, &row).await?;
            return Ok(Err(answer));
        }
    }
    let (Some(user_id), Some(account_id)) = (row.user_id.clone(), row.account_id.clone()) else {
        return Ok(Err(invalid_grant("Invalid device code")));
    };
    // The user who allowed it was deactivated or deleted since: no tokens.
    if !store::user_is_active(tx.conn(), &user_id, &account_id).await? {
        return Ok(Err(OAuthFailure::new("The user denied the request.", "access_denied")));
    }
    row.decision = "used".into();
    row.last_poll_ms = Some(now_ms);
    store::update_device(tx, &key, &row).await?;
    new_grant(tx, app, &user_id, &account_id, now).await.map(Ok)
}

/// The device page's view of a typed user code: the app and the users it may sign in as.
pub async fn device_consent(state: &AppState, user_code: &str) -> Result<Result<Consent, PageError>, StoreError> {
    let mut conn = state.store.acquire().await?;
    let normal = normal_user_code(user_code);
    let found = store::device(&mut conn, &normal, true, "").await?;
    let now = state.clock.now();
    let Some((_, row)) = found.filter(|(_, r)| r.decision == "pending" && r.expires_at > now) else {
        return Ok(Err(PageError::new(
            400,
            4700,
            "That code is not valid, or has expired.",
        )));
    };
    let Some(app) = super::store::app_in_tx(&mut conn, &row.client_id).await? else {
        return Ok(Err(PageError::invalid_client()));
    };
    let offered = store::active_users(&mut conn, &app.account_id, USERS_OFFERED).await?;
    Ok(Ok(Consent {
        request: normal,
        app_name: app.name.clone(),
        scopes: app.scopes.split_whitespace().map(str::to_string).collect(),
        users: offered,
        selected: None,
        admin: is_admin_app(&app),
    }))
}

/// The device page's answer: Allow as `user_id`, or Decline. `Ok(())` shows "you may close this page".
pub async fn device_decide(
    state: &AppState,
    user_code: &str,
    user_id: Option<&str>,
    allow: bool,
) -> Result<Result<(), PageError>, StoreError> {
    let now = state.clock.now();
    write_tx!(state.store, StoreError, |tx| {
        let lock = state.store.for_update();
        let normal = normal_user_code(user_code);
        let found = store::device(tx.conn(), &normal, true, lock).await?;
        let Some((key, mut row)) = found.filter(|(_, r)| r.decision == "pending" && r.expires_at > now) else {
            return Ok(Err(PageError::new(
                400,
                4700,
                "That code is not valid, or has expired.",
            )));
        };
        if !allow {
            row.decision = "denied".into();
            store::update_device(tx, &key, &row).await?;
            return Ok(Ok(()));
        }
        let Some(app) = super::store::app_in_tx(tx.conn(), &row.client_id).await? else {
            return Ok(Err(PageError::invalid_client()));
        };
        let user = match user_id.filter(|u| !u.is_empty()) {
            Some(id) => users::find(tx.conn(), &state.store, Some(&app.account_id), Lookup::of(id), false).await?,
            None => None,
        };
        let Some(user) = user.filter(|u| u.status == UserStatus::Active) else {
            return Ok(Err(PageError::new(
                400,
                1001,
                "Choose an active user of the account to sign in as.",
            )));
        };
        if is_admin_app(&app) && !user.role.is_admin() {
            return Ok(Err(PageError::not_admin()));
        }
        row.decision = "allowed".into();
        row.user_id = Some(user.id);
        row.account_id = Some(user.account_id);
        store::update_device(tx, &key, &row).await?;
        Ok(Ok(()))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn typed_user_codes_are_normalised() {
        assert_eq!(super::normal_user_code(" bcdf-ghjk "), "BCDFGHJK");
    }
}
