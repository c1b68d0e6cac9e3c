//! SQL for the `assistants` relation.

use crate::store::WriteTx;
use sqlx::{AnyConnection, Row};

use crate::store::StoreError;

/// A user on the other side of the relation, as the lists show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub id: String,
    pub email: String,
    pub pmi: i64,
}

async fn parties(conn: &mut AnyConnection, sql: &str, user_id: &str) -> Result<Vec<Party>, StoreError> {
    let rows = sqlx::query(sql).bind(user_id).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(Party {
                id: r.try_get(0)?,
                email: r.try_get(1)?,
                pmi: r.try_get(2)?,
            })
        })
        .collect()
}

/// The assistants of `user_id`, in the order they were added.
pub async fn assistants_of(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<Party>, StoreError> {
    parties(
        conn,
        "SELECT u.id, u.email, u.pmi FROM assistants a JOIN users u ON u.id = a.assistant_id \
         WHERE a.user_id = $1 ORDER BY a.created_at, u.seq",
        user_id,
    )
    .await
}

/// The users `assistant_id` schedules for.
pub async fn schedulers_of(conn: &mut AnyConnection, assistant_id: &str) -> Result<Vec<Party>, StoreError> {
    parties(
        conn,
        "SELECT u.id, u.email, u.pmi FROM assistants a JOIN users u ON u.id = a.user_id \
         WHERE a.assistant_id = $1 ORDER BY a.created_at, u.seq",
        assistant_id,
    )
    .await
}

/// Adds the pair; an existing pair is left as it was.
pub async fn add(tx: &mut WriteTx, user_id: &str, assistant_id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO assistants (user_id, assistant_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, assistant_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(assistant_id)
    .bind(now)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Removes pairs; `None` on either side matches any. Returns how many went.
pub async fn remove(tx: &mut WriteTx, user_id: Option<&str>, assistant_id: Option<&str>) -> Result<u64, StoreError> {
    let done =
        sqlx::query("DELETE FROM assistants WHERE ($1 IS NULL OR user_id = $1) AND ($2 IS NULL OR assistant_id = $2)")
            .bind(user_id)
            .bind(assistant_id)
            .execute(tx.conn())
            .await?;
    Ok(done.rows_affected())
}

/// Removes every pair `user_id` is part of, on either side (the user left the account).
pub async fn remove_all_of(tx: &mut WriteTx, user_id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM assistants WHERE user_id = $1 OR assistant_id = $1")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}
