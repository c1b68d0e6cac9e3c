//! SQL for settings documents and user files.

use crate::store::WriteTx;
use sqlx::{AnyConnection, Row};

use crate::store::{Store, StoreError};

pub async fn settings(conn: &mut AnyConnection, user_id: &str) -> Result<Option<serde_json::Value>, StoreError> {
    let row = sqlx::query("SELECT doc FROM user_settings WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let doc: String = r.try_get(0)?;
    serde_json::from_str(&doc)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("settings document: {e}")))
}

pub async fn put_settings(
    tx: &mut WriteTx,
    user_id: &str,
    doc: &serde_json::Value,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO user_settings (user_id, doc, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(doc.to_string())
    .bind(now)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// A stored file's description (its bytes are read only when served).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: i64,
}

pub async fn insert_file(tx: &mut WriteTx, f: &FileRow, bytes: &[u8]) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO user_files (id, user_id, kind, name, content_type, size, bytes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&f.id)
    .bind(&f.user_id)
    .bind(&f.kind)
    .bind(&f.name)
    .bind(&f.content_type)
    .bind(f.size)
    .bind(bytes.to_vec())
    .bind(f.created_at)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn files_of(conn: &mut AnyConnection, user_id: &str, kind: &str) -> Result<Vec<FileRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, user_id, kind, name, content_type, size, created_at FROM user_files \
         WHERE user_id = $1 AND kind = $2 ORDER BY created_at, id",
    )
    .bind(user_id)
    .bind(kind)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FileRow {
                id: r.try_get(0)?,
                user_id: r.try_get(1)?,
                kind: r.try_get(2)?,
                name: r.try_get(3)?,
                content_type: r.try_get(4)?,
                size: r.try_get(5)?,
                created_at: r.try_get(6)?,
            })
        })
        .collect()
}

pub async fn delete_files(
    tx: &mut WriteTx,
    user_id: &str,
    kind: &str,
    ids: Option<&[String]>,
) -> Result<u64, StoreError> {
    let mut total = 0;
    match ids {
        None => {
            let done = sqlx::query("DELETE FROM user_files WHERE user_id = $1 AND kind = $2")
                .bind(user_id)
                .bind(kind)
                .execute(tx.conn())
                .await?;
            total += done.rows_affected();
        }
        Some(ids) => {
            for id in ids {
                let done = sqlx::query("DELETE FROM user_files WHERE user_id = $1 AND kind = $2 AND id = $3")
                    .bind(user_id)
                    .bind(kind)
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                total += done.rows_affected();
            }
        }
    }
    Ok(total)
}

/// A picture's content type and bytes, for serving.
pub async fn picture(store: &Store, id: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    let row = sqlx::query("SELECT content_type, bytes FROM user_files WHERE id = $1 AND kind = 'picture'")
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some((r.try_get(0)?, r.try_get(1)?)))
}
