//! Reset (the whole store, or one account), deleting accounts and apps, and a user's inside view.
//! Each change is one transaction: a reset that fails leaves the store as it was.

use std::collections::HashSet;

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::Row;

use crate::accounts::service::{insert_account, NewAccount};
use crate::auth::store as auth_store;
use crate::directory::accounts as account_store;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};

/// Every table, children before parents, so deletes never trip a foreign key.
const ALL_TABLES: &[&str] = &[
    "access_tokens",
    "oauth_grants",
    "oauth_codes",
    "device_codes",
    "page_tokens",
    "presence",
    "quota_events",
    "quota_keys",
    "rate_counters",
    "lock_keys",
    "assistants",
    "user_passwords",
    "registrants",
    "meetings",
    "user_settings",
    "user_files",
    "users",
    "user_counts",
    "apps",
    "accounts",
    "fault_rules",
    "deliveries",
    "events",
    "event_subscriptions",
];

async fn exec(tx: &mut WriteTx, sql: &str, binds: &[&str]) -> Result<u64, StoreError> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    Ok(q.execute(tx.conn()).await?.rows_affected())
}

/// Empties every table but the run-time settings (reset and import refill them).
pub async fn clear_everything(tx: &mut WriteTx) -> Result<(), StoreError> {
    for table in ALL_TABLES {
        exec(tx, &format!("DELETE FROM {table}"), &[]).await?;
    }
    Ok(())
}

/// `POST /_localzoom/reset`: the store as after a first start, with the default account, its owner
/// and its app under the same ids and credentials; the clock real and running; switches at their
/// flags; journal and fault rules cleared.
pub async fn reset_all(state: &AppState) -> ApiResult<()> {
    let settings = write_tx!(state.store, |tx| {
        let account = account_store::default_account(tx.conn())
            .await?
            .ok_or_else(|| ApiError::account_not_found(None))?;
        let app = auth_store::default_app(tx.conn())
            .await?
            .ok_or_else(|| ApiError::internal("the default account has no default app"))?;
        let owner_email = sqlx::query("SELECT email FROM users WHERE id = $1")
            .bind(&account.owner_id)
            .fetch_optional(tx.conn())
            .await
            .map_err(StoreError::from)?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()
            .map_err(StoreError::from)?
            .unwrap_or_else(|| state.config.owner_email.clone());
        clear_everything(tx).await?;
        let now = crate::clock::real_now_ms().div_euclid(1000);
        insert_account(
            tx,
            now,
            NewAccount {
                id: Some(account.id.clone()),
                plan: "business".into(),
                owner_email: state.config.owner_email.clone(),
                master_account_id: None,
                client_id: Some(app.client_id.clone()),
                client_secret: Some(app.client_secret.clone()),
                secret_token: Some(app.secret_token.clone()),
                is_default: true,
                owner_id: Some(account.owner_id.clone()),
                account_number: Some(account.account_number),
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Unique(_) => ApiError::internal(format!("reset could not restore {owner_email}")),
            other => other.into(),
        })?;
        let switches = crate::runtime::Switches {
            enabled: state.config.rate_limits.enabled(),
            scale: state.config.rate_limit_scale,
        };
        let mut settings = crate::runtime::store::load(tx.conn(), &state.store, true)
            .await?
            .unwrap_or_default();
        settings.clock = crate::clock::ClockState::default();
        settings.limits = switches;
        settings.faults_version += 1;
        crate::runtime::store::save(tx, &settings).await?;
        Ok(settings)
    })?;
    crate::runtime::adopt(state, &settings);
    state.faults.invalidate();
    state.journal.clear();
    state.local_counters.clear();
    Ok(())
}

/// What an account holds that a reset or delete removes: its users', meetings' and registrants' ids.
struct Holdings {
    users: Vec<String>,
    meetings: Vec<i64>,
    registrants: Vec<String>,
}

async fn holdings(tx: &mut WriteTx, account_id: &str) -> Result<Holdings, StoreError> {
    let users = sqlx::query("SELECT id FROM users WHERE account_id = $1")
        .bind(account_id)
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    let meetings = sqlx::query("SELECT id FROM meetings WHERE account_id = $1")
        .bind(account_id)
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    let registrants =
        sqlx::query("SELECT r.id FROM registrants r JOIN meetings m ON m.id = r.meeting_id WHERE m.account_id = $1")
            .bind(account_id)
            .fetch_all(tx.conn())
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<Vec<_>, _>>()?;
    Ok(Holdings {
        users,
        meetings,
        registrants,
    })
}

/// Removes the per-resource quotas, rate counters and lock keys that name the account or anything in it.
async fn drop_counters(tx: &mut WriteTx, account_id: &str, h: &Holdings) -> Result<(), StoreError> {
    let mut owned: HashSet<String> = h.users.iter().cloned().collect();
    owned.extend(h.registrants.iter().cloned());
    owned.insert(account_id.to_string());
    let meetings: HashSet<String> = h.meetings.iter().map(|m| m.to_string()).collect();
    let belongs = |key: &str| {
        let mut parts = key.split(':');
        let _kind = parts.next();
        match parts.next() {
            Some(first) => owned.contains(first) || meetings.contains(first),
            None => false,
        }
    };
    for table in ["quota_events", "quota_keys", "rate_counters", "lock_keys"] {
        let keys: Vec<String> = sqlx::query(&format!("SELECT DISTINCT key FROM {table}"))
            .fetch_all(tx.conn())
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<Vec<_>, _>>()?;
        for key in keys.iter().filter(|k| belongs(k)) {
            exec(tx, &format!("DELETE FROM {table} WHERE key = $1"), &[key]).await?;
        }
    }
    Ok(())
}

/// Starts clearing an account in the caller's unit of work: the account (or 2001), with its quotas,
/// counters and lock keys already gone.
async fn begin_clearing(tx: &mut WriteTx, account_id: &str) -> ApiResult<crate::directory::accounts::AccountRow> {
    let account = account_store::by_id(tx.conn(), account_id)
        .await?
        .ok_or_else(|| ApiError::account_not_found(Some(account_id)))?;
    let h = holdings(tx, account_id).await?;
    drop_counters(tx, account_id, &h).await?;
    Ok(account)
}

/// `POST /_localzoom/reset?account_id=ID`: only that account's users (its owner restored to its
/// initial state), meetings, registrants, tokens, quotas, files and settings go; the account, its
/// plan and its apps stay.
pub async fn reset_account(state: &AppState, account_id: &str) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let account = begin_clearing(tx, account_id).await?;
        exec(tx, "DELETE FROM meetings WHERE account_id = $1", &[account_id]).await?;
        exec(tx, "DELETE FROM access_tokens WHERE account_id = $1", &[account_id]).await?;
        exec(tx, "DELETE FROM oauth_grants WHERE account_id = $1", &[account_id]).await?;
        exec(tx, "DELETE FROM page_tokens WHERE account_id = $1", &[account_id]).await?;
        exec(
            tx,
            "DELETE FROM users WHERE account_id = $1 AND id <> $2",
            &[account_id, &account.owner_id],
        )
        .await?;
        let owner = account.owner_id.as_str();
        for sql in [
            "DELETE FROM assistants WHERE user_id = $1 OR assistant_id = $1",
            "DELETE FROM presence WHERE user_id = $1",
            "DELETE FROM user_passwords WHERE user_id = $1",
            "DELETE FROM user_settings WHERE user_id = $1",
            "DELETE FROM user_files WHERE user_id = $1",
        ] {
            exec(tx, sql, &[owner]).await?;
        }
        if let Some(current) = crate::directory::users::find(
            tx.conn(),
            &state.store,
            Some(account_id),
            crate::directory::users::Lookup::Id(owner),
            true,
        )
        .await?
        {
            let mut fresh = crate::directory::model::new_row(
                account_id,
                &current.email,
                2,
                crate::directory::vocab::Role::Owner,
                zoom_types::enums::UserStatus::Active,
                zoom_types::enums::CreateAction::AutoCreate,
                current.created_at,
            );
            fresh.seq = current.seq;
            fresh.id = current.id.clone();
            fresh.pmi = current.pmi;
            fresh.profile.first_name = "Account".into();
            fresh.profile.last_name = "Owner".into();
            fresh.profile.display_name = "Account Owner".into();
            fresh.updated_at = state.clock.now();
            crate::directory::users::update(tx, &fresh).await?;
        }
        Ok(())
    })
}

/// `DELETE /_localzoom/accounts/{id}`: a non-default account and everything in it.
pub async fn delete_account(state: &AppState, account_id: &str) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let account = begin_clearing(tx, account_id).await?;
        if account.is_default {
            return Err(ApiError::bad_request(
                300,
                "The default account cannot be deleted; reset it instead.",
            ));
        }
        for sql in [
            "DELETE FROM meetings WHERE account_id = $1",
            "DELETE FROM access_tokens WHERE account_id = $1",
            "DELETE FROM page_tokens WHERE account_id = $1",
            "DELETE FROM users WHERE account_id = $1",
            "DELETE FROM user_counts WHERE account_id = $1",
            "DELETE FROM oauth_grants WHERE account_id = $1",
            "DELETE FROM oauth_codes WHERE client_id IN (SELECT client_id FROM apps WHERE account_id = $1)",
            "DELETE FROM device_codes WHERE client_id IN (SELECT client_id FROM apps WHERE account_id = $1)",
            "DELETE FROM apps WHERE account_id = $1",
            "UPDATE accounts SET master_account_id = NULL WHERE master_account_id = $1",
            "DELETE FROM accounts WHERE id = $1",
        ] {
            exec(tx, sql, &[account_id]).await?;
        }
        Ok(())
    })
}

/// `DELETE /_localzoom/apps/{clientId}`: the app and its tokens (which then answer 401/124).
pub async fn delete_app(state: &AppState, client_id: &str) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let app = auth_store::app_in_tx(tx.conn(), client_id)
            .await?
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, 300, format!("App does not exist: {client_id}.")))?;
        if app.is_default {
            return Err(ApiError::bad_request(300, "The default app cannot be deleted."));
        }
        for table in ["access_tokens", "oauth_grants", "oauth_codes", "device_codes", "apps"] {
            exec(tx, &format!("DELETE FROM {table} WHERE client_id = $1"), &[client_id]).await?;
        }
        Ok(())
    })
}

/// What `GET /_localzoom/users/{userId}` shows beyond the API: the simulated client, quotas used
/// in the last day, lock keys held.
#[derive(Debug, Serialize)]
pub struct UserInside {
    pub id: String,
    pub email: String,
    pub account_id: String,
    pub status: String,
    pub client: Value,
    pub quotas: Map<String, Value>,
    pub lock_keys: Vec<Value>,
}

pub async fn inspect_user(state: &AppState, user_id: &crate::directory::lookup::UserRef) -> ApiResult<UserInside> {
    let mut conn = state.store.acquire().await?;
    let user = crate::directory::lookup::resolve_any_account(&mut conn, &state.store, user_id).await?;
    let now = state.clock.now();
    let presence = crate::presence::service::current(&mut conn, &user.id, now).await?;
    let client = serde_json::json!({
        "signed_in": presence.signed_in,
        "status": if presence.signed_in { presence.status } else { zoom_types::enums::PresenceStatus::Offline }.as_str(),
    });
    let since = now - crate::ratelimit::DAY;
    let rows = sqlx::query("SELECT key, COUNT(*) FROM quota_events WHERE at >= $1 GROUP BY key")
        .bind(since)
        .fetch_all(&mut *conn)
        .await
        .map_err(StoreError::from)?;
    let mut quotas = Map::new();
    for r in rows {
        let key: String = r.try_get(0).map_err(StoreError::from)?;
        let used: i64 = r.try_get(1).map_err(StoreError::from)?;
        if key.split(':').nth(1) == Some(user.id.as_str()) {
            let kind = key.split(':').next().unwrap_or("").to_string();
            quotas.insert(kind, Value::from(used));
        }
    }
    let email_key = crate::directory::users::email_key(&user.email);
    // Lock keys expire by wall time, not the test clock.
    let locks = sqlx::query("SELECT key, expires_at FROM lock_keys WHERE expires_at > $1")
        .bind(crate::clock::real_now_ms().div_euclid(1000))
        .fetch_all(&mut *conn)
        .await
        .map_err(StoreError::from)?;
    let mut lock_keys = Vec::new();
    for r in locks {
        let key: String = r.try_get(0).map_err(StoreError::from)?;
        let expires: i64 = r.try_get(1).map_err(StoreError::from)?;
        let subject = key.split_once(':').map(|(_, s)| s).unwrap_or("");
        if subject == user.id || subject == email_key {
            lock_keys.push(serde_json::json!({"key": key, "expires_at": crate::clock::rfc3339(expires)}));
        }
    }
    Ok(UserInside {
        id: user.id,
        email: user.email,
        account_id: user.account_id,
        status: user.status.as_str().to_string(),
        client,
        quotas,
        lock_keys,
    })
}
