//! The dashboard's traffic pages: requests (this process's journal, tailed live) and webhook
//! deliveries, each paged by offset with Newer / Older links.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use serde_json::Value;

use super::lists::{failure, json_block, not_found, query, search_form};
use super::{csrf, layout, live, respond, BASE};
use crate::state::AppState;

fn status_class(status: Option<u16>) -> char {
    status
        .and_then(|s| char::from_digit(u32::from(s / 100), 10))
        .unwrap_or('-')
}

pub async fn requests(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let c = csrf(&state, &headers);
    let q = query(raw.as_deref());
    let path = q.get("path").map(String::as_str);
    let class = q
        .get("status")
        .and_then(|s| s.chars().next())
        .filter(|k| ('1'..='5').contains(k));
    let typed = q.get("q").cloned();
    let search = typed.as_deref().map(str::to_lowercase);
    let filter = crate::control::journal::Filter::default();
    let (entries, _) = state.journal.query(&filter);
    let from = page_from(&q);
    let rows: Vec<_> = entries
        .iter()
        .filter(|e| path.is_none_or(|p| crate::ratelimit::faults::glob_matches(p, &e.path) || e.path.contains(p)))
        .filter(|e| class.is_none_or(|k| status_class(e.status) == k))
        .filter(|e| {
            search.as_deref().is_none_or(|s| {
                e.path.to_lowercase().contains(s)
                    || e.operation.as_deref().is_some_and(|o| o.to_lowercase().contains(s))
            })
        })
        .skip(from)
        .take(PAGE_ROWS + 1)
        .collect();
    let more = rows.len() > PAGE_ROWS;
    let rows = &rows[..rows.len().min(PAGE_ROWS)];
    let extra = html! {
        div { label for="path" { "Path" } input #path type="search" name="path" value=[path] placeholder="/v2/users/*"; }
        div { label for="status" { "Status" }
            select #status name="status" {
                option value="" { "any" }
                @for k in ["2", "3", "4", "5"] { option value={ (k) "xx" } selected[class == k.chars().next()] { (k) "xx" } }
            }
        }
    };
    let table = html! {
        @if !state.journal.enabled() { p.muted { "The journal is off (--journal-size 0)." } }
        div.table-wrap { table {
            caption.muted style="text-align:left;padding:.4rem .6rem" { "Newest first, this process's journal" }
            thead { tr { th scope="col" { "At" } th scope="col" { "Method" } th scope="col" { "Path" } th scope="col" { "Operation" }
                th scope="col" { "Status" } th scope="col" { "Account" } th scope="col" { "ms" } } }
            tbody { @for e in rows {
                tr {
                    td { a href={ (BASE) "/requests/" (e.id) } { (e.at) } }
                    td { (e.method) }
                    td { code { (e.path) } }
                    td { (e.operation.as_deref().unwrap_or("")) }
                    td class=(if e.status.unwrap_or(0) >= 400 { "bad" } else { "ok" }) { (e.status.map(|s| s.to_string()).unwrap_or_default()) }
                    td { code { (e.account_id.as_deref().unwrap_or("")) } }
                    td { (format!("{:.1}", e.duration_ms)) }
                }
            } }
        } }
        (pager("/requests", raw.as_deref(), from, more))
    };
    let region = live(table);
    respond(
        &headers,
        &c,
        || {
            layout(
                "Requests",
                Some("/requests"),
                Some(&c),
                html! { (search_form("/_localzoom/ui/requests", typed.as_deref(), extra)) (region.clone()) },
            )
        },
        region.clone(),
    )
}

/// `curl` for a journal entry, with its (already masked) headers and body.
fn as_curl(origin: &str, e: &crate::control::journal::Entry) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut url = format!("{origin}{}", e.path);
    if !e.query.is_empty() {
        url.push('?');
        url.push_str(&e.query);
    }
    let mut out = format!("curl -X {} {}", e.method, quote(&url));
    for (k, v) in &e.request_headers {
        if matches!(k.as_str(), "host" | "content-length" | "accept-encoding" | "connection") {
            continue;
        }
        out.push_str(&format!(
            " \\\n  -H {}",
            quote(&format!("{k}: {}", v.as_str().unwrap_or_default()))
        ));
    }
    if !e.request_body.is_empty() && !e.request_body_base64 {
        out.push_str(&format!(" \\\n  --data-raw {}", quote(&e.request_body)));
    }
    out
}

pub async fn request(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let c = csrf(&state, &headers);
    let (entries, _) = state.journal.query(&crate::control::journal::Filter::default());
    let Some(e) = entries.into_iter().find(|e| e.id == id) else {
        return not_found(&format!("No request {id} in the journal."));
    };
    let curl = as_curl(&state.public_origin(&headers), &e);
    let body = html! {
        p { (e.at) " · " (e.method) " " code { (e.path) } " · " strong { (e.status.map(|s| s.to_string()).unwrap_or_default()) }
            " · " (e.operation.as_deref().unwrap_or("")) " · " (format!("{:.1}", e.duration_ms)) " ms" }
        h2 { "Copy as curl" }
        pre #curl { (curl) }
        button type="button" data-copy="curl" { "Copy" }
        h2 { "Request headers" } (json_block(&Value::Object(e.request_headers.clone())))
        h2 { "Request body" } pre { (e.request_body) }
        h2 { "Response headers" } (json_block(&Value::Object(e.response_headers.clone())))
        h2 { "Response body" } pre { (e.response_body) }
    };
    respond(
        &headers,
        &c,
        || layout(&format!("Request {}", e.id), Some("/requests"), Some(&c), body.clone()),
        live(body.clone()),
    )
}

/// Rows a journal or deliveries page shows; deeper pages than `MAX_FROM` rows are not offered.
const PAGE_ROWS: usize = 100;
const MAX_FROM: usize = 10_000;

fn page_from(q: &HashMap<String, String>) -> usize {
    q.get("from").and_then(|f| f.parse().ok()).unwrap_or(0)
}

/// Newer / Older links for offset-paged lists, keeping the other filters.
fn pager(page: &str, raw: Option<&str>, from: usize, more: bool) -> Markup {
    let kept: Vec<(String, String)> = query(raw).into_iter().filter(|(k, _)| k != "from").collect();
    let link = |at: usize| {
        let mut pairs = kept.clone();
        if at > 0 {
            pairs.push(("from".into(), at.to_string()));
        }
        format!(
            "{BASE}{page}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    html! {
        nav.pager aria-label="Pages" {
            @if from > 0 { a href=(link(from.saturating_sub(PAGE_ROWS))) { "Newer" } }
            @if more && from + PAGE_ROWS <= MAX_FROM { a href=(link(from + PAGE_ROWS)) { "Older" } }
        }
    }
}

pub async fn webhooks(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let c = csrf(&state, &headers);
    let q = query(raw.as_deref());
    let wanted = q.get("state").cloned();
    let mut conn = match state.store.acquire().await {
        Ok(c) => c,
        Err(e) => return failure(e),
    };
    let equal: Vec<(&str, String)> = wanted.iter().map(|s| ("state", s.clone())).collect();
    let from = page_from(&q).min(MAX_FROM);
    let rows = crate::webhooks::store::newest(
        &mut conn,
        "deliveries",
        crate::webhooks::store::DELIVERY_COLUMNS,
        &equal,
        None,
        (from + PAGE_ROWS + 1) as i64,
    )
    .await;
    let search = q.get("q").map(|s| s.to_lowercase());
    let deliveries: Vec<Value> = match rows {
        Ok(rows) => rows
            .iter()
            .filter_map(|r| crate::webhooks::routes::delivery_view(r).ok())
            .filter(|d| {
                search.as_deref().is_none_or(|s| {
                    ["event", "endpoint_url", "id"]
                        .iter()
                        .any(|k| d[*k].as_str().is_some_and(|v| v.to_lowercase().contains(s)))
                })
            })
            .skip(from)
            .collect(),
        Err(e) => return failure(e),
    };
    let more = deliveries.len() > PAGE_ROWS;
    let deliveries = &deliveries[..deliveries.len().min(PAGE_ROWS)];
    let subs = crate::webhooks::store::all_subscriptions(&mut conn)
        .await
        .unwrap_or_default();
    let extra = html! {
        div { label for="state" { "State" }
            select #state name="state" {
                option value="" { "any" }
                @for s in ["pending", "delivered", "failed"] { option value=(s) selected[wanted.as_deref() == Some(s)] { (s) } }
            }
        }
    };
    let body = html! {
        h2 { "Subscriptions" }
        @if subs.is_empty() { p.muted { "none" } }
        @for r in &subs {
            @if let Ok(v) = crate::webhooks::routes::subscription_view(r) {
                p { code { (v["endpoint_url"].as_str().unwrap_or_default()) } " — "
                    (v["events"].as_array().map(|e| e.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
            }
        }
        h2 { "Deliveries" }
        div.table-wrap { table {
            thead { tr { th scope="col" { "Event" } th scope="col" { "Endpoint" } th scope="col" { "State" }
                th scope="col" { "Attempts" } th scope="col" { "Next attempt" } th scope="col" { "Payload" } th scope="col" { "Action" } } }
            tbody { @for d in deliveries {
                tr {
                    td { (d["event"].as_str().unwrap_or_default()) }
                    td { code { (d["endpoint_url"].as_str().unwrap_or_default()) } }
                    td { (d["state"].as_str().unwrap_or_default()) }
                    td { details data-key={ "attempts-" (d["id"].as_str().unwrap_or_default()) } { summary { (d["attempts"].as_array().map(Vec::len).unwrap_or(0)) }
                        (json_block(&d["attempts"])) } }
                    td { (d["next_attempt_at"].as_str().unwrap_or("")) }
                    td { details data-key={ "payload-" (d["id"].as_str().unwrap_or_default()) } { summary { "Show" } (json_block(&d["body"])) } }
                    td { form.inline method="post" action={ (BASE) "/webhooks/deliveries/" (d["id"].as_str().unwrap_or_default()) "/retry" } {
                        input type="hidden" name="csrf" value=(c.token);
                        button type="submit" { "Retry now" }
                    } }
                }
            } }
        } }
        (pager("/webhooks", raw.as_deref(), from, more))
    };
    let region = live(body);
    respond(
        &headers,
        &c,
        || {
            layout(
                "Webhooks",
                Some("/webhooks"),
                Some(&c),
                html! { (search_form("/_localzoom/ui/webhooks", q.get("q").map(String::as_str), extra)) (region.clone()) },
            )
        },
        region.clone(),
    )
}
