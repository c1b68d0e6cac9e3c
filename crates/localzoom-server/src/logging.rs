//! One log line per request (method, path, status, latency, account) and Zoom's tracking header.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// Filled by the `Caller` extractor so the log line can name the account.
#[derive(Clone, Default)]
pub struct AccountSlot(Arc<OnceLock<String>>);

impl AccountSlot {
    pub fn set(&self, account: &str) {
        let _ = self.0.set(account.to_string());
    }
}

/// Who a request turned out to be, filled by authentication (the `Caller`, or the OAuth client).
#[derive(Clone, Default)]
pub struct Who(Arc<std::sync::Mutex<(Option<String>, Option<String>)>>);

impl Who {
    /// The account and client noted so far.
    pub fn get(&self) -> (Option<String>, Option<String>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set(&self, account_id: &str, client_id: Option<&str>) {
        let mut w = self.0.lock().unwrap_or_else(|p| p.into_inner());
        w.0 = Some(account_id.to_string());
        if client_id.is_some() {
            w.1 = client_id.map(str::to_string);
        }
    }
}

/// Notes the authenticated account and client on a request being journaled.
pub fn note(extensions: &axum::http::Extensions, account_id: &str, client_id: Option<&str>) {
    if let Some(who) = extensions.get::<Who>() {
        who.set(account_id, client_id);
    }
}

pub async fn log_requests(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // The dashboard's once-a-second refreshes would drown the log.
    let refresh = req.headers().contains_key("x-localzoom-live");
    let slot = AccountSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut response = next.run(req).await;
    let rid = crate::ids::alnum(16);
    if let Ok(v) = HeaderValue::from_str(&format!("v=2.0;clid=localzoom;rid=WEB_{rid}")) {
        response.headers_mut().insert("x-zm-trackingid", v);
    }
    let (status, latency_ms) = (response.status().as_u16(), started.elapsed().as_secs_f64() * 1000.0);
    let account = slot.0.get().map(String::as_str).unwrap_or("-");
    if refresh {
        tracing::debug!(%method, path, status, latency_ms, account, "request");
    } else {
        tracing::info!(%method, path, status, latency_ms, account, "request");
    }
    response
}
