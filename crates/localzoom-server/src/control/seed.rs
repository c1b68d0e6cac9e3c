//! Seed documents (`POST /_localzoom/seed`, `localzoom serve --seed FILE`): accounts, apps, users
//! and meetings added to the current state through the same services the API uses, so a seeded
//! user or meeting obeys the API's rules. All or nothing: when one entry is refused, what the seed
//! had added is removed again and the answer names the entry by its JSON path. Seeding uses no
//! one's quotas.

use crate::directory::lookup::UserRef;
use crate::validate::Input;
use serde_json::{json, Map, Value};
use zoom_types::FieldError;

use crate::auth::{ops, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, QueryMap};
use crate::registrants::input::{NewRegistrant, RegistrantStatusChange};
use crate::state::AppState;
use zoom_types::enums::RegistrantAction;

fn body(v: Value) -> Body {
    Body::from_json(v)
}

/// Re-addresses an API error at `path`: each field error becomes `path.field`, or the whole entry.
fn at(path: &str, e: ApiError) -> ApiError {
    let errors = if e.errors.is_empty() {
        vec![FieldError {
            field: path.to_string(),
            message: e.message.clone(),
        }]
    } else {
        e.errors
            .iter()
            .map(|f| FieldError {
                field: format!("{path}.{}", f.field),
                message: f.message.clone(),
            })
            .collect()
    };
    ApiError::validation(errors)
}

fn bad(path: &str, message: &str) -> ApiError {
    ApiError::validation(vec![FieldError {
        field: path.to_string(),
        message: message.to_string(),
    }])
}

/// What the seed added, so a refusal can take it back.
#[derive(Default)]
struct Added {
    accounts: Vec<String>,
    users: Vec<(String, String)>,
    apps: Vec<String>,
    /// Meetings, also those of hosts the seed did not add (their registrants go with them).
    meetings: Vec<i64>,
}

/// A caller acting as the account's owner with every admin scope.
async fn owner_of(state: &AppState, account_id: &str) -> ApiResult<Caller> {
    let account = crate::accounts::service::get_account(state, account_id).await?;
    Ok(Caller {
        account_id: account.id,
        me: Some(account.owner_id),
        client_id: None,
        scopes: crate::auth::admin_scopes().iter().map(|s| s.to_string()).collect(),
        plan: account.plan,
        account_number: Some(account.account_number),
        user_grant: None,
    })
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn array<'a>(v: &'a Value, key: &str, path: &str) -> ApiResult<&'a [Value]> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(bad(&format!("{path}.{key}"), "Expected an array.")),
    }
}

/// Whether the store holds nothing but what a first start makes (one account, its owner, its
/// app, no meetings): `--seed` applies only then, so a refused seed, taken back, is tried again at
/// the next start, and a store in use is never seeded twice.
pub async fn store_is_new(state: &AppState) -> Result<bool, crate::store::StoreError> {
    let mut conn = state.store.acquire().await?;
    let mut counts = Vec::new();
    for table in ["accounts", "users", "apps", "meetings"] {
        let n: i64 = sqlx::Row::try_get(
            &sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *conn)
                .await?,
            0,
        )?;
        counts.push(n);
    }
    Ok(counts == [1, 1, 1, 0])
}

/// Reads a seed file: YAML when its name ends in `.yaml` or `.yml`, JSON otherwise.
pub fn read_file(path: &std::path::Path) -> Result<Value, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the seed file {}: {e}", path.display()))?;
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if yaml {
        yaml_serde::from_str(&text).map_err(|e| format!("the seed file {} is not valid YAML: {e}", path.display()))
    } else {
        serde_json::from_str(&text).map_err(|e| format!("the seed file {} is not valid JSON: {e}", path.display()))
    }
}

/// Applies a seed document; answers the ids it created, one entry per account of the document.
pub async fn apply(state: &AppState, doc: &Value) -> ApiResult<Value> {
    let mut added = Added::default();
    let result = crate::ratelimit::quota::UNMETERED
        .scope(true, apply_all(state, doc, &mut added))
        .await;
    if result.is_err() {
        undo(state, &added).await;
    }
    result
}

/// Takes back what a refused seed added, straight from the store (a pending user cannot be deleted
/// through the API, and the seed's own writes are all that go): users with everything hanging off
/// them (meetings, registrants, settings, presence, relations), then apps, then accounts.
async fn undo(state: &AppState, added: &Added) {
    let result: Result<(), crate::store::StoreError> = async {
        write_tx!(state.store, crate::store::StoreError, |tx| {
            for id in added.meetings.iter().rev() {
                sqlx::query("DELETE FROM meetings WHERE id = $1")
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
            }
            for (_, user) in added.users.iter().rev() {
                sqlx::query("DELETE FROM users WHERE id = $1")
                    .bind(user)
                    .execute(tx.conn())
                    .await?;
            }
            Ok(())
        })
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not take back a refused seed's users");
    }
    for app in &added.apps {
        let _ = super::reset::delete_app(state, app).await;
    }
    for account in added.accounts.iter().rev() {
        let _ = super::reset::delete_account(state, account).await;
    }
}

async fn apply_all(state: &AppState, doc: &Value, added: &mut Added) -> ApiResult<Value> {
    if !doc.is_object() {
        return Err(bad("$", "Expected an object."));
    }
    let accounts = array(doc, "accounts", "$")?;
    let mut out = Vec::new();
    for (i, a) in accounts.iter().enumerate() {
        out.push(apply_account(state, a, &format!("$.accounts[{i}]"), added).await?);
    }
    Ok(json!({ "accounts": out }))
}

async fn apply_account(state: &AppState, a: &Value, path: &str, added: &mut Added) -> ApiResult<Value> {
    if !a.is_object() {
        return Err(bad(path, "Expected an object."));
    }
    let is_default = match a.get("default") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad(&format!("{path}.default"), "Expected true or false.")),
    };
    if let Some(id) = a.get("id").filter(|v| !v.is_null()) {
        let valid = id.as_str().is_some_and(|s| {
            (1..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        if !valid {
            return Err(bad(
                &format!("{path}.id"),
                "Expected 1 to 64 letters, digits, '-' or '_'.",
            ));
        }
        if is_default {
            return Err(bad(
                &format!("{path}.id"),
                "The default account keeps its id; leave id out.",
            ));
        }
    }
    let account_id = if is_default {
        let mut conn = state.store.acquire().await?;
        crate::directory::accounts::default_account(&mut conn)
            .await?
            .ok_or_else(|| ApiError::account_not_found(None))?
            .id
    } else {
        let creds = crate::accounts::service::create_account(
            state,
            text(a, "id").map(str::to_string),
            text(a, "plan").map(str::to_string),
            text(a, "owner_email").map(str::to_string),
            text(a, "master_account_id").map(str::to_string),
        )
        .await
        .map_err(|e| at(path, e))?;
        added.accounts.push(creds.account_id.clone());
        creds.account_id
    };
    if is_default {
        if let Some(plan) = text(a, "plan") {
            crate::accounts::service::set_plan(state, &account_id, plan)
                .await
                .map_err(|e| at(&format!("{path}.plan"), e))?;
        }
    }
    for (i, app) in array(a, "apps", path)?.iter().enumerate() {
        let p = format!("{path}.apps[{i}]");
        let scopes: Vec<String> = match app.get("scopes") {
            None | Some(Value::Null) => crate::auth::admin_scopes().iter().map(|s| s.to_string()).collect(),
            Some(Value::Array(s)) => {
                let known = crate::auth::known_scopes();
                let mut out = Vec::new();
                for (j, scope) in s.iter().enumerate() {
                    match scope.as_str().filter(|s| known.contains(s)) {
                        Some(s) => out.push(s.to_string()),
                        None => return Err(bad(&format!("{p}.scopes[{j}]"), "Unknown scope.")),
                    }
                }
                out
            }
            Some(_) => return Err(bad(&format!("{p}.scopes"), "Expected an array.")),
        };
        let credentials = match (text(app, "client_id"), text(app, "client_secret")) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => {
                Some((id.to_string(), secret.to_string()))
            }
            (None, None) => None,
            _ => return Err(bad(&p, "Give both client_id and client_secret, or neither.")),
        };
        let oauth = match text(app, "type") {
            None | Some("server_to_server") => false,
            Some("oauth") => true,
            Some(_) => return Err(bad(&format!("{p}.type"), "Expected server_to_server or oauth.")),
        };
        let redirect_uris: Vec<String> = match app.get("redirect_uris") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (j, uri) in items.iter().enumerate() {
                    match uri.as_str() {
                        Some(u) => out.push(u.to_string()),
                        None => return Err(bad(&format!("{p}.redirect_uris[{j}]"), "Expected a URL.")),
                    }
                }
                out
            }
            Some(_) => return Err(bad(&format!("{p}.redirect_uris"), "Expected an array.")),
        };
        let name = text(app, "name").unwrap_or(if oauth { "OAuth app" } else { "Server-to-Server app" });
        let new = crate::auth::service::NewApp {
            account_id: Some(account_id.clone()),
            name: name.to_string(),
            oauth,
            scopes,
            redirect_uris,
            credentials,
            secret_token: text(app, "secret_token").map(str::to_string),
        };
        let created = crate::auth::service::create_app(state, new)
            .await
            .map_err(|e| at(&p, e))?;
        added.apps.push(created.client_id);
    }
    let owner = owner_of(state, &account_id).await?;
    let origin = state
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| "http://localhost".into());
    let mut users = Map::new();
    let user_entries = array(a, "users", path)?;
    for (i, u) in user_entries.iter().enumerate() {
        let p = format!("{path}.users[{i}]");
        let id = seed_user(state, &owner, u, &p).await?;
        added.users.push((account_id.clone(), id.clone()));
        users.insert(text(u, "email").unwrap_or_default().to_string(), Value::String(id));
    }
    // Relations once every user of the account exists.
    for (i, u) in user_entries.iter().enumerate() {
        let p = format!("{path}.users[{i}]");
        let assistants = array(u, "assistants", &p)?;
        if assistants.is_empty() {
            continue;
        }
        let items: Vec<Value> = assistants
            .iter()
            .map(|x| match x.as_str() {
                Some(s) if s.contains('@') => json!({ "email": s }),
                Some(s) => json!({ "id": s }),
                None => x.clone(),
            })
            .collect();
        let grant = owner.authorize::<ops::UserAssistantCreate>()?;
        let email = text(u, "email").unwrap_or_default();
        async {
            let input = crate::assistants::input::NewAssistants::from_request(&body(json!({ "assistants": items })))?;
            crate::assistants::service::add(state, &grant, &UserRef::new(email), input).await
        }
        .await
        .map_err(|e| at(&p, e))?;
    }
    let mut meetings = Map::new();
    for (i, m) in array(a, "meetings", path)?.iter().enumerate() {
        let p = format!("{path}.meetings[{i}]");
        let (topic, id) = seed_meeting(state, &owner, m, &p, &origin, added).await?;
        meetings.insert(topic, Value::from(id));
    }
    Ok(json!({"id": account_id, "users": users, "meetings": meetings}))
}

async fn seed_user(state: &AppState, owner: &Caller, u: &Value, p: &str) -> ApiResult<String> {
    if !u.is_object() {
        return Err(bad(p, "Expected an object."));
    }
    let status = text(u, "status").unwrap_or("active");
    let action = match status {
        "active" | "inactive" => "custCreate",
        "pending" => "create",
        _ => return Err(bad(&format!("{p}.status"), "Expected active, inactive or pending.")),
    };
    let mut info = Map::new();
    for key in ["email", "type", "first_name", "last_name", "display_name"] {
        if let Some(v) = u.get(key) {
            info.insert(key.to_string(), v.clone());
        }
    }
    info.entry("type").or_insert(json!(1));
    let grant = owner.authorize::<ops::UserCreate>()?;
    // Through the API's own parsing and rules, as `POST /users` with this body.
    let created = async {
        let input = crate::users::input::NewUser::from_body(&body(json!({"action": action, "user_info": info})))?;
        crate::users::service::create(state, &grant, input).await
    }
    .await
    .map_err(|e| {
        let e = at(p, e);
        // The create body nests the user under `user_info`; the document does not.
        let errors = e
            .errors
            .into_iter()
            .map(|f| FieldError {
                field: f.field.replace(".user_info.", "."),
                message: f.message,
            })
            .collect();
        ApiError::validation(errors)
    })?;
    let id = created.id;
    let role_id = match text(u, "role") {
        None | Some("Member") | Some("member") => None,
        Some("Admin") | Some("admin") => Some(crate::directory::vocab::Role::Admin),
        Some(_) => return Err(bad(&format!("{p}.role"), "Expected Admin or Member.")),
    };
    write_tx!(state.store, |tx| {
        if let Some(role) = role_id {
            let mut row = crate::directory::lookup::resolve(
                tx.conn(),
                &state.store,
                &owner.account_id,
                None,
                &UserRef::new(id.clone()),
                true,
            )
            .await?;
            row.role = role;
            crate::directory::users::update(tx, &row).await?;
        }
        Ok(())
    })?;
    if status == "inactive" {
        let grant = owner.authorize::<ops::UserStatus>()?;
        let change = crate::users::input::StatusChange {
            action: zoom_types::enums::StatusAction::Deactivate,
        };
        crate::users::service::set_status(state, &grant, &UserRef::new(id.clone()), change)
            .await
            .map_err(|e| at(p, e))?;
    }
    if u.get("signed_in") == Some(&Value::Bool(false)) && status != "pending" {
        write_tx!(state.store, |tx| {
            let user =
                crate::directory::lookup::resolve_any_account(tx.conn(), &state.store, &UserRef::new(id.clone()))
                    .await?;
            crate::presence::service::set_signed_in(tx, state, &user, false).await?;
            Ok(())
        })?;
    }
    if let Some(settings) = u.get("settings").filter(|s| !s.is_null()) {
        if status == "pending" {
            return Err(bad(&format!("{p}.settings"), "A pending user has no settings yet."));
        }
        let grant = owner.authorize::<ops::UserSettingsUpdate>()?;
        async {
            let patch =
                crate::settings::input::SettingsPatch::from_request(&QueryMap::default(), &body(settings.clone()))?;
            crate::settings::service::update(state, &grant, &UserRef::new(id.clone()), patch).await
        }
        .await
        .map_err(|e| at(&format!("{p}.settings"), e))?;
    }
    Ok(id)
}

async fn seed_meeting(
    state: &AppState,
    owner: &Caller,
    m: &Value,
    p: &str,
    origin: &str,
    added: &mut Added,
) -> ApiResult<(String, i64)> {
    let Some(obj) = m.as_object() else {
        return Err(bad(p, "Expected an object."));
    };
    let host = text(m, "host").ok_or_else(|| bad(&format!("{p}.host"), "This field is required."))?;
    let mut fields = obj.clone();
    fields.remove("host");
    fields.remove("registrants");
    let grant = owner.authorize::<ops::MeetingCreate>()?;
    // Through the API's own parsing and rules, as `POST /users/{host}/meetings` with these fields.
    let created = async {
        let input = crate::meetings::input::new_meeting(&body(Value::Object(fields)))?;
        crate::meetings::service::create(state, &grant, &UserRef::new(host), input, origin).await
    }
    .await
    .map_err(|e| match e.code {
        1001 => bad(&format!("{p}.host"), &e.message),
        _ => at(p, e),
    })?;
    let id = created.id;
    added.meetings.push(id);
    let topic = created.topic;
    for (i, r) in array(m, "registrants", p)?.iter().enumerate() {
        let rp = format!("{p}.registrants[{i}]");
        let Some(robj) = r.as_object() else {
            return Err(bad(&rp, "Expected an object."));
        };
        let mut fields = robj.clone();
        let wanted = fields.remove("status").and_then(|s| s.as_str().map(str::to_string));
        let grant = owner.authorize::<ops::MeetingRegistrantCreate>()?;
        let meeting_id = crate::meetings::input::MeetingId::of(id);
        let added = async {
            let input = NewRegistrant::from_request(&QueryMap::default(), &body(Value::Object(fields)))?;
            crate::registrants::service::add(state, &grant, &meeting_id, input, origin).await
        }
        .await
        .map_err(|e| at(&rp, e))?;
        let action = match wanted.as_deref() {
            None => None,
            Some("approved") => Some(RegistrantAction::Approve),
            Some("denied") => Some(RegistrantAction::Deny),
            Some("pending") => None,
            Some(_) => return Err(bad(&format!("{rp}.status"), "Expected pending, approved or denied.")),
        };
        if let Some(action) = action {
            let rid = added.registrant_id.as_str();
            let grant = owner.authorize::<ops::MeetingRegistrantStatus>()?;
            let change = RegistrantStatusChange {
                action,
                registrants: vec![(Some(rid.to_string()), None)],
                occurrence_id: None,
            };
            let result = crate::registrants::service::set_status(state, &grant, &meeting_id, change).await;
            result.map_err(|e| at(&format!("{rp}.status"), e))?;
        }
    }
    Ok((topic, id))
}
