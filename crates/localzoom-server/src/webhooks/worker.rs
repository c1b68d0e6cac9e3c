//! The delivery worker: committed events become deliveries for the matching subscriptions; due
//! deliveries are sent, signed, and retried at +5, +20 and +60 minutes after the previous attempt
//! by the test clock, then `failed`. Rows are claimed in the store (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, SQLite's single writer otherwise), so with several replicas each event is
//! dispatched once and each attempt made by one replica; deliveries survive restarts.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::Row;

use crate::clock::{real_now_ms, rfc3339};
use crate::state::AppState;
use crate::store::{Backend, StoreError};

/// Minutes from one failed attempt to the next; after the last, the delivery has failed.
pub const RETRY_MINUTES: [i64; 3] = [5, 20, 60];
/// A 200 or 204 within this long is a success.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);
/// How many events the log keeps.
pub const EVENTS_KEPT: i64 = 1000;
const USER_AGENT: &str = "Zoom Marketplace/1.0a";
/// The most of an endpoint's answer that is read (URL validation needs a few dozen bytes).
const ANSWER_LIMIT: usize = 64 * 1024;

/// Runs for as long as the server does.
pub async fn run(state: AppState) {
    let http = match reqwest::Client::builder().timeout(ATTEMPT_TIMEOUT).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook deliveries are off: no HTTP client");
            return;
        }
    };
    let lanes = Lanes::default();
    loop {
        if let Err(e) = tick(&state, &http, &lanes).await {
            tracing::warn!(error = %e, "webhook worker");
        }
        tokio::select! {
            _ = state.store.committed() => {}
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
    }
}

fn skip_locked(state: &AppState) -> &'static str {
    match state.store.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    }
}

async fn tick(state: &AppState, http: &reqwest::Client, lanes: &Lanes) -> Result<(), StoreError> {
    crate::runtime::refresh(state).await?;
    // Reads first: an idle server takes no write transaction (nor SQLite's writer slot).
    if exists(state, "SELECT 1 FROM events WHERE dispatched = 0 LIMIT 1", None).await? {
        while dispatch(state).await? > 0 {}
    }
    // One lane a subscription: its deliveries go in order; lanes run side by side, so a slow
    // endpoint delays only its own, and the worker never waits for a lane.
    let due = sqlx::query(
        "SELECT DISTINCT subscription_id FROM deliveries WHERE state = 'pending' AND next_attempt_at <= $1 AND claimed_until < $2",
    )
    .bind(state.clock.now_ms())
    .bind(real_now_ms())
    .fetch_all(state.store.pool())
    .await?;
    for row in &due {
        let subscription: String = row.try_get(0)?;
        if !lanes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(subscription.clone())
        {
            continue;
        }
        let (state, http, lanes) = (state.clone(), http.clone(), lanes.clone());
        tokio::spawn(async move {
            loop {
                match claim_due(&state, &subscription).await {
                    Ok(Some(id)) => {
                        if let Err(e) = attempt(&state, &http, &id).await {
                            tracing::warn!(error = %e, "webhook delivery");
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "webhook delivery");
                        break;
                    }
                }
            }
            lanes.lock().unwrap_or_else(|p| p.into_inner()).remove(&subscription);
            state.store.wake();
        });
    }
    Ok(())
}

/// Subscriptions whose lane is running in this process.
type Lanes = std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>;

async fn exists(state: &AppState, sql: &str, bind: Option<i64>) -> Result<bool, StoreError> {
    let mut query = sqlx::query(sql);
    if let Some(b) = bind {
        query = query.bind(b);
    }
    Ok(query.fetch_optional(state.store.pool()).await?.is_some())
}

/// Turns up to 100 committed events into deliveries; returns how many it took.
async fn dispatch(state: &AppState) -> Result<usize, StoreError> {
    write_tx!(state.store, StoreError, |tx| {
        let events = sqlx::query(&format!(
            "SELECT id, account_id, event, event_ts, body FROM events WHERE dispatched = 0 ORDER BY seq LIMIT 100{}",
            skip_locked(state)
        ))
        .fetch_all(tx.conn())
        .await?;
        for e in &events {
            let (id, account, name, ts, body): (String, String, String, i64, String) = (
                e.try_get(0)?,
                e.try_get(1)?,
                e.try_get(2)?,
                e.try_get(3)?,
                e.try_get(4)?,
            );
            let subs = sqlx::query(
            "SELECT id, client_id, endpoint_url, events FROM event_subscriptions WHERE account_id = $1 ORDER BY created_at, id",
        )
        .bind(&account)
        .fetch_all(tx.conn())
        .await?;
            for s in &subs {
                let wanted: String = s.try_get(3)?;
                if !wanted.split_whitespace().any(|w| w == name) {
                    continue;
                }
                sqlx::query(
                "INSERT INTO deliveries (id, event_id, event, event_ts, subscription_id, client_id, endpoint_url, state, attempts, next_attempt_at, claimed_until, body) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', '[]', $8, 0, $9)",
            )
            .bind(crate::ids::zoom_id())
            .bind(&id)
            .bind(&name)
            .bind(ts)
            .bind(s.try_get::<String, _>(0)?)
            .bind(s.try_get::<String, _>(1)?)
            .bind(s.try_get::<String, _>(2)?)
            .bind(ts)
            .bind(&body)
            .execute(tx.conn())
            .await?;
            }
            sqlx::query("UPDATE events SET dispatched = 1 WHERE id = $1")
                .bind(&id)
                .execute(tx.conn())
                .await?;
        }
        if !events.is_empty() {
            sqlx::query(
            "DELETE FROM events WHERE dispatched = 1 AND seq <= (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET $1)",
        )
        .bind(EVENTS_KEPT)
        .execute(tx.conn())
        .await?;
        }
        Ok(events.len())
    })
}

/// Claims the oldest delivery due by the test clock (for 30 s of real time, so a replica that
/// dies mid-attempt hands it on).
async fn claim_due(state: &AppState, subscription: &str) -> Result<Option<String>, StoreError> {
    write_tx!(state.store, StoreError, |tx| {
        let now_real = real_now_ms();
        let row = sqlx::query(&format!(
            "SELECT id FROM deliveries WHERE subscription_id = $3 AND state = 'pending' AND next_attempt_at <= $1 \
         AND claimed_until < $2 ORDER BY next_attempt_at, seq LIMIT 1{}",
            skip_locked(state)
        ))
        .bind(state.clock.now_ms())
        .bind(now_real)
        .bind(subscription)
        .fetch_optional(tx.conn())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.try_get(0)?;
        sqlx::query("UPDATE deliveries SET claimed_until = $1 WHERE id = $2")
            .bind(now_real + 30_000)
            .bind(&id)
            .execute(tx.conn())
            .await?;
        Ok(Some(id))
    })
}

/// Sends `body` to `url` as Zoom does; the outcome as an attempt record and whether it succeeded.
pub async fn send(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    timestamp: i64,
    body: &str,
) -> (Value, bool, Option<String>) {
    let started = Instant::now();
    let result = http
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", USER_AGENT)
        .header("x-zm-request-timestamp", timestamp.to_string())
        .header("x-zm-signature", super::signature(secret, timestamp, body))
        .body(body.to_string())
        .send()
        .await;
    let (status, error, text) = match result {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            // At most 64 KiB of the answer is read, within what is left of the 3 s.
            let mut body: Vec<u8> = Vec::new();
            let mut error = None;
            loop {
                let left = ATTEMPT_TIMEOUT.saturating_sub(started.elapsed());
                match tokio::time::timeout(left, resp.chunk()).await {
                    Ok(Ok(Some(chunk))) => {
                        body.extend_from_slice(&chunk);
                        if body.len() > ANSWER_LIMIT {
                            error = Some("the answer is larger than 64 KiB".to_string());
                            break;
                        }
                    }
                    Ok(Ok(None)) => break,
                    Ok(Err(e)) => {
                        error = Some(e.to_string());
                        break;
                    }
                    Err(_) => {
                        error = Some("no answer within 3 s".to_string());
                        break;
                    }
                }
            }
            let text = error.is_none().then(|| String::from_utf8_lossy(&body).to_string());
            (Some(status), error, text)
        }
        Err(e) if e.is_timeout() => (None, Some("no answer within 3 s".to_string()), None),
        Err(e) => (None, Some(e.to_string()), None),
    };
    let took = started.elapsed();
    let ok = error.is_none() && matches!(status, Some(200 | 204)) && took <= ATTEMPT_TIMEOUT;
    let error = match (&error, status) {
        (Some(e), _) => Some(e.clone()),
        (None, Some(s)) if !ok => Some(format!("answered {s}")),
        _ => None,
    };
    let record = json!({"status": status, "duration_ms": took.as_millis() as i64, "error": error});
    (record, ok, text)
}

/// One attempt of a claimed delivery; `manual` attempts (the retry call) leave the schedule alone
/// when they fail.
pub async fn attempt_once(state: &AppState, http: &reqwest::Client, id: &str, manual: bool) -> Result<(), StoreError> {
    let mut conn = state.store.acquire().await?;
    let row = sqlx::query(
        "SELECT d.endpoint_url, d.body, d.attempts, d.state, a.secret_token, d.next_attempt_at FROM deliveries d \
         LEFT JOIN apps a ON a.client_id = d.client_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    drop(conn);
    let Some(row) = row else { return Ok(()) };
    let (url, body, attempts, current): (String, String, String, String) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
    let secret: Option<String> = row.try_get(4)?;
    let scheduled: Option<i64> = row.try_get(5)?;
    let mut attempts: Vec<Value> = serde_json::from_str(&attempts).unwrap_or_default();
    let now_ms = state.clock.now_ms();
    let (mut record, ok) = match secret {
        Some(secret) => {
            let (record, ok, _) = send(http, &url, &secret, now_ms.div_euclid(1000), &body).await;
            (record, ok)
        }
        None => (
            json!({"status": null, "duration_ms": 0, "error": "the app was deleted"}),
            false,
        ),
    };
    record["at"] = Value::String(rfc3339(now_ms.div_euclid(1000)));
    attempts.push(record);
    let tries = attempts.len();
    let (state_after, next): (&str, Option<i64>) = if ok {
        ("delivered", None)
    } else if manual {
        // A failed manual attempt changes neither the state nor the schedule.
        (current.as_str(), scheduled)
    } else if tries > RETRY_MINUTES.len() {
        ("failed", None)
    } else {
        ("pending", Some(now_ms + RETRY_MINUTES[tries - 1] * 60_000))
    };
    write_tx!(state.store, StoreError, |tx| {
        sqlx::query(
            "UPDATE deliveries SET state = $1, attempts = $2, claimed_until = 0, next_attempt_at = $3 WHERE id = $4",
        )
        .bind(state_after)
        .bind(Value::Array(attempts.clone()).to_string())
        .bind(next)
        .bind(id)
        .execute(tx.conn())
        .await?;
        Ok(())
    })
}

async fn attempt(state: &AppState, http: &reqwest::Client, id: &str) -> Result<(), StoreError> {
    attempt_once(state, http, id, false).await
}
