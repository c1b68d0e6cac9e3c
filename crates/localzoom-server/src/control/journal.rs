//! The request journal: every `/v2` and `/oauth` request with its answer, in memory, per process,
//! newest first, bounded in entries (`--journal-size`) and in bytes per body (64 KiB). Secrets are
//! masked before an entry is kept, so the journal never holds a usable token or password.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use axum::body::{Body as AxumBody, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::state::AppState;

/// The most of a body an entry keeps.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Keys whose values are masked wherever they appear (JSON, form and query).
const SECRET_KEYS: &[&str] = &[
    "client_secret",
    "password",
    "access_token",
    "refresh_token",
    "code_verifier",
    "secret_token",
    "code",
    "device_code",
    "user_code",
    "token",
    "zak",
];

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: String,
    pub at: String,
    #[serde(skip)]
    pub at_ms: i64,
    pub method: String,
    pub path: String,
    pub query: String,
    pub operation: Option<String>,
    pub account_id: Option<String>,
    pub client_id: Option<String>,
    /// `null` when the connection was dropped without an answer (a fault rule).
    pub status: Option<u16>,
    pub duration_ms: f64,
    pub request_headers: Map<String, Value>,
    pub request_body: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub request_body_truncated: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub request_body_base64: bool,
    pub response_headers: Map<String, Value>,
    pub response_body: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub response_body_truncated: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub response_body_base64: bool,
}

pub struct Journal {
    capacity: usize,
    entries: Mutex<VecDeque<Entry>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl Journal {
    pub fn new(capacity: usize) -> Self {
        Journal {
            capacity,
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
            next_id: std::sync::atomic::AtomicU64::new(1),
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    fn push(&self, entry: Entry) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.push_front(entry);
        entries.truncate(self.capacity);
    }

    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Entries matching `filter`, newest first: (the first `limit`, how many matched).
    pub fn query(&self, filter: &Filter) -> (Vec<Entry>, usize) {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut total = 0;
        let mut out = Vec::new();
        for e in entries.iter().filter(|e| filter.matches(e)) {
            total += 1;
            if filter.limit.is_none_or(|l| out.len() < l) {
                out.push(e.clone());
            }
        }
        (out, total)
    }
}

/// `GET /_localzoom/requests` filters.
#[derive(Debug, Default)]
pub struct Filter {
    pub method: Option<String>,
    pub path: Option<String>,
    pub operation: Option<String>,
    pub status: Option<u16>,
    pub account_id: Option<String>,
    pub since_ms: Option<i64>,
    pub limit: Option<usize>,
}

impl Filter {
    fn matches(&self, e: &Entry) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(&e.method))
            && self
                .path
                .as_deref()
                .is_none_or(|p| crate::ratelimit::faults::glob_matches(p, &e.path))
            && self
                .operation
                .as_deref()
                .is_none_or(|o| e.operation.as_deref() == Some(o))
            && self.status.is_none_or(|s| e.status == Some(s))
            && self
                .account_id
                .as_deref()
                .is_none_or(|a| e.account_id.as_deref() == Some(a))
            && self.since_ms.is_none_or(|s| e.at_ms >= s)
    }
}

fn journaled(path: &str) -> bool {
    path.starts_with("/v2/") || path == "/v2" || path.starts_with("/oauth/")
}

/// Middleware: records `/v2` and `/oauth` requests. Bodies are read whole (up to the server's body
/// limit) so both the service and the journal see them.
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.journal.enabled() || !journaled(req.uri().path()) {
        return next.run(req).await;
    }
    let started = Instant::now();
    let at_ms = state.clock.now_ms();
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return ApiError::body_too_large(state.config.max_body_bytes).into_response(),
    };
    let method = parts.method.to_string();
    let path = parts.uri.path().to_string();
    let query = mask_query(parts.uri.query().unwrap_or(""));
    let operation = parts
        .extensions
        .get::<MatchedPath>()
        .and_then(|m| crate::auth::ops::operation(&parts.method, m.as_str()))
        .map(|op| op.id.to_string());
    let request_headers = headers_view(&parts.headers);
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let who = crate::logging::Who::default();
    parts.extensions.insert(who.clone());
    let (request_body, request_body_truncated, request_body_base64) = body_view(&bytes, &content_type);
    let response = next.run(Request::from_parts(parts, AxumBody::from(bytes))).await;
    let dropped = response
        .extensions()
        .get::<crate::ratelimit::faults::DroppedConnection>()
        .is_some();
    let (rparts, rbody) = response.into_parts();
    let (response, rbytes) = if dropped {
        (Response::from_parts(rparts.clone(), rbody), Bytes::new())
    } else {
        match axum::body::to_bytes(rbody, usize::MAX).await {
            Ok(b) => (Response::from_parts(rparts.clone(), AxumBody::from(b.clone())), b),
            Err(e) => return ApiError::internal(e).into_response(),
        }
    };
    let response_type = rparts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (response_body, response_body_truncated, response_body_base64) = body_view(&rbytes, &response_type);
    let (account_id, client_id) = who.get();
    let id = state.journal.next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    state.journal.push(Entry {
        id: id.to_string(),
        at: crate::clock::rfc3339_ms(at_ms),
        at_ms,
        method,
        path,
        query,
        operation,
        account_id,
        client_id,
        status: (!dropped).then(|| rparts.status.as_u16()),
        duration_ms: (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        request_headers,
        request_body,
        request_body_truncated,
        request_body_base64,
        response_headers: headers_view(&rparts.headers),
        response_body,
        response_body_truncated,
        response_body_base64,
    });
    response
}

/// Lower-case header names; `Authorization` masked (`Bearer ****` + the token's last 4).
fn headers_view(headers: &HeaderMap) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).to_string();
        let value = match name.as_str() {
            "authorization" => mask_authorization(&value),
            // A redirect can carry an authorization code or a token in its query.
            "location" => match value.split_once('?') {
                Some((base, query)) => format!("{base}?{}", mask_query(query)),
                None => value,
            },
            _ => value,
        };
        out.insert(name.as_str().to_string(), Value::String(value));
    }
    out
}

pub fn mask_authorization(value: &str) -> String {
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        let last4: String = rest
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("Bearer ****{last4}")
    } else if scheme.eq_ignore_ascii_case("basic") {
        "Basic ****".to_string()
    } else {
        "****".to_string()
    }
}

fn is_secret_key(k: &str) -> bool {
    SECRET_KEYS.iter().any(|s| s.eq_ignore_ascii_case(k))
}

fn mask_json(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                // Zoom's numeric error `code` is no secret; an authorization `code` is.
                if is_secret_key(k) && !v.is_null() && !(k == "code" && v.is_number()) {
                    *v = Value::String("****".into());
                } else {
                    mask_json(v);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_json),
        _ => {}
    }
}

/// `a=1&password=x` → `a=1&password=****` (pairs kept in order, the text otherwise as sent).
pub fn mask_query(q: &str) -> String {
    if q.is_empty() {
        return String::new();
    }
    q.split('&')
        .map(|pair| {
            let key = pair.split_once('=').map(|(k, _)| k).unwrap_or(pair);
            let decoded = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
            if is_secret_key(&decoded) {
                format!("{key}=****")
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A body as text (masked JSON or form; base64 when not UTF-8), cut to `BODY_LIMIT` bytes.
fn body_view(bytes: &[u8], content_type: &str) -> (String, bool, bool) {
    let truncated = bytes.len() > BODY_LIMIT;
    let kept = &bytes[..bytes.len().min(BODY_LIMIT)];
    let ct = content_type.to_ascii_lowercase();
    if !truncated {
        if let Ok(mut v) = serde_json::from_slice::<Value>(kept) {
            mask_json(&mut v);
            return (v.to_string(), false, false);
        }
    }
    match std::str::from_utf8(kept) {
        Ok(text) if ct.starts_with("application/x-www-form-urlencoded") => (mask_query(text), truncated, false),
        Ok(text) if ct.starts_with("multipart/") => (mask_multipart(text), truncated, false),
        // A form sent under another content type (the OAuth endpoint reads it all the same).
        Ok(text) if text.contains('=') && !text.contains(char::is_whitespace) => (mask_query(text), truncated, false),
        Ok(text) => (mask_text(text), truncated, false),
        Err(_) => (base64::engine::general_purpose::STANDARD.encode(kept), truncated, true),
    }
}

/// A multipart body whose secret-named parts have their values masked.
fn mask_multipart(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut mask_next_value = false;
    let mut in_headers = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.starts_with("--") {
            in_headers = true;
            mask_next_value = false;
            out.push_str(line);
            continue;
        }
        if in_headers {
            if trimmed.is_empty() {
                in_headers = false;
            } else if let Some(i) = trimmed.to_ascii_lowercase().find("name=\"") {
                let name = &trimmed[i + 6..];
                let name = name.split('"').next().unwrap_or("");
                mask_next_value = is_secret_key(name);
            }
            out.push_str(line);
            continue;
        }
        if mask_next_value {
            out.push_str("****");
            out.push_str(&line[trimmed.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A body that is neither JSON nor a form: truncated JSON is masked by key, as text.
fn mask_text(text: &str) -> String {
    let mut out = text.to_string();
    for key in SECRET_KEYS {
        let needle = format!("\"{key}\"");
        let mut from = 0;
        while let Some(i) = out[from..].find(&needle) {
            let start = from + i + needle.len();
            let rest = &out[start..];
            let Some(colon) = rest.find(':') else { break };
            if !rest[..colon].trim().is_empty() {
                from = start;
                continue;
            }
            let after = start + colon + 1;
            let value_start = after + (out[after..].len() - out[after..].trim_start().len());
            if out[value_start..].starts_with('"') {
                let end = out[value_start + 1..]
                    .find('"')
                    .map(|e| value_start + 1 + e + 1)
                    .unwrap_or(out.len());
                out.replace_range(value_start..end, "\"****\"");
            } else if *key == "code" {
                // Zoom's numeric error code stays readable.
                from = value_start;
                continue;
            } else {
                let end = out[value_start..]
                    .find([',', '}', ']'])
                    .map(|e| value_start + e)
                    .unwrap_or(out.len());
                out.replace_range(value_start..end, "\"****\"");
            }
            from = value_start + 6;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u64, body: &str) -> Entry {
        Entry {
            id: n.to_string(),
            at: String::new(),
            at_ms: n as i64,
            method: "GET".into(),
            path: format!("/v2/users/{n}"),
            query: String::new(),
            operation: None,
            account_id: None,
            client_id: None,
            status: Some(200),
            duration_ms: 0.0,
            request_headers: Map::new(),
            request_body: String::new(),
            request_body_truncated: false,
            request_body_base64: false,
            response_headers: Map::new(),
            response_body: body.to_string(),
            response_body_truncated: false,
            response_body_base64: false,
        }
    }

    /// 100k requests through a journal of the default size: it holds the newest 1000, whatever
    /// came before (each body already cut to 64 KiB, so its memory is bounded too).
    #[test]
    fn the_default_journal_stays_at_1000_entries_over_100k_requests() {
        let j = Journal::new(1000);
        let body = "x".repeat(512);
        for n in 0..100_000 {
            j.push(entry(n, &body));
        }
        let (newest, total) = j.query(&Filter {
            limit: Some(1),
            ..Filter::default()
        });
        assert_eq!(total, 1000);
        assert_eq!(newest[0].id, "99999");
        assert!(
            j.entries.lock().unwrap().capacity() < 8192,
            "the queue did not keep growing"
        );
    }

    #[test]
    fn secrets_are_masked_everywhere() {
        assert_eq!(mask_authorization("Bearer abcdefgh1234"), "Bearer ****1234");
        assert_eq!(mask_authorization("Basic dXNlcjpwYXNz"), "Basic ****");
        assert_eq!(mask_query("a=1&client_secret=s3cr3t&b=2"), "a=1&client_secret=****&b=2");
        let (b, _, _) = body_view(br#"{"user":{"password":"hunter2"},"x":1}"#, "application/json");
        assert!(!b.contains("hunter2") && b.contains("****"), "{b}");
        let (b, _, _) = body_view(
            b"grant_type=x&refresh_token=tok123",
            "application/x-www-form-urlencoded",
        );
        assert_eq!(b, "grant_type=x&refresh_token=****");
        let cut = mask_text(r#"{"password": "hunter2", "access_token":"abc"#);
        assert!(!cut.contains("hunter2") && !cut.contains("abc"), "{cut}");
        let mp = mask_multipart("--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nhunter2\r\n--b--\r\n");
        assert!(!mp.contains("hunter2"), "{mp}");
        let (b, _, _) = body_view(b"grant_type=x&client_secret=abc", "application/json");
        assert_eq!(b, "grant_type=x&client_secret=****");
        let (b, _, base64) = body_view(&[0xff, 0xfe, 0x00], "image/png");
        assert!(base64 && b == "//4A", "{b}");
    }
}
