//! SQL for users. Columns hold what is searched or unique; the rest of the profile is one JSON document.

use crate::store::WriteTx;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use zoom_types::enums::{CreateAction, UserStatus};
use zoom_types::users::{CustomAttribute, PhoneNumber};

use super::vocab::Role;

use crate::store::{Params, Store, StoreError};

/// The profile fields that need no index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub use_pmi: bool,
    pub host_key: String,
    pub vanity_name: Option<String>,
    pub timezone: String,
    pub language: String,
    pub dept: String,
    pub company: String,
    pub job_title: String,
    pub location: String,
    pub manager: String,
    pub cms_user_id: String,
    pub cost_center: String,
    pub pronouns: String,
    pub pronouns_option: Option<i64>,
    pub phone_country: String,
    pub phone_number: String,
    pub phone_numbers: Vec<PhoneNumber>,
    pub custom_attributes: Vec<CustomAttribute>,
    pub group_ids: Vec<String>,
    pub zoom_one_type: Option<i64>,
    pub plan_united_type: Option<String>,
    pub zoom_phone: bool,
    pub about_me: String,
    pub linkedin_url: String,
    pub verified: i64,
    pub login_types: Vec<i64>,
    pub employee_unique_id: String,
    pub last_login_time: Option<i64>,
    /// Features set through `POST /users/features` (other than the user type and plan types), by
    /// feature type.
    pub features: std::collections::BTreeMap<String, String>,
    /// The stored profile picture (`user_files`), served at `/p/{id}`.
    pub pic_file_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub seq: i64,
    pub id: String,
    pub account_id: String,
    pub email: String,
    pub user_type: i64,
    pub role: Role,
    pub status: UserStatus,
    pub create_action: CreateAction,
    pub pmi: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub profile: Profile,
}

pub(crate) const COLUMNS: &str =
    "seq, id, account_id, email, type, role_id, status, create_action, pmi, created_at, updated_at, profile";

pub(crate) fn from_row(r: &AnyRow) -> Result<UserRow, StoreError> {
    let profile: String = r.try_get(11)?;
    Ok(UserRow {
        seq: r.try_get(0)?,
        id: r.try_get(1)?,
        account_id: r.try_get(2)?,
        email: r.try_get(3)?,
        user_type: r.try_get(4)?,
        role: stored(r, 5, Role::from_id)?,
        status: stored(r, 6, |s| s.parse().ok())?,
        create_action: stored(r, 7, |s| s.parse().ok())?,
        pmi: r.try_get(8)?,
        created_at: r.try_get(9)?,
        updated_at: r.try_get(10)?,
        profile: serde_json::from_str(&profile).map_err(|e| StoreError::Corrupt(format!("user profile: {e}")))?,
    })
}

/// A stored vocabulary value, or `Corrupt` naming it.
fn stored<T>(r: &AnyRow, i: usize, parse: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    let text: String = r.try_get(i)?;
    parse(&text).ok_or_else(|| StoreError::Corrupt(format!("user column {i}: {text:?}")))
}

pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn vanity_key(p: &Profile) -> Option<String> {
    p.vanity_name.as_ref().map(|v| v.to_lowercase())
}

fn profile_json(p: &Profile) -> Result<String, StoreError> {
    serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Inserts many users in one statement (bulk seeding); any taken email or PMI fails them all.
pub async fn insert_many(tx: &mut WriteTx, users: &[UserRow]) -> Result<(), StoreError> {
    if users.is_empty() {
        return Ok(());
    }
    let mut params = Params::default();
    let rows: Vec<String> = users
        .iter()
        .map(|_| {
            let p: Vec<String> = (0..13).map(|_| params.placeholder()).collect();
            format!("({})", p.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO users (id, account_id, email, email_key, type, role_id, status, create_action, pmi, vanity_key, \
         created_at, updated_at, profile) VALUES {}",
        rows.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for u in users {
        q = q
            .bind(&u.id)
            .bind(&u.account_id)
            .bind(&u.email)
            .bind(email_key(&u.email))
            .bind(u.user_type)
            .bind(u.role.id())
            .bind(u.status.as_str())
            .bind(u.create_action.as_str())
            .bind(u.pmi)
            .bind(vanity_key(&u.profile))
            .bind(u.created_at)
            .bind(u.updated_at)
            .bind(profile_json(&u.profile)?);
    }
    q.execute(tx.conn()).await.map_err(StoreError::classify)?;
    Ok(())
}

/// Inserts a user; a taken email, PMI or vanity name comes back as `StoreError::Unique`.
pub async fn insert(tx: &mut WriteTx, u: &UserRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (id, account_id, email, email_key, type, role_id, status, create_action, pmi, vanity_key, \
         created_at, updated_at, profile) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&u.id)
    .bind(&u.account_id)
    .bind(&u.email)
    .bind(email_key(&u.email))
    .bind(u.user_type)
    .bind(u.role.id())
    .bind(u.status.as_str())
    .bind(u.create_action.as_str())
    .bind(u.pmi)
    .bind(vanity_key(&u.profile))
    .bind(u.created_at)
    .bind(u.updated_at)
    .bind(profile_json(&u.profile)?)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Writes every mutable column of a user read earlier in the same transaction.
pub async fn update(tx: &mut WriteTx, u: &UserRow) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE users SET account_id = $1, email = $2, email_key = $3, type = $4, role_id = $5, status = $6, pmi = $7, \
         vanity_key = $8, updated_at = $9, profile = $10 WHERE seq = $11",
    )
    .bind(&u.account_id)
    .bind(&u.email)
    .bind(email_key(&u.email))
    .bind(u.user_type)
    .bind(u.role.id())
    .bind(u.status.as_str())
    .bind(u.pmi)
    .bind(vanity_key(&u.profile))
    .bind(u.updated_at)
    .bind(profile_json(&u.profile)?)
    .bind(u.seq)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn delete(tx: &mut WriteTx, seq: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM users WHERE seq = $1")
        .bind(seq)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// How a path's `userId` names a user.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    Id(&'a str),
    Email(&'a str),
}

impl<'a> Lookup<'a> {
    /// An id or an email address (anything with an `@`); `me` is resolved by the caller first.
    pub fn of(user_id: &'a str) -> Self {
        if user_id.contains('@') {
            Lookup::Email(user_id)
        } else {
            Lookup::Id(user_id)
        }
    }
}

/// Finds a user, within `account_id` unless it is `None` (the control plane's view of every
/// account); `lock` takes a row lock where the backend has them.
pub async fn find<'c, E: Executor<'c, Database = Any>>(
    exec: E,
    store: &Store,
    account_id: Option<&str>,
    lookup: Lookup<'_>,
    lock: bool,
) -> Result<Option<UserRow>, StoreError> {
    let (column, value) = match lookup {
        Lookup::Id(id) => ("id", id.to_string()),
        Lookup::Email(email) => ("email_key", email_key(email)),
    };
    let lock = if lock { store.for_update() } else { "" };
    let tenancy = if account_id.is_some() {
        " AND account_id = $2"
    } else {
        ""
    };
    let sql = format!("SELECT {COLUMNS} FROM users WHERE {column} = $1{tenancy}{lock}");
    let mut query = sqlx::query(&sql).bind(value);
    if let Some(account_id) = account_id {
        query = query.bind(account_id);
    }
    let row = query.fetch_optional(exec).await?;
    row.as_ref().map(from_row).transpose()
}

/// Whether any user anywhere holds this email (emails are unique across localzoom).
/// Whether any user of localzoom holds this personal meeting room name (names are unique).
pub async fn vanity_in_use(store: &Store, name: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT 1 FROM users WHERE vanity_key = $1")
        .bind(name.to_lowercase())
        .fetch_optional(store.pool())
        .await?;
    Ok(row.is_some())
}

pub async fn email_in_use(store: &Store, email: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) FROM users WHERE email_key = $1")
        .bind(email_key(email))
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

#[derive(Debug, Clone)]
pub struct ListFilter {
    pub account_id: String,
    pub status: String,
    pub role_id: Option<String>,
}

fn where_clause(f: &ListFilter, p: &mut Params) -> String {
    let mut sql = format!(
        " WHERE account_id = {} AND status = {}",
        p.placeholder(),
        p.placeholder()
    );
    if f.role_id.is_some() {
        sql.push_str(&format!(" AND role_id = {}", p.placeholder()));
    }
    sql
}

/// One page in creation order: rows after `after_seq` (keyset), skipping `offset` more.
pub async fn list(
    store: &Store,
    f: &ListFilter,
    after_seq: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<UserRow>, StoreError> {
    let mut p = Params::default();
    let mut sql = format!("SELECT {COLUMNS} FROM users{}", where_clause(f, &mut p));
    sql.push_str(&format!(
        " AND seq > {} ORDER BY seq LIMIT {} OFFSET {}",
        p.placeholder(),
        p.placeholder(),
        p.placeholder()
    ));
    let mut q = sqlx::query(&sql).bind(&f.account_id).bind(&f.status);
    if let Some(role) = &f.role_id {
        q = q.bind(role);
    }
    let rows = q
        .bind(after_seq)
        .bind(limit)
        .bind(offset)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(store: &Store, f: &ListFilter) -> Result<i64, StoreError> {
    if f.role_id.is_none() {
        // Kept by triggers (migration 0007): one row, however many users.
        let row = sqlx::query("SELECT n FROM user_counts WHERE account_id = $1 AND status = $2")
            .bind(&f.account_id)
            .bind(&f.status)
            .fetch_optional(store.pool())
            .await?;
        return Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?.unwrap_or(0));
    }
    let mut p = Params::default();
    let sql = format!("SELECT COUNT(*) FROM users{}", where_clause(f, &mut p));
    let mut q = sqlx::query(&sql).bind(&f.account_id).bind(&f.status);
    if let Some(role) = &f.role_id {
        q = q.bind(role);
    }
    Ok(q.fetch_one(store.pool()).await?.try_get::<i64, _>(0)?)
}

/// Counts of an account's users by (type, status).
pub async fn counts_by_type_and_status(store: &Store, account_id: &str) -> Result<Vec<(i64, String, i64)>, StoreError> {
    let rows = sqlx::query("SELECT type, status, COUNT(*) FROM users WHERE account_id = $1 GROUP BY type, status")
        .bind(account_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}
