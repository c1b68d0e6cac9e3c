//! SQL for accounts.

use crate::store::WriteTx;
use sqlx::{Any, AnyConnection, Executor, Row};

use crate::store::StoreError;

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: String,
    pub account_number: i64,
    pub plan: String,
    pub master_account_id: Option<String>,
    pub owner_id: String,
    pub is_default: bool,
    pub created_at: i64,
}

const COLUMNS: &str = "id, account_number, plan, master_account_id, owner_id, is_default, created_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<AccountRow, sqlx::Error> {
    Ok(AccountRow {
        id: r.try_get(0)?,
        account_number: r.try_get(1)?,
        plan: r.try_get(2)?,
        master_account_id: r.try_get(3)?,
        owner_id: r.try_get(4)?,
        is_default: r.try_get::<i64, _>(5)? != 0,
        created_at: r.try_get(6)?,
    })
}

pub async fn insert(tx: &mut WriteTx, a: &AccountRow) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(&a.id)
    .bind(a.account_number)
    .bind(&a.plan)
    .bind(&a.master_account_id)
    .bind(&a.owner_id)
    .bind(a.is_default as i64)
    .bind(a.created_at)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(exec: E, id: &str) -> Result<Option<AccountRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
        .bind(id)
        .fetch_optional(exec)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Every account, the default first, then by creation.
pub async fn all<'c, E: Executor<'c, Database = Any>>(exec: E) -> Result<Vec<AccountRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM accounts ORDER BY is_default DESC, created_at, id"
    ))
    .fetch_all(exec)
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

pub async fn default_account(conn: &mut AnyConnection) -> Result<Option<AccountRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE is_default = 1"))
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Whether the account existed.
pub async fn set_plan(tx: &mut WriteTx, id: &str, plan: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE accounts SET plan = $1 WHERE id = $2")
        .bind(plan)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Gives an account a new id everywhere it is referenced (an id fixed by `LOCALZOOM_ACCOUNT_ID`).
pub async fn rename(tx: &mut WriteTx, old: &str, new: &str) -> Result<(), StoreError> {
    for sql in [
        "UPDATE accounts SET id = $1 WHERE id = $2",
        "UPDATE accounts SET master_account_id = $1 WHERE master_account_id = $2",
        "UPDATE users SET account_id = $1 WHERE account_id = $2",
        "UPDATE apps SET account_id = $1 WHERE account_id = $2",
        "UPDATE access_tokens SET account_id = $1 WHERE account_id = $2",
        "UPDATE page_tokens SET account_id = $1 WHERE account_id = $2",
    ] {
        sqlx::query(sql)
            .bind(new)
            .bind(old)
            .execute(tx.conn())
            .await
            .map_err(StoreError::classify)?;
    }
    Ok(())
}
