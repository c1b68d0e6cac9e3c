//! `GET|PUT /_localzoom/state`: the whole store as one JSON document, and back. Rows are read and
//! written through table descriptors (column, kind), so every stored field travels and a document
//! is checked field by field before anything is written; a bad document names each problem by its
//! JSON path (`$.accounts[0].users[2].email`). Tokens are not exported: clients fetch new ones.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::{json, Map, Value};
use sqlx::any::AnyRow;
use sqlx::Row;
use zoom_types::FieldError;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};

pub const VERSION: i64 = 1;

use super::state_tables::*;

fn db<E: Into<StoreError>>(e: E) -> ApiError {
    ApiError::from(e.into())
}

fn cell(r: &AnyRow, i: usize, kind: Kind) -> Result<Value, sqlx::Error> {
    Ok(match kind {
        Text => Value::String(r.try_get(i)?),
        OptText => r
            .try_get::<Option<String>, _>(i)?
            .map(Value::String)
            .unwrap_or(Value::Null),
        Int => Value::from(r.try_get::<i64, _>(i)?),
        OptInt => r.try_get::<Option<i64>, _>(i)?.map(Value::from).unwrap_or(Value::Null),
        Bool => Value::Bool(r.try_get::<i64, _>(i)? != 0),
        Json => {
            let text: String = r.try_get(i)?;
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        }
        Words => Value::Array(
            r.try_get::<String, _>(i)?
                .split_whitespace()
                .map(|w| Value::String(w.to_string()))
                .collect(),
        ),
        Bytes => Value::String(B64.encode(r.try_get::<Vec<u8>, _>(i)?)),
    })
}

async fn rows(
    tx: &mut WriteTx,
    t: &Table,
    filter: &str,
    bind: &str,
    order: &str,
) -> Result<Vec<Map<String, Value>>, ApiError> {
    let cols: Vec<&str> = t.cols.iter().map(|c| c.0).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE {filter} = $1 ORDER BY {order}",
        cols.join(", "),
        t.name
    );
    let found = sqlx::query(&sql).bind(bind).fetch_all(tx.conn()).await.map_err(db)?;
    found
        .iter()
        .map(|r| {
            let mut m = Map::new();
            for (i, (_, name, kind)) in t.cols.iter().enumerate() {
                m.insert(name.to_string(), cell(r, i, *kind).map_err(db)?);
            }
            Ok(m)
        })
        .collect()
}

async fn one(tx: &mut WriteTx, t: &Table, user_id: &str) -> Result<Value, ApiError> {
    Ok(rows(tx, t, "user_id", user_id, "user_id")
        .await?
        .into_iter()
        .next()
        .map(Value::Object)
        .unwrap_or(Value::Null))
}

/// The whole store as a document (read in one transaction, so it is consistent).
pub async fn export(state: &AppState) -> ApiResult<Value> {
    // A write transaction, for a consistent snapshot on both backends; it changes nothing.
    write_tx!(state.store, |tx| {
        let clock = crate::runtime::store::load(tx.conn(), &state.store, false)
            .await?
            .unwrap_or_default()
            .clock;
        let account_ids: Vec<String> = sqlx::query("SELECT id FROM accounts ORDER BY is_default DESC, created_at, id")
            .fetch_all(tx.conn())
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()
            .map_err(db)?;
        let mut accounts = Vec::new();
        for id in account_ids {
            let mut account = rows(tx, &ACCOUNTS, "id", &id, "id").await?.remove(0);
            let apps = rows(tx, &APPS, "account_id", &id, "created_at, client_id").await?;
            account.insert(
                "apps".into(),
                Value::Array(apps.into_iter().map(Value::Object).collect()),
            );
            let mut users = Vec::new();
            for mut u in rows(tx, &USERS, "account_id", &id, "seq").await? {
                let uid = u["id"].as_str().unwrap_or_default().to_string();
                u.insert("settings".into(), one(tx, &SETTINGS, &uid).await?);
                u.insert("presence".into(), one(tx, &PRESENCE, &uid).await?);
                u.insert("password".into(), one(tx, &PASSWORDS, &uid).await?);
                let assistants = rows(tx, &ASSISTANTS, "user_id", &uid, "assistant_id").await?;
                u.insert(
                    "assistants".into(),
                    Value::Array(assistants.into_iter().map(Value::Object).collect()),
                );
                let files = rows(tx, &FILES, "user_id", &uid, "created_at, id").await?;
                u.insert(
                    "files".into(),
                    Value::Array(files.into_iter().map(Value::Object).collect()),
                );
                users.push(Value::Object(u));
            }
            account.insert("users".into(), Value::Array(users));
            let mut meetings = Vec::new();
            for mut m in rows(tx, &MEETINGS, "account_id", &id, "id").await? {
                let mid = m["id"].as_i64().unwrap_or_default();
                let regs = sqlx::query(&format!(
                    "SELECT {} FROM registrants WHERE meeting_id = $1 ORDER BY seq",
                    REGISTRANTS.cols.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
                ))
                .bind(mid)
                .fetch_all(tx.conn())
                .await
                .map_err(db)?;
                let mut out = Vec::new();
                for r in &regs {
                    let mut o = Map::new();
                    for (i, (_, name, kind)) in REGISTRANTS.cols.iter().enumerate() {
                        o.insert(name.to_string(), cell(r, i, *kind).map_err(db)?);
                    }
                    out.push(Value::Object(o));
                }
                m.insert("registrants".into(), Value::Array(out));
                meetings.push(Value::Object(m));
            }
            account.insert("meetings".into(), Value::Array(meetings));
            accounts.push(Value::Object(account));
        }
        Ok(json!({
            "version": VERSION,
            "clock": {"offset_ms": clock.offset_ms, "frozen_at": clock.frozen_at},
            "accounts": accounts,
        }))
    })
}

/// A value checked against its column's kind, ready to bind.
enum Bound {
    Text(Option<String>),
    Int(Option<i64>),
    Bytes(Vec<u8>),
}

/// Checks `obj` against a table and returns the values in column order, noting every problem.
fn check_row(t: &Table, obj: &Value, path: &str, errors: &mut Vec<FieldError>) -> Vec<Bound> {
    let Some(obj) = obj.as_object() else {
        errors.push(FieldError {
            field: path.to_string(),
            message: "Expected an object.".into(),
        });
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, name, kind) in t.cols {
        let v = obj.get(*name).unwrap_or(&Value::Null);
        let mut bad = |what: &str| {
            errors.push(FieldError {
                field: format!("{path}.{name}"),
                message: format!("Expected {what}."),
            })
        };
        let bound = match (kind, v) {
            (Text, Value::String(s)) => Bound::Text(Some(s.clone())),
            (OptText, Value::String(s)) => Bound::Text(Some(s.clone())),
            (OptText, Value::Null) => Bound::Text(None),
            (Int, Value::Number(n)) if n.is_i64() => Bound::Int(n.as_i64()),
            (OptInt, Value::Number(n)) if n.is_i64() => Bound::Int(n.as_i64()),
            (OptInt, Value::Null) => Bound::Int(None),
            (Bool, Value::Bool(b)) => Bound::Int(Some(*b as i64)),
            (Json, v) if !v.is_null() => Bound::Text(Some(v.to_string())),
            (Words, Value::Array(a)) if a.iter().all(|w| w.as_str().is_some_and(|s| !s.contains(' '))) => {
                Bound::Text(Some(a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" ")))
            }
            (Bytes, Value::String(s)) => match B64.decode(s) {
                Ok(b) => Bound::Bytes(b),
                Err(_) => {
                    bad("base64 text");
                    Bound::Bytes(Vec::new())
                }
            },
            (k, _) => {
                bad(match k {
                    Text => "a string",
                    OptText => "a string or null",
                    Int => "an integer",
                    OptInt => "an integer or null",
                    Bool => "true or false",
                    Json => "a JSON value",
                    Words => "an array of words",
                    Bytes => "base64 text",
                });
                Bound::Text(None)
            }
        };
        out.push(bound);
    }
    out
}

/// One insert, prepared: the table, the parent column and value, and the row's values.
struct Insert {
    table: &'static Table,
    parent: Option<(&'static str, Bound)>,
    values: Vec<Bound>,
    path: String,
}

fn field_error(path: &str, message: &str) -> FieldError {
    FieldError {
        field: path.to_string(),
        message: message.to_string(),
    }
}

/// What the store's rules need beyond column types: the owner among the account's users, one
/// default app for the default account only, Zoom's user types, ten-digit PMIs, hosts of the
/// account, and no email twice.
fn check_account(a: &Value, ap: &str, errors: &mut Vec<FieldError>) {
    let users: &[Value] = a
        .get("users")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let ids: Vec<&str> = users
        .iter()
        .filter_map(|u| u.get("id").and_then(Value::as_str))
        .collect();
    if let Some(owner) = a.get("owner_id").and_then(Value::as_str) {
        if !ids.contains(&owner) {
            errors.push(field_error(
                &format!("{ap}.owner_id"),
                "Expected the id of one of the account's users.",
            ));
        }
    }
    let is_default = a.get("default") == Some(&Value::Bool(true));
    let apps: &[Value] = a
        .get("apps")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let default_apps = apps
        .iter()
        .filter(|x| x.get("default") == Some(&Value::Bool(true)))
        .count();
    if is_default && default_apps != 1 {
        errors.push(field_error(
            &format!("{ap}.apps"),
            "The default account has exactly one default app.",
        ));
    }
    if !is_default && default_apps > 0 {
        errors.push(field_error(
            &format!("{ap}.apps"),
            "Only the default account has a default app.",
        ));
    }
    let mut emails = std::collections::HashSet::new();
    for (i, u) in users.iter().enumerate() {
        let p = format!("{ap}.users[{i}]");
        if let Some(t) = u.get("type").and_then(Value::as_i64) {
            if !crate::directory::vocab::USER_TYPES.contains(&t) {
                errors.push(field_error(&format!("{p}.type"), "Expected 1, 2, 4 or 99."));
            }
        }
        if let Some(pmi) = u.get("pmi").and_then(Value::as_i64) {
            if !(1_000_000_000..=9_999_999_999).contains(&pmi) {
                errors.push(field_error(&format!("{p}.pmi"), "Expected a ten-digit number."));
            }
        }
        if let Some(profile) = u.get("profile") {
            if let Err(e) = serde_json::from_value::<crate::directory::users::Profile>(profile.clone()) {
                errors.push(field_error(
                    &format!("{p}.profile"),
                    &format!("Not a user profile: {e}."),
                ));
            }
        }
        // The vocabularies a user row is read back with.
        if let Some(status) = u.get("status").and_then(Value::as_str) {
            if status.parse::<zoom_types::enums::UserStatus>().is_err() {
                errors.push(field_error(
                    &format!("{p}.status"),
                    "Expected active, inactive or pending.",
                ));
            }
        }
        if let Some(role) = u.get("role_id").and_then(Value::as_str) {
            if crate::directory::vocab::Role::from_id(role).is_none() {
                errors.push(field_error(&format!("{p}.role_id"), "Expected 0, 1 or 2."));
            }
        }
        for key in ["status", "prior_status"] {
            let given = u.get("presence").and_then(|p| p.get(key)).and_then(Value::as_str);
            if given.is_some_and(|s| s.parse::<zoom_types::enums::PresenceStatus>().is_err()) {
                errors.push(field_error(
                    &format!("{p}.presence.{key}"),
                    "Expected one of Zoom's presence statuses.",
                ));
            }
        }
        if let Some(action) = u.get("create_action").and_then(Value::as_str) {
            if action.parse::<zoom_types::enums::CreateAction>().is_err() {
                errors.push(field_error(
                    &format!("{p}.create_action"),
                    "Expected create, autoCreate, custCreate or ssoCreate.",
                ));
            }
        }
        if let Some(email) = u.get("email").and_then(Value::as_str) {
            if !emails.insert(crate::directory::users::email_key(email)) {
                errors.push(field_error(
                    &format!("{p}.email"),
                    "Already used by another user of the document.",
                ));
            }
        }
    }
    let meetings: &[Value] = a
        .get("meetings")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for (i, m) in meetings.iter().enumerate() {
        if let Some(host) = m.get("host_id").and_then(Value::as_str) {
            if !ids.contains(&host) {
                errors.push(field_error(
                    &format!("{ap}.meetings[{i}].host_id"),
                    "Expected the id of one of the account's users.",
                ));
            }
        }
        // Documents are read back as the store's own types: one that would not read is refused.
        if let Some(doc) = m.get("doc") {
            if let Err(e) = serde_json::from_value::<crate::meetings::model::MeetingDoc>(doc.clone()) {
                errors.push(field_error(
                    &format!("{ap}.meetings[{i}].doc"),
                    &format!("Not a meeting document: {e}."),
                ));
            }
        }
        let registrants = m
            .get("registrants")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (j, r) in registrants.iter().enumerate() {
            if let Some(doc) = r.get("doc") {
                if let Err(e) = serde_json::from_value::<crate::registrants::store::RegistrantDoc>(doc.clone()) {
                    errors.push(field_error(
                        &format!("{ap}.meetings[{i}].registrants[{j}].doc"),
                        &format!("Not a registrant document: {e}."),
                    ));
                }
            }
            let status = r.get("status").and_then(Value::as_str);
            if status.is_some_and(|s| s.parse::<zoom_types::enums::RegistrantStatus>().is_err()) {
                errors.push(field_error(
                    &format!("{ap}.meetings[{i}].registrants[{j}].status"),
                    "Expected pending, approved or denied.",
                ));
            }
        }
        if let Some(status) = m.get("status").and_then(Value::as_str) {
            if status.parse::<zoom_types::enums::MeetingStatus>().is_err() {
                errors.push(field_error(
                    &format!("{ap}.meetings[{i}].status"),
                    "Expected waiting or started.",
                ));
            }
        }
    }
}

/// Checks a whole document and lays out its inserts in an order the foreign keys accept.
fn plan(doc: &Value) -> Result<(crate::clock::ClockState, Vec<Insert>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut inserts: Vec<Insert> = Vec::new();
    let mut later: Vec<Insert> = Vec::new();
    let mut last: Vec<Insert> = Vec::new();
    if doc.get("version").and_then(Value::as_i64) != Some(VERSION) {
        errors.push(field_error("$.version", &format!("Expected {VERSION}.")));
    }
    let clock = doc.get("clock").cloned().unwrap_or(Value::Null);
    let offset_ms = clock.get("offset_ms").and_then(Value::as_i64);
    let frozen_at = clock.get("frozen_at");
    // The same bounds as the clock's control call: 1970 to 2100, at most 100 years away.
    const MAX_MS: i64 = 4_102_444_800_000;
    if offset_ms.is_none_or(|o| o.abs() > MAX_MS) {
        errors.push(field_error(
            "$.clock.offset_ms",
            "Expected an integer of at most 100 years in ms.",
        ));
    }
    if frozen_at.is_some_and(|f| !f.is_null() && !f.as_i64().is_some_and(|t| (0..=MAX_MS).contains(&t))) {
        errors.push(field_error(
            "$.clock.frozen_at",
            "Expected null or unix ms between 1970 and 2100.",
        ));
    }
    let state = crate::clock::ClockState {
        offset_ms: offset_ms.unwrap_or(0),
        frozen_at: frozen_at.and_then(Value::as_i64),
    };
    let Some(accounts) = doc.get("accounts").and_then(Value::as_array) else {
        errors.push(field_error("$.accounts", "Expected an array."));
        return Err(errors);
    };
    let defaults = accounts
        .iter()
        .filter(|a| a.get("default") == Some(&Value::Bool(true)))
        .count();
    if defaults != 1 {
        errors.push(field_error("$.accounts", "Exactly one account is the default."));
    }
    let list = |v: &Value, key: &str, path: &str, errors: &mut Vec<FieldError>| -> Vec<Value> {
        match v.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => {
                errors.push(field_error(&format!("{path}.{key}"), "Expected an array."));
                Vec::new()
            }
        }
    };
    for (ai, a) in accounts.iter().enumerate() {
        let ap = format!("$.accounts[{ai}]");
        let values = check_row(&ACCOUNTS, a, &ap, &mut errors);
        let account_id = Bound::Text(a.get("id").and_then(Value::as_str).map(str::to_string));
        let aid = || match &account_id {
            Bound::Text(t) => Bound::Text(t.clone()),
            _ => Bound::Text(None),
        };
        inserts.push(Insert {
            table: &ACCOUNTS,
            parent: None,
            values,
            path: ap.clone(),
        });
        check_account(a, &ap, &mut errors);
        for (i, app) in list(a, "apps", &ap, &mut errors).iter().enumerate() {
            let p = format!("{ap}.apps[{i}]");
            let values = check_row(&APPS, app, &p, &mut errors);
            later.push(Insert {
                table: &APPS,
                parent: Some(("account_id", aid())),
                values,
                path: p,
            });
        }
        for (i, u) in list(a, "users", &ap, &mut errors).iter().enumerate() {
            let p = format!("{ap}.users[{i}]");
            let mut values = check_row(&USERS, u, &p, &mut errors);
            // The lookup key always follows the email (a document edited by hand cannot split them).
            if let (Some(email), Some(key)) = (u.get("email").and_then(Value::as_str), values.get_mut(2)) {
                *key = Bound::Text(Some(crate::directory::users::email_key(email)));
            }
            if let Some(email) = u.get("email").and_then(Value::as_str) {
                if !crate::validate::is_email(email) {
                    errors.push(field_error(&format!("{p}.email"), "Expected an email address."));
                }
            }
            inserts.push(Insert {
                table: &USERS,
                parent: Some(("account_id", aid())),
                values,
                path: p.clone(),
            });
            let uid = || Bound::Text(u.get("id").and_then(Value::as_str).map(str::to_string));
            for (key, table) in [
                ("settings", &SETTINGS),
                ("presence", &PRESENCE),
                ("password", &PASSWORDS),
            ] {
                match u.get(key) {
                    None | Some(Value::Null) => {}
                    Some(v) => {
                        let path = format!("{p}.{key}");
                        let values = check_row(table, v, &path, &mut errors);
                        later.push(Insert {
                            table,
                            parent: Some(("user_id", uid())),
                            values,
                            path,
                        });
                    }
                }
            }
            for (j, f) in list(u, "files", &p, &mut errors).iter().enumerate() {
                let path = format!("{p}.files[{j}]");
                let values = check_row(&FILES, f, &path, &mut errors);
                later.push(Insert {
                    table: &FILES,
                    parent: Some(("user_id", uid())),
                    values,
                    path,
                });
            }
            for (j, x) in list(u, "assistants", &p, &mut errors).iter().enumerate() {
                let path = format!("{p}.assistants[{j}]");
                let values = check_row(&ASSISTANTS, x, &path, &mut errors);
                last.push(Insert {
                    table: &ASSISTANTS,
                    parent: Some(("user_id", uid())),
                    values,
                    path,
                });
            }
        }
        for (i, m) in list(a, "meetings", &ap, &mut errors).iter().enumerate() {
            let p = format!("{ap}.meetings[{i}]");
            let values = check_row(&MEETINGS, m, &p, &mut errors);
            last.push(Insert {
                table: &MEETINGS,
                parent: Some(("account_id", aid())),
                values,
                path: p.clone(),
            });
            let mid = m.get("id").and_then(Value::as_i64);
            for (j, r) in list(m, "registrants", &p, &mut errors).iter().enumerate() {
                let path = format!("{p}.registrants[{j}]");
                let values = check_row(&REGISTRANTS, r, &path, &mut errors);
                last.push(Insert {
                    table: &REGISTRANTS,
                    parent: Some(("meeting_id", Bound::Int(mid))),
                    values,
                    path,
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    inserts.extend(later);
    // Meetings before their registrants, both after every user (hosts and assistants).
    last.sort_by_key(|i| match i.table.name {
        "assistants" => 0,
        "meetings" => 1,
        _ => 2,
    });
    inserts.extend(last);
    Ok((state, inserts))
}

async fn insert(tx: &mut WriteTx, ins: &Insert) -> Result<(), StoreError> {
    let mut cols: Vec<&str> = ins.table.cols.iter().map(|c| c.0).collect();
    if let Some((parent, _)) = &ins.parent {
        cols.push(parent);
    }
    let marks: Vec<String> = (1..=cols.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        ins.table.name,
        cols.join(", "),
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for v in ins.values.iter().chain(ins.parent.iter().map(|(_, v)| v)) {
        q = match v {
            Bound::Text(t) => q.bind(t.clone()),
            Bound::Int(n) => q.bind(*n),
            Bound::Bytes(b) => q.bind(b.clone()),
        };
    }
    q.execute(tx.conn()).await?;
    Ok(())
}

/// Replaces the whole store with `doc`, all or nothing.
pub async fn import(state: &AppState, doc: &Value) -> ApiResult<()> {
    let (clock, inserts) = plan(doc).map_err(ApiError::validation)?;
    let settings = write_tx!(state.store, |tx| {
        super::reset::clear_everything(tx).await?;
        for ins in &inserts {
            if let Err(e) = insert(tx, ins).await {
                return Err(match e {
                    StoreError::Unique(what) => ApiError::validation(vec![field_error(
                        &ins.path,
                        &format!("Already taken by another entry of the document ({what})."),
                    )]),
                    StoreError::Db(inner) if inner.as_database_error().is_some() => {
                        ApiError::validation(vec![field_error(
                            &ins.path,
                            "Refers to something the document does not hold, or is not valid.",
                        )])
                    }
                    other => other.into(),
                });
            }
        }
        let mut settings = crate::runtime::store::load(tx.conn(), &state.store, true)
            .await?
            .unwrap_or_default();
        settings.clock = clock;
        settings.faults_version += 1;
        crate::runtime::store::save(tx, &settings).await?;
        Ok(settings)
    })?;
    crate::runtime::adopt(state, &settings);
    state.faults.invalidate();
    state.local_counters.clear();
    Ok(())
}
