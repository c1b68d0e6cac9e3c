//! `/_localzoom` routes of webhooks: event subscriptions (with Zoom's URL validation), the
//! delivery log and its manual retry, and the log of events emitted.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use sqlx::Row;

use super::{hmac_hex, store, worker};
use crate::clock::{parse_rfc3339_ms, rfc3339};
use crate::error::{ApiError, ApiResult};
use crate::events::EventKind;
use crate::extract::{Body, PathParam, PathParams, QueryMap};
use crate::state::AppState;
use crate::store::StoreError;
use crate::validate::{Check, Obj};

/// Webhooks' control-plane routes (subscriptions, deliveries, events), listed in `control::index`.
pub fn control_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/_localzoom/apps/{client_id}/event_subscriptions",
            get(list_subscriptions).post(subscribe),
        )
        .route(
            "/_localzoom/apps/{client_id}/event_subscriptions/{subscription_id}",
            delete(unsubscribe),
        )
        .route(
            "/_localzoom/webhooks/deliveries",
            get(deliveries).delete(clear_deliveries),
        )
        .route("/_localzoom/webhooks/deliveries/{delivery_id}/retry", post(retry))
        .route("/_localzoom/webhooks/events", get(events))
}

pub(crate) fn http() -> ApiResult<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(worker::ATTEMPT_TIMEOUT)
        .build()
        .map_err(ApiError::internal)
}

fn validation_failed(why: &str) -> ApiError {
    ApiError::bad_request(300, format!("URL validation failed: {why}"))
}

fn app_missing(client_id: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, 300, format!("App does not exist: {client_id}."))
}

/// Zoom's URL validation: a signed `endpoint.url_validation` with a random `plainToken`, answered
/// within 3 s by 200 `{"plainToken", "encryptedToken": hex(HMAC-SHA256(secret, plainToken))}`.
async fn validate_url(state: &AppState, url: &str, secret: &str) -> ApiResult<()> {
    let plain = crate::ids::zoom_id();
    let now_ms = state.clock.now_ms();
    let body =
        json!({"payload": {"plainToken": plain}, "event_ts": now_ms, "event": "endpoint.url_validation"}).to_string();
    let (record, _, text) = worker::send(&http()?, url, secret, now_ms.div_euclid(1000), &body).await;
    if record["status"] != json!(200) {
        let why = record["error"]
            .as_str()
            .unwrap_or("the endpoint did not answer 200")
            .to_string();
        return Err(validation_failed(&why));
    }
    let answer: Value = text
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .ok_or_else(|| validation_failed("the answer is not JSON"))?;
    if answer["plainToken"].as_str() != Some(plain.as_str()) {
        return Err(validation_failed("plainToken does not match"));
    }
    if answer["encryptedToken"].as_str() != Some(hmac_hex(secret, plain.as_bytes()).as_str()) {
        return Err(validation_failed(
            "encryptedToken is not HMAC-SHA256(secret token, plainToken)",
        ));
    }
    Ok(())
}

pub(crate) fn subscription_view(r: &sqlx::any::AnyRow) -> Result<Value, StoreError> {
    let events: String = r.try_get(2)?;
    Ok(json!({
        "id": r.try_get::<String, _>(0)?,
        "endpoint_url": r.try_get::<String, _>(1)?,
        "events": events.split_whitespace().collect::<Vec<_>>(),
        "created_at": rfc3339(r.try_get::<i64, _>(3)?),
        "validated_at": rfc3339(r.try_get::<i64, _>(4)?),
    }))
}

async fn subscribe(State(state): State<AppState>, PathParam(client_id): PathParam, body: Body) -> ApiResult<Response> {
    let root = Obj::root(body.require()?);
    let mut check = Check::default();
    let url = if check.required(&root, "endpoint_url") {
        check.string(&root, "endpoint_url", Some(2048))
    } else {
        None
    };
    if url.as_deref().is_some_and(|u| {
        reqwest::Url::parse(u)
            .map(|p| !matches!(p.scheme(), "http" | "https") || p.host_str().is_none())
            .unwrap_or(true)
    }) {
        check.fail_with("endpoint_url", "Expected an http:// or https:// URL.");
    }
    let mut events = Vec::new();
    match root.map.get("events") {
        Some(Value::Array(items)) if !items.is_empty() => {
            let unknown: Vec<String> = items
                .iter()
                .filter(|e| e.as_str().is_none_or(|s| EventKind::parse(s).is_none()))
                .map(|e| {
                    let name = e.as_str().map(str::to_string).unwrap_or_else(|| e.to_string());
                    name.chars().take(64).collect()
                })
                .collect();
            if unknown.is_empty() {
                // Each event once, in the order Zoom lists them.
                events = EventKind::ALL
                    .iter()
                    .filter(|known| items.iter().any(|i| i.as_str() == Some(known.as_str())))
                    .map(|k| k.as_str().to_string())
                    .collect();
            } else {
                let more = unknown.len().saturating_sub(10);
                let mut listed = unknown.into_iter().take(10).collect::<Vec<_>>().join(", ");
                if more > 0 {
                    listed.push_str(&format!(" and {more} more"));
                }
                check.fail_with("events", format!("Unknown events: {listed}."));
            }
        }
        _ => check.fail_with("events", "Give a non-empty array of event names."),
    }
    check.finish()?;
    let url = url.ok_or_else(|| ApiError::invalid_field("endpoint_url"))?;
    let app = {
        let mut conn = state.store.acquire().await?;
        crate::auth::store::app_in_tx(&mut conn, &client_id)
            .await?
            .ok_or_else(|| app_missing(&client_id))?
    };
    validate_url(&state, &url, &app.secret_token).await?;
    let now = state.clock.now();
    let id = crate::ids::zoom_id();
    write_tx!(state.store, |tx| {
        let new = store::NewSubscription {
            id: &id,
            client_id: &app.client_id,
            account_id: &app.account_id,
            endpoint_url: &url,
            events: &events,
            now,
        };
        store::insert_subscription(tx, &new).await?;
        Ok(())
    })?;
    let view = json!({
        "id": id, "endpoint_url": url, "events": events,
        "created_at": rfc3339(now), "validated_at": rfc3339(now),
    });
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn list_subscriptions(State(state): State<AppState>, PathParam(client_id): PathParam) -> ApiResult<Response> {
    let mut conn = state.store.acquire().await?;
    crate::auth::store::app_in_tx(&mut conn, &client_id)
        .await?
        .ok_or_else(|| app_missing(&client_id))?;
    let rows = store::subscriptions_of(&mut conn, &client_id).await?;
    let subs = rows.iter().map(subscription_view).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "event_subscriptions": subs })).into_response())
}

async fn unsubscribe(
    State(state): State<AppState>,
    PathParams((client_id, id)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    let removed = write_tx!(state.store, |tx| {
        if crate::auth::store::app_in_tx(tx.conn(), &client_id).await?.is_none() {
            return Err(app_missing(&client_id));
        }
        let removed = store::remove_subscription(tx, &client_id, &id).await?;
        Ok(removed)
    })?;
    if !removed {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            300,
            format!("Event subscription does not exist: {id}."),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `since` (RFC 3339) and `limit` shared by the logs.
fn since_limit(q: &QueryMap) -> ApiResult<(Option<i64>, i64)> {
    let fields = q.fields();
    let root = Obj::root(&fields);
    let mut check = Check::default();
    let limit = check.int(&root, "limit");
    if limit.is_some_and(|l| !(1..=10_000).contains(&l)) {
        check.fail_with("limit", "limit is 1 to 10000.");
    }
    let since = q.get("since").filter(|s| !s.is_empty()).and_then(|s| {
        let ms = parse_rfc3339_ms(s);
        if ms.is_none() {
            check.fail_with("since", "since is an RFC 3339 time.");
        }
        ms
    });
    check.finish()?;
    Ok((since, limit.unwrap_or(1000)))
}

pub(crate) fn delivery_view(r: &sqlx::any::AnyRow) -> Result<Value, StoreError> {
    let attempts: String = r.try_get(7)?;
    let body: String = r.try_get(9)?;
    let next: Option<i64> = r.try_get(8)?;
    Ok(json!({
        "id": r.try_get::<String, _>(0)?,
        "event": r.try_get::<String, _>(1)?,
        "event_ts": r.try_get::<i64, _>(2)?,
        "subscription_id": r.try_get::<String, _>(3)?,
        "endpoint_url": r.try_get::<String, _>(4)?,
        "state": r.try_get::<String, _>(5)?,
        "client_id": r.try_get::<String, _>(6)?,
        "attempts": serde_json::from_str::<Value>(&attempts).unwrap_or(json!([])),
        "next_attempt_at": next.map(|ms| rfc3339(ms.div_euclid(1000))),
        "body": serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body)),
    }))
}

/// The non-empty query values of `keys`, as column filters.
fn filters(q: &QueryMap, keys: &[&'static str]) -> Vec<(&'static str, String)> {
    keys.iter()
        .filter_map(|k| q.get(k).filter(|v| !v.is_empty()).map(|v| (*k, v.to_string())))
        .collect()
}

async fn deliveries(State(state): State<AppState>, q: QueryMap) -> ApiResult<Response> {
    let (since, limit) = since_limit(&q)?;
    if let Some(s) = q.get("state").filter(|s| !s.is_empty()) {
        if !["pending", "delivered", "failed"].contains(&s) {
            return Err(ApiError::invalid_field("state"));
        }
    }
    let equal = filters(&q, &["event", "state", "subscription_id"]);
    let mut conn = state.store.acquire().await?;
    let rows = store::newest(&mut conn, "deliveries", store::DELIVERY_COLUMNS, &equal, since, limit).await?;
    let list = rows.iter().map(delivery_view).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "deliveries": list })).into_response())
}

async fn retry(State(state): State<AppState>, PathParam(id): PathParam) -> ApiResult<Response> {
    worker::attempt_once(&state, &http()?, &id, true).await?;
    let mut conn = state.store.acquire().await?;
    let row = store::delivery(&mut conn, &id)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, 300, format!("Delivery does not exist: {id}.")))?;
    Ok(Json(delivery_view(&row)?).into_response())
}

async fn clear_deliveries(State(state): State<AppState>) -> ApiResult<StatusCode> {
    write_tx!(state.store, |tx| {
        store::clear_deliveries(tx).await?;
        Ok(StatusCode::NO_CONTENT)
    })
}

async fn events(State(state): State<AppState>, q: QueryMap) -> ApiResult<Response> {
    let (since, limit) = since_limit(&q)?;
    let equal = filters(&q, &["event", "account_id"]);
    let mut conn = state.store.acquire().await?;
    let rows = store::newest(&mut conn, "events", store::EVENT_COLUMNS, &equal, since, limit).await?;
    let mut list = Vec::new();
    for r in &rows {
        let body: String = r.try_get(4).map_err(StoreError::from)?;
        let mut e = Map::new();
        e.insert("id".into(), Value::String(r.try_get(0).map_err(StoreError::from)?));
        e.insert("event".into(), Value::String(r.try_get(1).map_err(StoreError::from)?));
        e.insert(
            "event_ts".into(),
            Value::from(r.try_get::<i64, _>(2).map_err(StoreError::from)?),
        );
        e.insert(
            "account_id".into(),
            Value::String(r.try_get(3).map_err(StoreError::from)?),
        );
        e.insert(
            "body".into(),
            serde_json::from_str(&body).unwrap_or(Value::String(body)),
        );
        list.push(Value::Object(e));
    }
    Ok(Json(json!({ "events": list })).into_response())
}
