//! SQL for event subscriptions, deliveries and the event log (the worker's claims are in `worker`).

use crate::store::WriteTx;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::store::{Params, StoreError};

pub struct NewSubscription<'a> {
    pub id: &'a str,
    pub client_id: &'a str,
    pub account_id: &'a str,
    pub endpoint_url: &'a str,
    pub events: &'a [String],
    pub now: i64,
}

pub async fn insert_subscription(tx: &mut WriteTx, s: &NewSubscription<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO event_subscriptions (id, client_id, account_id, endpoint_url, events, created_at, validated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(s.id)
    .bind(s.client_id)
    .bind(s.account_id)
    .bind(s.endpoint_url)
    .bind(s.events.join(" "))
    .bind(s.now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// An app's subscriptions: `id, endpoint_url, events, created_at, validated_at`.
pub async fn subscriptions_of(conn: &mut AnyConnection, client_id: &str) -> Result<Vec<AnyRow>, StoreError> {
    Ok(sqlx::query(
        "SELECT id, endpoint_url, events, created_at, validated_at FROM event_subscriptions \
         WHERE client_id = $1 ORDER BY created_at, id",
    )
    .bind(client_id)
    .fetch_all(conn)
    .await?)
}

/// Every app's subscriptions, newest first (the dashboard's list), in `subscriptions_of`'s columns.
pub async fn all_subscriptions(conn: &mut AnyConnection) -> Result<Vec<AnyRow>, StoreError> {
    Ok(sqlx::query(
        "SELECT id, endpoint_url, events, created_at, validated_at FROM event_subscriptions \
         ORDER BY created_at DESC, id",
    )
    .fetch_all(conn)
    .await?)
}

/// Removes a subscription of an app; its deliveries still waiting for a retry end as `failed`.
/// False when the app has no such subscription.
pub async fn remove_subscription(tx: &mut WriteTx, client_id: &str, id: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM event_subscriptions WHERE id = $1 AND client_id = $2")
        .bind(id)
        .bind(client_id)
        .execute(tx.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE deliveries SET state = 'failed', next_attempt_at = NULL WHERE subscription_id = $1 AND state = 'pending'",
    )
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(true)
}

pub const DELIVERY_COLUMNS: &str =
    "id, event, event_ts, subscription_id, endpoint_url, state, client_id, attempts, next_attempt_at, body";
pub const EVENT_COLUMNS: &str = "id, event, event_ts, account_id, body";

/// Rows of `table` (`deliveries` or `events`), newest first: `equal` columns match their values,
/// `since` bounds `event_ts` from below.
pub async fn newest(
    conn: &mut AnyConnection,
    table: &str,
    columns: &str,
    equal: &[(&str, String)],
    since: Option<i64>,
    limit: i64,
) -> Result<Vec<AnyRow>, StoreError> {
    let mut params = Params::default();
    let mut filters: Vec<String> = equal
        .iter()
        .map(|(k, _)| format!("{k} = {}", params.placeholder()))
        .collect();
    if since.is_some() {
        filters.push(format!("event_ts >= {}", params.placeholder()));
    }
    let filter = if filters.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", filters.join(" AND "))
    };
    let sql = format!("SELECT {columns} FROM {table} {filter} ORDER BY seq DESC LIMIT {limit}");
    let mut query = sqlx::query(&sql);
    for (_, v) in equal {
        query = query.bind(v.clone());
    }
    if let Some(ms) = since {
        query = query.bind(ms);
    }
    Ok(query.fetch_all(conn).await?)
}

pub async fn delivery(conn: &mut AnyConnection, id: &str) -> Result<Option<AnyRow>, StoreError> {
    Ok(
        sqlx::query(&format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn clear_deliveries(tx: &mut WriteTx) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM deliveries").execute(tx.conn()).await?;
    Ok(())
}
