//! The rate-limit layer: authenticates each `/v2` operation, counts it against its account's limits
//! for the operation's label, answers Zoom's 429s, and sets the `X-RateLimit-*` headers.

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{day_start, limits, store as counters, DAY};
use crate::auth::{self, Caller, Label};
use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::state::AppState;

/// What the response headers say about the limit that applies (or was exceeded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    pub category: Label,
    pub daily: bool,
    pub limit: i64,
    pub remaining: i64,
    /// Per-second 429s: when the window rolls (unix seconds).
    pub reset: Option<i64>,
    /// Daily 429s: the next 00:00 UTC.
    pub retry_after: Option<String>,
}

impl Headers {
    fn counted(category: Label, daily: bool, limit: i64, used: i64) -> Self {
        Headers {
            category,
            daily,
            limit,
            remaining: (limit - used).max(0),
            reset: None,
            retry_after: None,
        }
    }

    pub(crate) fn write(&self, h: &mut HeaderMap) {
        let mut set = |name: &'static str, value: String| {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(name, v);
            }
        };
        set("x-ratelimit-category", self.category.header().into());
        set(
            "x-ratelimit-type",
            if self.daily { "Daily-limit" } else { "QPS" }.into(),
        );
        set("x-ratelimit-limit", self.limit.to_string());
        set("x-ratelimit-remaining", self.remaining.to_string());
        if let Some(reset) = self.reset {
            set("x-ratelimit-reset", reset.to_string());
        }
        if let Some(at) = &self.retry_after {
            set("retry-after", at.clone());
        }
    }
}

pub use crate::auth::ops::operation;

pub enum Verdict {
    Allowed(Headers),
    Limited(Headers, ApiError),
}

/// Counts one request of `label` for the caller's account at the clock's time.
pub async fn check(state: &AppState, caller: &Caller, label: Label) -> Result<Verdict, crate::store::StoreError> {
    let switches = state.switches();
    let now_ms = state.clock.now_ms();
    let now = now_ms.div_euclid(1000);
    let (rate, daily) = limits(&caller.plan, label);
    let rate_limit = switches.scaled(rate.limit);
    let window = now - now.rem_euclid(rate.seconds);
    let key = format!("rate:{}:{}", caller.account_id, label.header());
    // Short windows: in the database where replicas share it, in this process for SQLite.
    let used = match state.store.backend() {
        crate::store::Backend::Postgres => counters::hit(&state.store, &key, window).await?,
        crate::store::Backend::Sqlite => state.local_counters.hit(&key, window),
    };
    let qps = Headers::counted(label, false, rate_limit, used);
    if used > rate_limit {
        let headers = Headers {
            reset: Some(window + rate.seconds),
            ..qps
        };
        return Ok(Verdict::Limited(headers, ApiError::qps_limit()));
    }
    let Some(daily) = daily else {
        return Ok(Verdict::Allowed(qps));
    };
    let day = day_start(now);
    let daily_limit = switches.scaled(daily.limit);
    let key = format!("daily:{}:{}", caller.account_id, daily.bucket);
    let used = counters::hit(&state.store, &key, day).await?;
    let headers = Headers::counted(label, true, daily_limit, used);
    if used > daily_limit {
        let headers = Headers {
            retry_after: Some(rfc3339(day + DAY)),
            ..headers
        };
        return Ok(Verdict::Limited(headers, ApiError::daily_limit()));
    }
    Ok(Verdict::Allowed(headers))
}

/// Middleware for every route: operations of the table are authenticated and counted; the rest
/// (OAuth, the control plane, unknown routes) pass untouched.
pub async fn enforce(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    let Some(op) = route.and_then(|r| operation(req.method(), &r)) else {
        return next.run(req).await;
    };
    let caller = match auth::authenticate_headers(&state, req.headers()).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let Some(slot) = req.extensions().get::<crate::logging::AccountSlot>() {
        slot.set(&caller.account_id);
    }
    crate::logging::note(req.extensions(), &caller.account_id, caller.client_id.as_deref());
    // A user's own token sees no other user: they answer as if missing; and the account-wide
    // user operations (list, create, look up by email…) need an account-level scope.
    if caller.user_grant.is_some()
        && op.path.starts_with("/users")
        && !op.path.contains('{')
        && !caller.acts_for_account(op)
    {
        let admin = |list: &[&'static str]| -> Vec<&'static str> {
            list.iter().copied().filter(|s| s.ends_with(":admin")).collect()
        };
        let wanted = match admin(op.granular) {
            g if g.is_empty() => admin(op.classic),
            g => g,
        };
        return ApiError::missing_scopes(&wanted).into_response();
    }
    if caller.user_grant.is_some() {
        let (mut parts, body) = req.into_parts();
        let params = axum::extract::RawPathParams::from_request_parts(&mut parts, &state).await;
        req = Request::from_parts(parts, body);
        if let Ok(params) = params {
            if let Some((_, user_id)) = params.iter().find(|(name, _)| *name == "user_id") {
                if !caller.may_address(op, user_id) {
                    return ApiError::user_not_found(user_id).into_response();
                }
            }
        }
    }
    // Fault rules answer before the request is counted or reaches its service.
    let incoming = crate::ratelimit::faults::Incoming {
        method: req.method(),
        path: req.uri().path(),
        operation: Some(op.id),
        account_id: Some(&caller.account_id),
        limits: Some((op.label, caller.plan.as_str())),
    };
    if let Some(faulted) = crate::ratelimit::faults::intercept(&state, &incoming).await {
        return faulted;
    }
    if !state.switches().enabled {
        req.extensions_mut().insert(caller);
        return next.run(req).await;
    }
    let verdict = check(&state, &caller, op.label).await;
    req.extensions_mut().insert(caller);
    match verdict {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Verdict::Limited(headers, error)) => {
            let mut response = error.into_response();
            headers.write(response.headers_mut());
            response
        }
        Ok(Verdict::Allowed(headers)) => {
            let mut response = next.run(req).await;
            headers.write(response.headers_mut());
            response
        }
    }
}
