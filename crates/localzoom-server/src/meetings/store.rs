//! SQL for meetings. Columns hold what is searched or unique; the rest is one JSON document.

use crate::store::WriteTx;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use zoom_types::enums::MeetingStatus;

use super::model::MeetingDoc;
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRow {
    pub id: i64,
    pub uuid: String,
    pub account_id: String,
    pub host_id: String,
    pub kind: i64,
    pub status: MeetingStatus,
    pub start_time: Option<i64>,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub doc: MeetingDoc,
}

pub(crate) const COLUMNS: &str = "id, uuid, account_id, host_id, type, status, start_time, created_at, deleted_at, doc";

pub(crate) fn from_row(r: &AnyRow) -> Result<MeetingRow, StoreError> {
    let doc: String = r.try_get(9)?;
    Ok(MeetingRow {
        id: r.try_get(0)?,
        uuid: r.try_get(1)?,
        account_id: r.try_get(2)?,
        host_id: r.try_get(3)?,
        kind: r.try_get(4)?,
        status: {
            let text: String = r.try_get(5)?;
            text.parse()
                .map_err(|_| StoreError::Corrupt(format!("meeting status {text:?}")))?
        },
        start_time: r.try_get(6)?,
        created_at: r.try_get(7)?,
        deleted_at: r.try_get(8)?,
        doc: serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(format!("meeting document: {e}")))?,
    })
}

fn doc_json(doc: &MeetingDoc) -> Result<String, StoreError> {
    serde_json::to_string(doc).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Inserts a meeting; a taken id comes back as `StoreError::Unique`.
pub async fn insert(tx: &mut WriteTx, m: &MeetingRow) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO meetings ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(m.id)
    .bind(&m.uuid)
    .bind(&m.account_id)
    .bind(&m.host_id)
    .bind(m.kind)
    .bind(m.status.as_str())
    .bind(m.start_time)
    .bind(m.created_at)
    .bind(m.deleted_at)
    .bind(doc_json(&m.doc)?)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Writes every mutable column of a meeting read earlier in the same transaction.
pub async fn update(tx: &mut WriteTx, m: &MeetingRow) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE meetings SET host_id = $1, type = $2, status = $3, start_time = $4, deleted_at = $5, doc = $6 \
         WHERE id = $7",
    )
    .bind(&m.host_id)
    .bind(m.kind)
    .bind(m.status.as_str())
    .bind(m.start_time)
    .bind(m.deleted_at)
    .bind(doc_json(&m.doc)?)
    .bind(m.id)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Which meetings a lookup may see: one account's (every API call), or any (the control plane).
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Account(&'a str),
    AnyAccount,
}

/// A meeting by id within `scope`, deleted or not; `lock` holds its row until the transaction ends.
/// The account is part of the query, so another account's meeting is never read at all.
pub async fn find(
    conn: &mut AnyConnection,
    store: &Store,
    scope: Scope<'_>,
    id: i64,
    lock: bool,
) -> Result<Option<MeetingRow>, StoreError> {
    let lock = if lock { store.for_update() } else { "" };
    let row = match scope {
        Scope::Account(account_id) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM meetings WHERE id = $1 AND account_id = $2{lock}"
            ))
            .bind(id)
            .bind(account_id)
            .fetch_optional(conn)
            .await?
        }
        Scope::AnyAccount => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM meetings WHERE id = $1{lock}"))
                .bind(id)
                .fetch_optional(conn)
                .await?
        }
    };
    row.as_ref().map(from_row).transpose()
}

/// A host's meetings in `account_id` that are not deleted, in id order.
pub async fn of_host(store: &Store, account_id: &str, host_id: &str) -> Result<Vec<MeetingRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM meetings WHERE account_id = $1 AND host_id = $2 AND deleted_at IS NULL ORDER BY id"
    ))
    .bind(account_id)
    .bind(host_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Hands a user's meetings to another host of the same account (`DELETE /users/{userId}?transfer_meeting=true`).
pub async fn transfer_host(tx: &mut WriteTx, account_id: &str, from: &str, to: &str) -> Result<u64, StoreError> {
    let done = sqlx::query("UPDATE meetings SET host_id = $1 WHERE host_id = $2 AND account_id = $3")
        .bind(to)
        .bind(from)
        .bind(account_id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected())
}

/// Moves every meeting of a host (deleted ones too, so `recover` finds them) to another account,
/// with their registrants (which belong to their meeting).
pub async fn move_host_account(tx: &mut WriteTx, host_id: &str, to_account: &str) -> Result<u64, StoreError> {
    let done = sqlx::query("UPDATE meetings SET account_id = $1 WHERE host_id = $2")
        .bind(to_account)
        .bind(host_id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected())
}
