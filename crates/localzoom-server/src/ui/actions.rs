//! The dashboard's steering: the clock, rate-limit switches, fault rules and reset (the "Time and
//! limits" page), starting and ending meetings, and retrying webhook deliveries. Every action is a
//! CSRF-checked POST that calls the same functions as the JSON control plane, then redirects back.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
use serde_json::{json, Map, Value};

use super::lists::{failure, json_block, not_found};
use super::{csrf, layout, live, page_response, redirect, respond, CheckedForm, BASE};
use crate::clock::rfc3339;
use crate::state::AppState;

/// The Time and limits page; `error` shows a refused action's answer above the forms.
fn time_page(state: &AppState, headers: &HeaderMap, rules: &[Value], error: Option<String>) -> Response {
    let c = csrf(state, headers);
    let s = state.switches();
    let ops: Vec<&str> = {
        let mut ids: Vec<&str> = crate::auth::ops::ALL.iter().map(|o| o.id).collect();
        ids.sort_unstable();
        ids
    };
    let status_now = html! {
        p { "Clock: " strong #clock-now { (rfc3339(state.clock.now())) } " "
            @if state.clock.is_frozen() { span.pill { "frozen" } } @else { span.pill { "running" } } }
        p { "Rate limits: " strong { (if s.enabled { "on" } else { "off" }) } ", scale " (s.scale) }
        h2 { "Fault rules" }
        @if rules.is_empty() { p.muted { "none" } } @else {
            div.table-wrap { table {
                thead { tr { th scope="col" { "Id" } th scope="col" { "Matches" } th scope="col" { "Answer" }
                    th scope="col" { "Left" } th scope="col" { "Action" } } }
                tbody { @for r in rules {
                    tr {
                        td { code { (r["id"].as_str().unwrap_or_default()) } }
                        td { (["operation", "method", "path", "account_id"].iter()
                            .filter_map(|k| r[*k].as_str().map(|v| format!("{k}={v}"))).collect::<Vec<_>>().join(" ")) }
                        td { (r["status"].as_i64().map(|s| s.to_string()).unwrap_or_default())
                            @if let Some(ms) = r["latency_ms"].as_i64() { " after " (ms) " ms" } }
                        td { (r["remaining"].as_i64().or(r["times"].as_i64()).map(|n| n.to_string()).unwrap_or_else(|| "∞".into())) }
                        td { form.inline method="post" action={ (BASE) "/time/faults/" (r["id"].as_str().unwrap_or_default()) "/delete" } {
                            input type="hidden" name="csrf" value=(c.token);
                            button type="submit" { "Remove" }
                        } }
                    }
                } }
            } }
        }
    };
    let forms = html! {
        @if let Some(e) = &error { p.error role="alert" { (e) } }
        h2 { "Clock" }
        form.inline method="post" action="/_localzoom/ui/time/clock" {
            input type="hidden" name="csrf" value=(c.token);
            button type="submit" name="advance" value="60" { "Advance 1 min" }
            button type="submit" name="advance" value="3600" { "Advance 1 h" }
            button type="submit" name="advance" value="86400" { "Advance 1 day" }
        }
        form.inline method="post" action="/_localzoom/ui/time/clock" {
            input type="hidden" name="csrf" value=(c.token);
            label for="seconds" { "Seconds" }
            input #seconds type="number" name="advance" required;
            button type="submit" { "Advance" }
        }
        form.inline method="post" action="/_localzoom/ui/time/clock" {
            input type="hidden" name="csrf" value=(c.token);
            button type="submit" name="frozen" value="true" { "Freeze" }
            button type="submit" name="frozen" value="false" { "Unfreeze" }
        }
        h2 { "Rate limits" }
        form.inline method="post" action="/_localzoom/ui/time/ratelimits" {
            input type="hidden" name="csrf" value=(c.token);
            label for="enabled" { "Limits" }
            select #enabled name="enabled" {
                option value="true" selected[s.enabled] { "on" }
                option value="false" selected[!s.enabled] { "off" }
            }
            label for="scale" { "Scale" }
            input #scale type="number" name="scale" step="any" min="0" value=(s.scale);
            button type="submit" { "Save" }
        }
        h2 { "Add fault" }
        form.inline method="post" action="/_localzoom/ui/time/faults" {
            input type="hidden" name="csrf" value=(c.token);
            label for="operation" { "Operation" }
            select #operation name="operation" {
                option value="" { "any" }
                @for o in &ops { option value=(o) { (o) } }
            }
            label for="fault-path" { "Path" }
            input #fault-path type="text" name="path" placeholder="/v2/users/*" style="width:12rem";
            label for="fault-status" { "Status" }
            input #fault-status type="number" name="status" min="100" max="599" value="503";
            label for="times" { "Times" }
            input #times type="number" name="times" min="1" placeholder="∞";
            label for="latency" { "Latency ms" }
            input #latency type="number" name="latency_ms" min="0";
            button.primary type="submit" { "Add fault" }
        }
        h2 { "Reset" }
        p { a href="/_localzoom/ui/reset" { "Reset everything…" } " (asks first)" }
    };
    let region = live(status_now);
    respond(
        headers,
        &c,
        || {
            layout(
                "Time and limits",
                Some("/time"),
                Some(&c),
                html! { (region.clone()) (forms) },
            )
        },
        region.clone(),
    )
}

async fn fault_rules(state: &AppState) -> Vec<Value> {
    crate::ratelimit::faults::list(state)
        .await
        .ok()
        .and_then(|r| serde_json::to_value(r).ok())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
}

pub async fn time(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let rules = fault_rules(&state).await;
    time_page(&state, &headers, &rules, None)
}

/// A refused action: the page again with the reason, answered 400.
async fn refused(state: &AppState, headers: &HeaderMap, why: String) -> Response {
    let rules = fault_rules(state).await;
    let mut r = time_page(state, headers, &rules, Some(why));
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r
}

fn message_of(e: &crate::error::ApiError) -> String {
    let mut m = e.message.clone();
    for f in &e.errors {
        m.push_str(&format!(" {}: {}", f.field, f.message));
    }
    m
}

pub async fn clock(State(state): State<AppState>, headers: HeaderMap, CheckedForm(f): CheckedForm) -> Response {
    let advance = f.get("advance").filter(|s| !s.is_empty());
    let frozen = f.get("frozen").map(|v| v == "true");
    let seconds = match advance.map(|a| a.trim().parse::<i64>()) {
        Some(Ok(s)) if s.unsigned_abs() <= 100 * 365 * 24 * 3600 => Some(s),
        Some(_) => {
            return refused(
                &state,
                &headers,
                "Advance by a whole number of seconds (at most 100 years).".into(),
            )
            .await
        }
        None => None,
    };
    if seconds.is_none() && frozen.is_none() {
        return refused(
            &state,
            &headers,
            "Choose an amount to advance, Freeze or Unfreeze.".into(),
        )
        .await;
    }
    let done = crate::runtime::update(&state, |s| {
        if let Some(f) = frozen {
            s.clock.set_frozen(f);
        }
        if let Some(secs) = seconds {
            s.clock.advance_ms(secs.saturating_mul(1000));
        }
    })
    .await;
    match done {
        Ok(_) => redirect("/_localzoom/ui/time"),
        Err(e) => failure(e),
    }
}

pub async fn ratelimits(State(state): State<AppState>, headers: HeaderMap, CheckedForm(f): CheckedForm) -> Response {
    let enabled = f.get("enabled").map(|v| v == "true");
    let scale = match f.get("scale").filter(|s| !s.is_empty()).map(|s| s.parse::<f64>()) {
        Some(Ok(x)) if crate::runtime::valid_scale(x) => Some(x),
        Some(_) => {
            let why = format!(
                "The scale is a number above 0 and at most {}.",
                crate::runtime::MAX_SCALE
            );
            return refused(&state, &headers, why).await;
        }
        None => None,
    };
    let done = crate::runtime::update(&state, |s| {
        if let Some(e) = enabled {
            s.limits.enabled = e;
        }
        if let Some(x) = scale {
            s.limits.scale = x;
        }
    })
    .await;
    match done {
        Ok(_) => redirect("/_localzoom/ui/time"),
        Err(e) => failure(e),
    }
}

pub async fn add_fault(State(state): State<AppState>, headers: HeaderMap, CheckedForm(f): CheckedForm) -> Response {
    let mut rule = Map::new();
    for key in ["operation", "path", "method"] {
        if let Some(v) = f.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            rule.insert(key.into(), json!(v));
        }
    }
    for key in ["status", "times", "latency_ms"] {
        if let Some(v) = f.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            match v.parse::<i64>() {
                Ok(n) => rule.insert(key.into(), json!(n)),
                Err(_) => return refused(&state, &headers, format!("{key}: expected a whole number.")).await,
            };
        }
    }
    let parsed = match crate::ratelimit::faults::parse(&rule) {
        Ok(r) => r,
        Err(e) => return refused(&state, &headers, message_of(&e)).await,
    };
    match crate::ratelimit::faults::create(&state, parsed).await {
        Ok(_) => redirect("/_localzoom/ui/time"),
        Err(e) => refused(&state, &headers, message_of(&e)).await,
    }
}

pub async fn delete_fault(State(state): State<AppState>, Path(id): Path<String>, _form: CheckedForm) -> Response {
    match crate::ratelimit::faults::delete(&state, Some(&id)).await {
        Ok(true) => redirect("/_localzoom/ui/time"),
        Ok(false) => not_found(&format!("No fault rule {id}.")),
        Err(e) => failure(e),
    }
}

pub async fn confirm_reset(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let c = csrf(&state, &headers);
    let counts = match state.store.acquire().await {
        Ok(mut conn) => super::queries::counts(&mut conn).await.unwrap_or_default(),
        Err(e) => return failure(e),
    };
    let (journal, _) = state.journal.query(&crate::control::journal::Filter::default());
    let body = html! {
        div.card role="alertdialog" aria-labelledby="reset-q" {
            h2 #reset-q { "Reset localzoom to its first start?" }
            p { "This deletes:" }
            ul {
                @for (what, n) in &counts {
                    // The default account, its owner and its app stay.
                    @let n = if matches!(*what, "users" | "accounts" | "apps") { (n - 1).max(0) } else { *n };
                    li { (n) " " (what) }
                }
                li { (journal.len()) " journal entries" }
            }
            p { "The default account, its owner and its app stay, with the same ids and credentials. The clock
                 runs again in real time; rate-limit switches return to their flags." }
            form.inline method="post" action="/_localzoom/ui/reset" {
                input type="hidden" name="csrf" value=(c.token);
                button.danger type="submit" { "Yes, reset everything" }
                a href="/_localzoom/ui/time" { "Cancel" }
            }
        }
    };
    respond(
        &headers,
        &c,
        || layout("Reset", Some("/time"), Some(&c), body.clone()),
        body.clone(),
    )
}

pub async fn reset(State(state): State<AppState>, _form: CheckedForm) -> Response {
    match crate::control::reset::reset_all(&state).await {
        Ok(()) => redirect("/_localzoom/ui/users"),
        Err(e) => failure(e),
    }
}

pub async fn meeting_status(
    State(state): State<AppState>,
    Path(meeting_id): Path<String>,
    CheckedForm(f): CheckedForm,
) -> Response {
    use crate::meetings::input::{LiveChange, MeetingId};
    use crate::validate::Input;
    let status = f.get("status").cloned().unwrap_or_default();
    let fields = crate::extract::Body::from_json(json!({ "status": status }));
    let done = async {
        let change = LiveChange::from_body(&fields)?;
        crate::meetings::service::set_live(&state, &MeetingId::parse(&meeting_id)?, change).await
    }
    .await;
    match done {
        Ok(_) => redirect(&format!("{BASE}/meetings/{meeting_id}")),
        Err(e) => failure(e),
    }
}

pub async fn retry_delivery(State(state): State<AppState>, Path(id): Path<String>, _form: CheckedForm) -> Response {
    let known = match state.store.acquire().await {
        Ok(mut conn) => crate::webhooks::store::delivery(&mut conn, &id)
            .await
            .map(|d| d.is_some()),
        Err(e) => return failure(e),
    };
    match known {
        Ok(true) => {}
        Ok(false) => return not_found(&format!("Delivery does not exist: {id}.")),
        Err(e) => return failure(e),
    }
    let http = match crate::webhooks::routes::http() {
        Ok(h) => h,
        Err(e) => return failure(e),
    };
    match crate::webhooks::worker::attempt_once(&state, &http, &id, true).await {
        Ok(_) => redirect("/_localzoom/ui/webhooks"),
        Err(e) => page_response(
            StatusCode::NOT_FOUND,
            layout(
                "Webhooks",
                Some("/webhooks"),
                None,
                html! { p.error role="alert" { (message_of(&e.into())) } (json_block(&json!({"delivery": id}))) },
            ),
        ),
    }
}
