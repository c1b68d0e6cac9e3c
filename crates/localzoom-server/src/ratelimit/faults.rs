//! Fault rules: `POST /_localzoom/faults` makes matching requests wait, fail with a chosen answer,
//! or lose their connection, before they reach a service (so nothing changes). Rules are stored,
//! so every replica applies them; each replica keeps a copy and re-reads it when the stored
//! `faults_version` (read with the run-time settings on every request) moves.

use crate::store::WriteTx;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::RwLock;
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::Row;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::StoreError;
use crate::validate::{Check, Obj};

/// One rule as created and listed. `remaining` is `null` when it applies without limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    pub drop_connection: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub times: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    pub remaining: Option<i64>,
}

/// The longest a rule may hold a request.
const MAX_LATENCY_MS: u64 = 600_000;

/// This process's copy of the rules and the version it was read at.
#[derive(Default)]
pub struct FaultCache {
    known: AtomicI64,
    loaded: RwLock<Option<(i64, Vec<FaultRule>)>>,
    /// Matches seen per rule here, for `probability` draws.
    draws: RwLock<HashMap<String, u64>>,
}

impl FaultCache {
    /// The version of the rules in the store, as the run-time settings just said.
    pub fn observe_version(&self, v: i64) {
        self.known.store(v, Ordering::SeqCst);
    }

    fn current(&self) -> Option<Vec<FaultRule>> {
        let known = self.known.load(Ordering::SeqCst);
        let loaded = self.loaded.read().unwrap_or_else(|p| p.into_inner());
        match &*loaded {
            Some((v, rules)) if *v == known => Some(rules.clone()),
            _ => None,
        }
    }

    /// Forgets the copy (this process changed the rules; other replicas see the version move).
    pub fn invalidate(&self) {
        *self.loaded.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn replace(&self, version: i64, rules: Vec<FaultRule>) {
        *self.loaded.write().unwrap_or_else(|p| p.into_inner()) = Some((version, rules));
        self.known.store(version, Ordering::SeqCst);
    }

    /// Whether the `n`-th draw for `rule` falls within its probability.
    fn draw(&self, rule: &FaultRule) -> bool {
        let Some(p) = rule.probability else { return true };
        let n = {
            let mut draws = self.draws.write().unwrap_or_else(|p| p.into_inner());
            let n = draws.entry(rule.id.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let seed = rule.seed.unwrap_or_else(|| u64::from_le_bytes(random8()));
        unit_interval(seed, n) < p
    }
}

fn random8() -> [u8; 8] {
    let id = crate::ids::zoom_id();
    let mut out = [0u8; 8];
    out.copy_from_slice(&id.as_bytes()[..8]);
    out
}

/// A number in [0, 1) from a seed and a draw number (splitmix64): the same seed gives the same draws.
fn unit_interval(seed: u64, n: u64) -> f64 {
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// `*` matches any run of characters, `/` included; everything else matches itself.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// Reads a rule from its JSON body; every bad field is named at once.
pub fn parse(body: &Map<String, Value>) -> ApiResult<FaultRule> {
    let root = Obj::root(body);
    let mut check = Check::default();
    let method = check.string(&root, "method", Some(10)).map(|m| m.to_ascii_uppercase());
    const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    if method.as_deref().is_some_and(|m| !METHODS.contains(&m)) {
        check.fail("method");
    }
    let path = check.string(&root, "path", Some(2048));
    let operation = check.string(&root, "operation", Some(128));
    if operation.as_deref().is_some_and(|o| !crate::auth::ops::is_known_id(o)) {
        check.fail_with("operation", "Unknown operationId.");
    }
    let account_id = check.string(&root, "account_id", Some(64));
    let status = check.int(&root, "status");
    if status.is_some_and(|s| !(100..=599).contains(&s)) {
        check.fail_with("status", "The status is a number from 100 to 599.");
    }
    let body_value = body.get("body").filter(|v| !v.is_null()).cloned();
    let headers = match body.get("headers").filter(|v| !v.is_null()) {
        None => None,
        Some(Value::Object(h)) => {
            for (k, v) in h {
                let valid_name = HeaderName::from_bytes(k.as_bytes()).is_ok();
                let valid_value = v.as_str().is_some_and(|s| HeaderValue::from_str(s).is_ok());
                if !valid_name || !valid_value {
                    check.fail(format!("headers.{k}"));
                }
            }
            Some(h.clone())
        }
        Some(_) => {
            check.fail("headers");
            None
        }
    };
    let latency_ms = check.int(&root, "latency_ms");
    if latency_ms.is_some_and(|l| l < 0 || l as u64 > MAX_LATENCY_MS) {
        check.fail_with("latency_ms", format!("The latency is 0 to {MAX_LATENCY_MS} ms."));
    }
    let drop_connection = check.boolean(&root, "drop_connection").unwrap_or(false);
    let times = check.int(&root, "times");
    if times.is_some_and(|t| t < 1) {
        check.fail_with("times", "times is at least 1.");
    }
    let probability = check.number(&root, "probability");
    if probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
        check.fail_with("probability", "The probability is from 0 to 1.");
    }
    let seed = check.int(&root, "seed");
    if seed.is_some_and(|s| s < 0) {
        check.fail("seed");
    }
    if status.is_none() && latency_ms.is_none() && !drop_connection && body_value.is_none() && check.is_ok() {
        check.fail_with("status", "Give a status, a body, latency_ms or drop_connection.");
    }
    if drop_connection && status.is_some() && check.is_ok() {
        check.fail_with("drop_connection", "A dropped connection has no status.");
    }
    check.finish()?;
    let status = status.map(|s| s as u16).or_else(|| body_value.as_ref().map(|_| 500));
    Ok(FaultRule {
        id: crate::ids::zoom_id(),
        method,
        path,
        operation,
        account_id,
        status,
        body: body_value,
        headers,
        latency_ms: latency_ms.map(|l| l as u64),
        drop_connection,
        times,
        probability,
        seed: seed.map(|s| s as u64),
        remaining: times,
    })
}

fn rule_json(r: &FaultRule) -> Result<String, StoreError> {
    serde_json::to_string(r).map_err(|e| StoreError::Corrupt(e.to_string()))
}

async fn bump_version(tx: &mut WriteTx) -> Result<(), StoreError> {
    sqlx::query("UPDATE runtime_settings SET faults_version = faults_version + 1 WHERE id = 1")
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn create(state: &AppState, rule: FaultRule) -> ApiResult<FaultRule> {
    write_tx!(state.store, |tx| {
        let seq: i64 = sqlx::query("SELECT COALESCE(MAX(created_seq), 0) + 1 FROM fault_rules")
            .fetch_one(tx.conn())
            .await
            .map_err(StoreError::from)?
            .try_get(0)
            .map_err(StoreError::from)?;
        sqlx::query("INSERT INTO fault_rules (id, created_seq, rule, remaining) VALUES ($1, $2, $3, $4)")
            .bind(&rule.id)
            .bind(seq)
            .bind(rule_json(&rule)?)
            .bind(rule.remaining)
            .execute(tx.conn())
            .await
            .map_err(StoreError::from)?;
        bump_version(tx).await?;
        Ok(())
    })?;
    state.faults.invalidate();
    Ok(rule)
}

/// Every rule, oldest first, with what it has left.
pub async fn list(state: &AppState) -> ApiResult<Vec<FaultRule>> {
    let mut conn = state.store.acquire().await?;
    Ok(load(&mut conn).await?)
}

async fn load(conn: &mut sqlx::AnyConnection) -> Result<Vec<FaultRule>, StoreError> {
    let rows = sqlx::query("SELECT rule, remaining FROM fault_rules ORDER BY created_seq")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let text: String = r.try_get(0)?;
            let mut rule: FaultRule = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            rule.remaining = r.try_get(1)?;
            Ok(rule)
        })
        .collect()
}

/// Removes one rule (`Some(id)`) or all of them; false when the one named does not exist.
pub async fn delete(state: &AppState, id: Option<&str>) -> ApiResult<bool> {
    let done = write_tx!(state.store, |tx| {
        let done = match id {
            Some(id) => {
                sqlx::query("DELETE FROM fault_rules WHERE id = $1")
                    .bind(id)
                    .execute(tx.conn())
                    .await
            }
            None => sqlx::query("DELETE FROM fault_rules").execute(tx.conn()).await,
        }
        .map_err(StoreError::from)?;
        bump_version(tx).await?;
        Ok(done)
    })?;
    state.faults.invalidate();
    Ok(id.is_none() || done.rows_affected() > 0)
}

/// What a request is, for matching.
pub struct Incoming<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub operation: Option<&'a str>,
    pub account_id: Option<&'a str>,
    /// The operation's rate-limit label and the account's plan, for a 429's headers.
    pub limits: Option<(crate::auth::Label, &'a str)>,
}

fn matches(rule: &FaultRule, r: &Incoming) -> bool {
    rule.method.as_deref().is_none_or(|m| m == r.method.as_str())
        && rule.path.as_deref().is_none_or(|p| glob_matches(p, r.path))
        && rule.operation.as_deref().is_none_or(|o| Some(o) == r.operation)
        && rule.account_id.as_deref().is_none_or(|a| Some(a) == r.account_id)
}

/// Uses one of a limited rule's matches; false when another request (or replica) took the last.
async fn take_one(state: &AppState, rule: &FaultRule) -> Result<bool, StoreError> {
    if rule.remaining.is_none() {
        return Ok(true);
    }
    let taken = write_tx!(state.store, StoreError, |tx| {
        let row = sqlx::query(&format!(
            "SELECT remaining FROM fault_rules WHERE id = $1{}",
            state.store.for_update()
        ))
        .bind(&rule.id)
        .fetch_optional(tx.conn())
        .await?;
        let left: Option<i64> = match row {
            Some(r) => r.try_get(0)?,
            None => return Ok(None),
        };
        let Some(left) = left.filter(|l| *l > 0) else {
            return Ok(None);
        };
        if left == 1 {
            sqlx::query("DELETE FROM fault_rules WHERE id = $1")
                .bind(&rule.id)
                .execute(tx.conn())
                .await?;
            bump_version(tx).await?;
        } else {
            sqlx::query("UPDATE fault_rules SET remaining = $1 WHERE id = $2")
                .bind(left - 1)
                .bind(&rule.id)
                .execute(tx.conn())
                .await?;
        }
        Ok(Some(left))
    })?;
    let Some(left) = taken else {
        return Ok(false);
    };
    if left == 1 {
        state.faults.invalidate();
    }
    Ok(true)
}

/// Marks a response whose connection must be closed without an answer.
#[derive(Clone, Copy)]
pub struct DroppedConnection;

/// The rules in force here, re-read when the stored version has moved.
async fn rules(state: &AppState) -> Result<Vec<FaultRule>, StoreError> {
    if let Some(rules) = state.faults.current() {
        return Ok(rules);
    }
    let mut conn = state.store.acquire().await?;
    let version: Option<i64> = sqlx::query("SELECT faults_version FROM runtime_settings WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    let rules = load(&mut conn).await?;
    state.faults.replace(version.unwrap_or(0), rules.clone());
    Ok(rules)
}

/// Applies the first matching rule: waits its latency, then answers for the service (`Some`) or
/// lets the request go on (`None`, latency-only rules).
pub async fn intercept(state: &AppState, request: &Incoming<'_>) -> Option<Response> {
    let rules = match rules(state).await {
        Ok(r) => r,
        Err(e) => return Some(ApiError::from(e).into_response()),
    };
    for rule in rules.iter().filter(|r| matches(r, request)) {
        if !state.faults.draw(rule) {
            continue;
        }
        match take_one(state, rule).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => return Some(ApiError::from(e).into_response()),
        }
        if let Some(ms) = rule.latency_ms.filter(|ms| *ms > 0) {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if rule.drop_connection {
            let mut response = Response::new(AxumBody::from_stream(futures_util::stream::once(async {
                Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "fault rule: connection dropped",
                ))
            })));
            response.extensions_mut().insert(DroppedConnection);
            return Some(response);
        }
        let status = rule.status?;
        return Some(answer(state, rule, status, request.limits));
    }
    None
}

/// The faulted answer: the rule's body or Zoom's body for the status, its headers, and for 429
/// Zoom's rate-limit headers.
fn answer(state: &AppState, rule: &FaultRule, status: u16, limits: Option<(crate::auth::Label, &str)>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let daily = rule
        .headers
        .as_ref()
        .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case("x-ratelimit-type")))
        .and_then(|(_, v)| v.as_str())
        .is_some_and(|v| v.eq_ignore_ascii_case("Daily-limit"));
    let body = match &rule.body {
        Some(b) => b.clone(),
        None if status == StatusCode::TOO_MANY_REQUESTS && daily => {
            let e = ApiError::daily_limit();
            serde_json::json!({"code": e.code, "message": e.message})
        }
        None => zoom_body(status),
    };
    let mut response = (status, axum::Json(body)).into_response();
    let h = response.headers_mut();
    if status == StatusCode::TOO_MANY_REQUESTS {
        // The headers the operation's own limit would send: its label, and its per-second or
        // daily limit for the account's plan.
        let (label, plan) = limits.unwrap_or((crate::auth::Label::Light, "business"));
        let (rate, daily_limit) = crate::ratelimit::limits(plan, label);
        let switches = state.switches();
        let limit = match (daily, daily_limit) {
            (true, Some(d)) => switches.scaled(d.limit),
            _ => switches.scaled(rate.limit),
        };
        let now = state.clock.now();
        // The same headers the rate-limit layer writes on a real 429.
        crate::ratelimit::layer::Headers {
            category: label,
            daily,
            limit,
            remaining: 0,
            reset: (!daily).then(|| now - now.rem_euclid(rate.seconds) + rate.seconds),
            retry_after: daily.then(|| crate::clock::rfc3339(crate::ratelimit::day_start(now) + crate::ratelimit::DAY)),
        }
        .write(h);
    }
    for (k, v) in rule.headers.iter().flatten() {
        if let (Ok(name), Some(Ok(value))) = (
            HeaderName::from_bytes(k.as_bytes()),
            v.as_str().map(HeaderValue::from_str),
        ) {
            h.insert(name, value);
        }
    }
    response
}

/// Zoom's `{"code","message"}` for a status a rule names without a body.
fn zoom_body(status: StatusCode) -> Value {
    let message = match status.as_u16() {
        429 => "You have reached the maximum per-second rate limit for this API. Try again later.".to_string(),
        500 => "Internal server error.".to_string(),
        503 => "The service is temporarily unavailable. Try again later.".to_string(),
        401 => "Invalid access token.".to_string(),
        404 => "Not Found.".to_string(),
        s => status
            .canonical_reason()
            .map(|r| format!("{r}."))
            .unwrap_or_else(|| format!("Error {s}.")),
    };
    let code = if status == StatusCode::UNAUTHORIZED {
        124
    } else {
        status.as_u16() as i64
    };
    serde_json::json!({"code": code, "message": message})
}

/// Middleware for `/oauth/*`: fault rules apply there too (the `/v2` operations are faulted by the
/// rate-limit layer, once the token has named the account).
pub async fn oauth_layer(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if req.uri().path().starts_with("/oauth/") {
        let incoming = Incoming {
            method: req.method(),
            path: req.uri().path(),
            operation: None,
            account_id: None,
            limits: None,
        };
        if let Some(faulted) = intercept(&state, &incoming).await {
            return faulted;
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_any_run_of_characters() {
        assert!(glob_matches("/v2/users/*", "/v2/users/abc"));
        assert!(glob_matches("/v2/users/*", "/v2/users/abc/settings"));
        assert!(glob_matches("*/settings", "/v2/users/abc/settings"));
        assert!(glob_matches("/v2/*/x*", "/v2/a/b/xyz"));
        assert!(!glob_matches("/v2/users/*", "/v2/meetings/1"));
        assert!(glob_matches("/v2/users", "/v2/users"));
        assert!(!glob_matches("/v2/users", "/v2/users/a"));
        assert!(!glob_matches("/a*a", "/a"));
    }

    #[test]
    fn seeded_draws_repeat() {
        let a: Vec<bool> = (1..50).map(|n| unit_interval(7, n) < 0.5).collect();
        let b: Vec<bool> = (1..50).map(|n| unit_interval(7, n) < 0.5).collect();
        assert_eq!(a, b);
        let hits = (1..10_000).filter(|n| unit_interval(3, *n) < 0.3).count();
        assert!((2500..3500).contains(&hits), "{hits}");
    }
}
