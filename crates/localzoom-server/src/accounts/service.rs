//! Account rules: first-start bootstrap of the default account and control-plane account creation.

use super::input::AccountSwitch;
use crate::directory::lookup::UserRef;
use serde::Serialize;

use crate::auth::store::{self as auth_store, AppRow};
use crate::directory::accounts::{self as account_store, AccountRow};
use crate::directory::model as users;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};
use crate::validate::is_email;

pub const PLANS: &[&str] = &["free", "pro", "business"];

/// What a new account hands its user: ids and the Server-to-Server app's credentials.
#[derive(Debug, Clone, Serialize)]
pub struct AccountCredentials {
    pub account_id: String,
    pub account_number: i64,
    pub plan: String,
    pub owner_id: String,
    pub owner_email: String,
    pub client_id: String,
    pub client_secret: String,
    /// The app's webhook secret token.
    pub secret_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_account_id: Option<String>,
}

pub struct NewAccount {
    pub id: Option<String>,
    pub plan: String,
    pub owner_email: String,
    pub master_account_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub secret_token: Option<String>,
    pub is_default: bool,
    /// Kept ids when an account is rebuilt (a reset); fresh ones otherwise.
    pub owner_id: Option<String>,
    pub account_number: Option<i64>,
}

pub async fn insert_account(tx: &mut WriteTx, now: i64, new: NewAccount) -> Result<AccountCredentials, StoreError> {
    let account_id = new.id.unwrap_or_else(ids::zoom_id);
    let mut owner = users::new_row(
        &account_id,
        &new.owner_email,
        2,
        crate::directory::vocab::Role::Owner,
        zoom_types::enums::UserStatus::Active,
        zoom_types::enums::CreateAction::AutoCreate,
        now,
    );
    if let Some(id) = new.owner_id {
        owner.id = id;
    }
    owner.profile.first_name = "Account".into();
    owner.profile.last_name = "Owner".into();
    owner.profile.display_name = "Account Owner".into();
    users::insert_with_fresh_pmi(tx, owner.clone()).await?;
    let account = AccountRow {
        id: account_id.clone(),
        account_number: new.account_number.unwrap_or_else(|| ids::digits(8)),
        plan: new.plan,
        master_account_id: new.master_account_id,
        owner_id: owner.id.clone(),
        is_default: new.is_default,
        created_at: now,
    };
    account_store::insert(tx, &account).await?;
    let mut app = AppRow::server_to_server(
        &account_id,
        &owner.id,
        "localzoom Server-to-Server app",
        &crate::auth::admin_scopes(),
        now,
    );
    app.is_default = new.is_default;
    if let Some(id) = new.client_id {
        app.client_id = id;
    }
    if let Some(secret) = new.client_secret {
        app.client_secret = secret;
    }
    if let Some(token) = new.secret_token {
        app.secret_token = token;
    }
    auth_store::insert_app(tx, &app).await?;
    Ok(AccountCredentials {
        account_id,
        account_number: account.account_number,
        plan: account.plan,
        owner_id: owner.id,
        owner_email: owner.email,
        client_id: app.client_id,
        client_secret: app.client_secret,
        secret_token: app.secret_token,
        master_account_id: account.master_account_id,
    })
}

/// Creates the default account on first start; afterwards applies ids fixed by the environment
/// (they win over stored ones) and refreshes the default app's scopes.
pub async fn bootstrap(state: &AppState) -> Result<AccountCredentials, StoreError> {
    let config = &state.config;
    let now = state.clock.now();
    write_tx!(state.store, StoreError, |tx| {
        let existing = account_store::default_account(tx.conn()).await?;
        let creds = match existing {
            None => {
                let new = NewAccount {
                    id: config.account_id.clone(),
                    plan: "business".into(),
                    owner_email: config.owner_email.clone(),
                    master_account_id: None,
                    client_id: config.client_id.clone(),
                    client_secret: config.client_secret.clone(),
                    secret_token: config.secret_token.clone(),
                    is_default: true,
                    owner_id: None,
                    account_number: None,
                };
                insert_account(tx, now, new).await?
            }
            Some(mut account) => {
                if let Some(wanted) = config.account_id.as_ref().filter(|w| **w != account.id) {
                    account_store::rename(tx, &account.id, wanted).await?;
                    account.id = wanted.clone();
                }
                let app = auth_store::default_app(tx.conn())
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("the default account has no default app".into()))?;
                let client_id = config.client_id.clone().unwrap_or_else(|| app.client_id.clone());
                let secret = config
                    .client_secret
                    .clone()
                    .unwrap_or_else(|| app.client_secret.clone());
                let scopes = crate::auth::admin_scopes().join(" ");
                auth_store::update_default_app(tx, &app.client_id, &client_id, &secret, &scopes).await?;
                // Apps from before webhooks get a secret token; the environment's wins for the default app.
                let secret_token = config.secret_token.clone().unwrap_or_else(|| {
                    if app.secret_token.is_empty() {
                        ids::zoom_id()
                    } else {
                        app.secret_token.clone()
                    }
                });
                sqlx::query("UPDATE apps SET secret_token = $1 WHERE client_id = $2")
                    .bind(&secret_token)
                    .bind(&client_id)
                    .execute(tx.conn())
                    .await?;
                let missing: Vec<String> = sqlx::query("SELECT client_id FROM apps WHERE secret_token = ''")
                    .fetch_all(tx.conn())
                    .await?
                    .iter()
                    .map(|r| sqlx::Row::try_get(r, 0))
                    .collect::<Result<_, _>>()?;
                for id in missing {
                    sqlx::query("UPDATE apps SET secret_token = $1 WHERE client_id = $2")
                        .bind(ids::zoom_id())
                        .bind(&id)
                        .execute(tx.conn())
                        .await?;
                }
                let owner = crate::directory::users::find(
                    tx.conn(),
                    &state.store,
                    Some(&account.id),
                    crate::directory::users::Lookup::Id(&account.owner_id),
                    false,
                )
                .await?;
                AccountCredentials {
                    account_id: account.id,
                    account_number: account.account_number,
                    plan: account.plan,
                    owner_id: account.owner_id,
                    owner_email: owner.map(|o| o.email).unwrap_or_default(),
                    client_id,
                    client_secret: secret,
                    secret_token,
                    master_account_id: account.master_account_id,
                }
            }
        };
        Ok(creds)
    })
}

/// Control plane: one account.
pub async fn get_account(state: &AppState, account_id: &str) -> ApiResult<AccountRow> {
    account_store::by_id(state.store.pool(), account_id)
        .await?
        .ok_or_else(|| ApiError::account_not_found(Some(account_id)))
}

/// Control plane: changes an account's plan (and so its rate limits).
pub async fn set_plan(state: &AppState, account_id: &str, plan: &str) -> ApiResult<AccountRow> {
    if !PLANS.contains(&plan) {
        return Err(ApiError::invalid_field("plan"));
    }
    write_tx!(state.store, |tx| {
        if !account_store::set_plan(tx, account_id, plan).await? {
            return Err(ApiError::account_not_found(Some(account_id)));
        }
        let account = account_store::by_id(tx.conn(), account_id)
            .await?
            .ok_or_else(|| ApiError::account_not_found(Some(account_id)))?;
        Ok(account)
    })
}

/// Control plane: a new account with its owner and a Server-to-Server app holding every admin scope.
pub async fn create_account(
    state: &AppState,
    id: Option<String>,
    plan: Option<String>,
    owner_email: Option<String>,
    master_account_id: Option<String>,
) -> ApiResult<AccountCredentials> {
    let plan = plan.unwrap_or_else(|| "business".into());
    if !PLANS.contains(&plan.as_str()) {
        return Err(ApiError::invalid_field("plan"));
    }
    let account_hint = ids::alnum(8).to_lowercase();
    let owner_email = owner_email.unwrap_or_else(|| format!("owner+{account_hint}@localzoom.local"));
    if !is_email(&owner_email) {
        return Err(ApiError::invalid_field("owner_email"));
    }
    write_tx!(state.store, |tx| {
        if let Some(master) = &master_account_id {
            if account_store::by_id(tx.conn(), master).await?.is_none() {
                return Err(ApiError::account_not_found(Some(master)));
            }
        }
        if let Some(id) = &id {
            if account_store::by_id(tx.conn(), id).await?.is_some() {
                return Err(ApiError::already_exists(format!("Account already exists: {id}.")));
            }
        }
        let new = NewAccount {
            id: id.clone(),
            plan: plan.clone(),
            owner_email: owner_email.clone(),
            master_account_id: master_account_id.clone(),
            client_id: None,
            client_secret: None,
            secret_token: None,
            is_default: false,
            owner_id: None,
            account_number: None,
        };
        let creds = match insert_account(tx, state.clock.now(), new).await {
            Err(e) if e.is_unique_on("email") => return Err(ApiError::email_taken(&owner_email)),
            other => other?,
        };
        Ok(creds)
    })
}

/// `PUT /accounts/{accountId}/users/{userId}/account`: moves a user from the master account (`me`)
/// or one of its sub accounts to another sub account of the same master. Owners and admins stay.
pub async fn switch_user_account(
    state: &AppState,
    grant: &crate::auth::Granted<crate::auth::ops::SwitchUserAccount>,
    from_account: &str,
    user_id: &UserRef,
    change: AccountSwitch,
) -> ApiResult<()> {
    let target = change.account_id;
    let master = grant.account_id();
    let from = if from_account == "me" { master } else { from_account };
    write_tx!(state.store, |tx| {
        // Only the master and its own sub accounts are the caller's to manage; others are as missing.
        let belongs = |a: &AccountRow| a.id == master || a.master_account_id.as_deref() == Some(master);
        let source = account_store::by_id(tx.conn(), from)
            .await?
            .filter(belongs)
            .ok_or_else(|| ApiError::account_not_found(Some(from_account)))?;
        let destination = account_store::by_id(tx.conn(), &target)
            .await?
            .filter(belongs)
            .ok_or_else(|| ApiError::account_not_found(Some(&target)))?;
        if destination.id == master {
            return Err(ApiError::bad_request(300, "Users can only be moved to a sub account."));
        }
        let mut user =
            crate::directory::lookup::resolve(tx.conn(), &state.store, &source.id, None, user_id, true).await?;
        if user.role.is_admin() {
            return Err(ApiError::bad_request(
                200,
                "Owners and admins cannot be moved to another account.",
            ));
        }
        if user.account_id == destination.id {
            return Ok(());
        }
        // Scheduling privileges do not cross accounts. Everything else the user owns goes along:
        // meetings (with their registrants), settings, pictures and backgrounds, presence.
        crate::assistants::store::remove_all_of(tx, &user.id).await?;
        crate::meetings::store::move_host_account(tx, &user.id, &destination.id).await?;
        user.account_id = destination.id;
        user.updated_at = state.clock.now();
        crate::directory::users::update(tx, &user).await?;
        Ok(())
    })
}
