//! SQL for registrants.

use crate::store::WriteTx;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use zoom_types::enums::RegistrantStatus;

use crate::store::{Store, StoreError};

/// A registrant's answers and join details.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistrantDoc {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    pub phone: String,
    pub comments: String,
    pub industry: String,
    pub job_title: String,
    pub org: String,
    pub no_of_employees: String,
    pub purchasing_time_frame: String,
    pub role_in_purchase_process: String,
    pub language: String,
    pub custom_questions: Vec<zoom_types::meetings::CustomAnswer>,
    pub join_token: String,
    pub participant_pin_code: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegistrantRow {
    pub seq: i64,
    pub id: String,
    pub meeting_id: i64,
    /// `pending`, `approved` or `denied`.
    pub status: RegistrantStatus,
    /// The occurrences registered for; empty means every occurrence.
    pub occurrence_ids: Vec<String>,
    pub created_at: i64,
    pub doc: RegistrantDoc,
}

const COLUMNS: &str = "seq, id, meeting_id, status, occurrence_ids, created_at, doc";

fn from_row(r: &AnyRow) -> Result<RegistrantRow, StoreError> {
    let occ: String = r.try_get(4)?;
    let doc: String = r.try_get(6)?;
    Ok(RegistrantRow {
        seq: r.try_get(0)?,
        id: r.try_get(1)?,
        meeting_id: r.try_get(2)?,
        status: {
            let text: String = r.try_get(3)?;
            text.parse()
                .map_err(|_| StoreError::Corrupt(format!("registrant status {text:?}")))?
        },
        occurrence_ids: occ.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        created_at: r.try_get(5)?,
        doc: serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(format!("registrant document: {e}")))?,
    })
}

fn occurrence_column(ids: &[String]) -> String {
    if ids.is_empty() {
        String::new()
    } else {
        format!(",{},", ids.join(","))
    }
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn doc_json(doc: &RegistrantDoc) -> Result<String, StoreError> {
    serde_json::to_string(doc).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub async fn insert(tx: &mut WriteTx, r: &RegistrantRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO registrants (id, meeting_id, email_key, status, occurrence_ids, created_at, doc) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&r.id)
    .bind(r.meeting_id)
    .bind(email_key(&r.doc.email))
    .bind(r.status.as_str())
    .bind(occurrence_column(&r.occurrence_ids))
    .bind(r.created_at)
    .bind(doc_json(&r.doc)?)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn update(tx: &mut WriteTx, r: &RegistrantRow) -> Result<(), StoreError> {
    sqlx::query("UPDATE registrants SET status = $1, occurrence_ids = $2, doc = $3 WHERE seq = $4")
        .bind(r.status.as_str())
        .bind(occurrence_column(&r.occurrence_ids))
        .bind(doc_json(&r.doc)?)
        .bind(r.seq)
        .execute(tx.conn())
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn delete(tx: &mut WriteTx, seq: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM registrants WHERE seq = $1")
        .bind(seq)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A registrant of `meeting_id` by id or email.
pub async fn find(
    conn: &mut AnyConnection,
    store: &Store,
    meeting_id: i64,
    id: Option<&str>,
    email: Option<&str>,
    lock: bool,
) -> Result<Option<RegistrantRow>, StoreError> {
    let lock = if lock { store.for_update() } else { "" };
    let (column, value) = match (id, email) {
        (Some(id), _) => ("id", id.to_string()),
        (None, Some(email)) => ("email_key", email_key(email)),
        (None, None) => return Ok(None),
    };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrants WHERE meeting_id = $1 AND {column} = $2{lock}"
    ))
    .bind(meeting_id)
    .bind(value)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Which registrants a list shows.
pub struct Filter<'a> {
    pub meeting_id: i64,
    pub status: RegistrantStatus,
    pub occurrence_id: Option<&'a str>,
}

fn filter_sql(f: &Filter) -> &'static str {
    if f.occurrence_id.is_some() {
        "meeting_id = $1 AND status = $2 AND (occurrence_ids = '' OR occurrence_ids LIKE $3)"
    } else {
        "meeting_id = $1 AND status = $2"
    }
}

/// A page in registration order, after `after_seq`, skipping `offset`.
pub async fn list(
    store: &Store,
    f: &Filter<'_>,
    after_seq: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<RegistrantRow>, StoreError> {
    let n = if f.occurrence_id.is_some() { 4 } else { 3 };
    let sql = format!(
        "SELECT {COLUMNS} FROM registrants WHERE {} AND seq > ${n} ORDER BY seq LIMIT ${} OFFSET ${}",
        filter_sql(f),
        n + 1,
        n + 2
    );
    let mut q = sqlx::query(&sql).bind(f.meeting_id).bind(f.status.as_str());
    if let Some(occ) = f.occurrence_id {
        q = q.bind(format!("%,{occ},%"));
    }
    let rows = q
        .bind(after_seq)
        .bind(limit)
        .bind(offset)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(store: &Store, f: &Filter<'_>) -> Result<i64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM registrants WHERE {}", filter_sql(f));
    let mut q = sqlx::query(&sql).bind(f.meeting_id).bind(f.status.as_str());
    if let Some(occ) = f.occurrence_id {
        q = q.bind(format!("%,{occ},%"));
    }
    Ok(q.fetch_one(store.pool()).await?.try_get(0)?)
}

/// Every registrant of a meeting, whatever the status.
pub async fn count_all(conn: &mut AnyConnection, meeting_id: i64) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) FROM registrants WHERE meeting_id = $1")
        .bind(meeting_id)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get(0)?)
}
