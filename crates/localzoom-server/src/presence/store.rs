//! SQL for presence rows. No row means the default: signed in and Available.

use crate::store::WriteTx;
use sqlx::Row;

use zoom_types::enums::PresenceStatus;

use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceRow {
    pub user_id: String,
    pub signed_in: bool,
    /// In GET's vocabulary (`In_A_Meeting`, `Do_Not_Disturb`, …).
    pub status: PresenceStatus,
    pub dnd_until: Option<i64>,
    pub prior_status: Option<PresenceStatus>,
    pub updated_at: i64,
}

impl PresenceRow {
    pub fn default_for(user_id: &str, now: i64) -> Self {
        PresenceRow {
            user_id: user_id.into(),
            signed_in: true,
            status: PresenceStatus::Available,
            dnd_until: None,
            prior_status: None,
            updated_at: now,
        }
    }
}

pub async fn get<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
    exec: E,
    user_id: &str,
) -> Result<Option<PresenceRow>, StoreError> {
    let row = sqlx::query(
        "SELECT user_id, signed_in, status, dnd_until, prior_status, updated_at FROM presence WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(exec)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(PresenceRow {
        user_id: r.try_get(0)?,
        signed_in: r.try_get::<i64, _>(1)? != 0,
        status: status(r.try_get(2)?)?,
        dnd_until: r.try_get(3)?,
        prior_status: r.try_get::<Option<String>, _>(4)?.map(status).transpose()?,
        updated_at: r.try_get(5)?,
    }))
}

fn status(text: String) -> Result<PresenceStatus, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("presence status {text:?}")))
}

pub async fn put(tx: &mut WriteTx, p: &PresenceRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO presence (user_id, signed_in, status, dnd_until, prior_status, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET signed_in = $2, status = $3, \
         dnd_until = $4, prior_status = $5, updated_at = $6",
    )
    .bind(&p.user_id)
    .bind(p.signed_in as i64)
    .bind(p.status.as_str())
    .bind(p.dnd_until)
    .bind(p.prior_status.map(PresenceStatus::as_str))
    .bind(p.updated_at)
    .execute(tx.conn())
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}
