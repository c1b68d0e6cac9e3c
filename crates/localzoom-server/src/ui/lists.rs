//! The dashboard's read pages: overview, users and meetings (`traffic.rs` has requests and webhooks).

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};
use serde_json::Value;

use super::queries::{self, PresenceLine};
use super::{csrf, layout, live, page_response, respond, still, BASE};
use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::state::AppState;

/// A page's query; empty values are no filter.
pub fn query(raw: Option<&str>) -> HashMap<String, String> {
    let mut q = crate::extract::form_pairs(raw.unwrap_or("").as_bytes());
    q.retain(|_, v| !v.trim().is_empty());
    q
}

/// A store or rule failure as a page.
pub fn failure(e: impl Into<ApiError>) -> Response {
    let e: ApiError = e.into();
    let status = e.status;
    page_response(
        status,
        layout(
            "Error",
            Some(""),
            None,
            html! { p.error role="alert" { (e.message) " (" (e.code) ")" } },
        ),
    )
}

pub fn not_found(what: &str) -> Response {
    page_response(
        StatusCode::NOT_FOUND,
        layout("Not found", Some(""), None, html! { p.error role="alert" { (what) } }),
    )
}

/// `value` as indented JSON.
pub fn json_block(value: &Value) -> Markup {
    html! { pre { (serde_json::to_string_pretty(value).unwrap_or_default()) } }
}

/// `&q=…` to keep a search in paging links (empty without one).
fn search_suffix(search: Option<&str>) -> String {
    search
        .map(|s| format!("&{}", serde_urlencoded::to_string([("q", s)]).unwrap_or_default()))
        .unwrap_or_default()
}

pub(super) fn search_form(action: &str, search: Option<&str>, extra: Markup) -> Markup {
    html! {
        form.search role="search" method="get" action=(action) {
            div {
                label for="q" { "Search" }
                input #q type="search" name="q" value=[search];
            }
            (extra)
            button type="submit" { "Search" }
        }
    }
}

fn presence_text(p: &PresenceLine) -> String {
    let mut s = if p.status.is_empty() {
        "—".to_string()
    } else {
        p.status.clone()
    };
    if let Some(until) = p.dnd_until {
        s.push_str(&format!(" until {}", rfc3339(until)));
    }
    s
}

pub async fn overview(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let c = csrf(&state, &headers);
    let q = query(raw.as_deref());
    let search = q.get("q").map(|s| s.trim().to_lowercase());
    let origin = state.public_origin(&headers);
    let mut conn = match state.store.acquire().await {
        Ok(c) => c,
        Err(e) => return failure(e),
    };
    let accounts = match crate::directory::accounts::all(&mut *conn).await {
        Ok(a) => a,
        Err(e) => return failure(e),
    };
    let mut cards = Vec::new();
    for a in &accounts {
        let owner = crate::directory::users::find(
            &mut *conn,
            &state.store,
            None,
            crate::directory::users::Lookup::Id(&a.owner_id),
            false,
        )
        .await
        .ok()
        .flatten()
        .map(|u| u.email)
        .unwrap_or_default();
        let apps = crate::auth::store::apps_of_account(&mut conn, &a.id)
            .await
            .unwrap_or_default();
        if let Some(s) = search.as_deref() {
            let hit = |t: &str| t.to_lowercase().contains(s);
            if !(hit(&a.id) || hit(&owner) || apps.iter().any(|p| hit(&p.name) || hit(&p.client_id))) {
                continue;
            }
        }
        let mut app_views = Vec::new();
        for app in apps {
            let subs = crate::webhooks::store::subscriptions_of(&mut conn, &app.client_id)
                .await
                .unwrap_or_default()
                .iter()
                .filter_map(|r| crate::webhooks::routes::subscription_view(r).ok())
                .collect::<Vec<_>>();
            let grants = queries::active_grants(&mut conn, &app.client_id).await.unwrap_or(0);
            app_views.push((app, subs, grants));
        }
        let subs_of: Vec<&str> = accounts
            .iter()
            .filter(|s| s.master_account_id.as_deref() == Some(a.id.as_str()))
            .map(|s| s.id.as_str())
            .collect();
        cards.push(html! {
            section.card aria-labelledby={ "acct-" (a.id) } {
                h2 #{ "acct-" (a.id) } { "Account " code { (a.id) } @if a.is_default { " " span.pill { "default" } } }
                div.table-wrap { table {
                    tbody {
                        tr { th scope="row" { "Plan" } td { (a.plan) } }
                        tr { th scope="row" { "Owner" } td { a href={ (BASE) "/users/" (a.owner_id) } { (owner) } } }
                        tr { th scope="row" { "Account number" } td { (a.account_number) } }
                        @if let Some(m) = &a.master_account_id { tr { th scope="row" { "Master account" } td { code { (m) } } } }
                        @if !subs_of.is_empty() { tr { th scope="row" { "Sub accounts" } td { @for s in &subs_of { code { (s) } " " } } } }
                    }
                } }
                @for (app, subs, grants) in &app_views {
                    @let secret_id = format!("secret-{}", app.client_id);
                    @let curl_id = format!("curl-{}", app.client_id);
                    h2 { (app.name) " " span.pill { (if app.kind == crate::auth::store::KIND_OAUTH { "OAuth" } else { "Server-to-Server" }) } }
                    div.table-wrap { table {
                        tbody {
                            tr { th scope="row" { "Client id" } td { code { (app.client_id) } } }
                            tr { th scope="row" { "Client secret" } td {
                                details data-key=(secret_id) { summary { "Reveal" } code #(secret_id) { (app.client_secret) } " "
                                    button type="button" data-copy=(secret_id) { "Copy" } }
                            } }
                            tr { th scope="row" { "Webhook secret token" } td {
                                details data-key={ "token-" (app.client_id) } { summary { "Reveal" } code { (app.secret_token) } }
                            } }
                            tr { th scope="row" { "Scopes" } td { (app.scopes.split_whitespace().count()) " scopes"
                                details data-key={ "scopes-" (app.client_id) } { summary { "Show" } code { (app.scopes) } } } }
                            @if !app.redirect_uris.is_empty() { tr { th scope="row" { "Redirect URIs" } td { code { (app.redirect_uris) } } } }
                            @if app.kind == crate::auth::store::KIND_OAUTH { tr { th scope="row" { "User grants" } td { (grants) " active" } } }
                            tr { th scope="row" { "Subscriptions" } td {
                                @if subs.is_empty() { span.muted { "none" } }
                                @for s in subs { div { code { (s["endpoint_url"].as_str().unwrap_or_default()) } " — "
                                    (s["events"].as_array().map(|e| e.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")).unwrap_or_default()) } }
                            } }
                        }
                    } }
                    @if app.kind != crate::auth::store::KIND_OAUTH {
                        details data-key=(curl_id) {
                            summary { "A token with curl" }
                            pre #(curl_id) { "curl -s -X POST -u '" (app.client_id) ":" (app.client_secret) "' '" (origin)
                                "/oauth/token?grant_type=account_credentials&account_id=" (a.id) "'" }
                            button type="button" data-copy=(curl_id) { "Copy" }
                        }
                    }
                }
            }
        });
    }
    let now = rfc3339(state.clock.now());
    let clock = html! { p.muted { "Clock when loaded: " (now) @if state.clock.is_frozen() { " (frozen)" } } };
    let cards = html! {
        @if cards.is_empty() { p.muted { "No account matches." } }
        div.cards { @for card in &cards { (card) } }
    };
    let region = if search.is_some() { still(cards) } else { live(cards) };
    let form = search_form("/_localzoom/ui", q.get("q").map(String::as_str), html! {});
    respond(
        &headers,
        &c,
        || {
            layout(
                "Overview",
                Some(""),
                Some(&c),
                html! { (clock) (form) (region.clone()) },
            )
        },
        region.clone(),
    )
}

pub async fn users(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let c = csrf(&state, &headers);
    let q = query(raw.as_deref());
    let search = q.get("q").map(String::as_str);
    let before = q.get("before").and_then(|b| b.parse::<i64>().ok());
    let mut conn = match state.store.acquire().await {
        Ok(c) => c,
        Err(e) => return failure(e),
    };
    let now = state.clock.now();
    let (rows, more) = match queries::users(&mut conn, state.store.backend(), search, before, now).await {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let total = queries::user_count(&mut conn).await.unwrap_or(0);
    let next = rows.last().map(|(u, _)| u.seq);
    let search_q = search_suffix(search);
    let table = html! {
        p.muted { (total) " users in all" @if search.is_some() { "; " (rows.len()) @if more { "+" } " match" } }
        div.table-wrap {
            table {
                caption.muted style="text-align:left;padding:.4rem .6rem" { "Newest first" }
                thead { tr { th scope="col" { "Email" } th scope="col" { "Name" } th scope="col" { "Type" }
                    th scope="col" { "Role" } th scope="col" { "Status" } th scope="col" { "Presence" } th scope="col" { "Signed in" } } }
                tbody {
                    @for (u, p) in &rows {
                        tr {
                            td { a href={ (BASE) "/users/" (u.id) } { (u.email) } }
                            td { (u.profile.first_name) " " (u.profile.last_name) }
                            td { (u.user_type) }
                            td { (u.role.name()) }
                            td { (u.status) }
                            td { (presence_text(p)) }
                            td { (if p.signed_in { "yes" } else { "no" }) }
                        }
                    }
                }
            }
        }
        nav.pager aria-label="Pages" {
            @if before.is_some() { a href={ (BASE) "/users?" (search_q.trim_start_matches('&')) } { "Newest" } }
            @if more { @if let Some(n) = next { a href={ (BASE) "/users?before=" (n) (search_q) } { "Older" } } }
        }
    };
    let region = if search.is_some() { still(table) } else { live(table) };
    respond(
        &headers,
        &c,
        || {
            layout(
                "Users",
                Some("/users"),
                Some(&c),
                html! { (search_form("/_localzoom/ui/users", search, html! {})) (region.clone()) },
            )
        },
        region.clone(),
    )
}

pub async fn user(State(state): State<AppState>, headers: HeaderMap, Path(user_id): Path<String>) -> Response {
    let c = csrf(&state, &headers);
    let origin = state.public_origin(&headers);
    let mut conn = match state.store.acquire().await {
        Ok(c) => c,
        Err(e) => return failure(e),
    };
    let found = crate::directory::users::find(
        &mut *conn,
        &state.store,
        None,
        crate::directory::users::Lookup::of(&user_id),
        false,
    )
    .await;
    let Ok(Some(u)) = found else {
        return not_found(&format!("User does not exist: {user_id}."));
    };
    let number = crate::directory::accounts::by_id(&mut *conn, &u.account_id)
        .await
        .ok()
        .flatten()
        .map(|a| a.account_number);
    let object = serde_json::to_value(crate::users::view::to_user(&u, number, &origin)).unwrap_or_default();
    let extras = match queries::user_extras(&mut conn, &u.id).await {
        Ok(x) => x,
        Err(e) => return failure(e),
    };
    drop(conn);
    let inside = crate::control::reset::inspect_user(&state, &crate::directory::lookup::UserRef::new(u.id.clone()))
        .await
        .ok()
        .and_then(|i| serde_json::to_value(i).ok())
        .unwrap_or_default();
    let settings: Value = extras
        .settings
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let body = html! {
        h2 { "Presence and quotas today" }
        (json_block(&serde_json::json!({"client": inside["client"], "quotas": inside["quotas"], "lock_keys": inside["lock_keys"]})))
        h2 { "Assistants and schedulers" }
        p { "Assistants: " @if extras.assistants.is_empty() { span.muted { "none" } } (extras.assistants.join(", ")) }
        p { "Schedules for: " @if extras.schedulers.is_empty() { span.muted { "none" } } (extras.schedulers.join(", ")) }
        h2 { "Meetings" }
        @if extras.meetings.is_empty() { p.muted { "none" } } @else {
            div.table-wrap { table {
                thead { tr { th scope="col" { "Id" } th scope="col" { "Topic" } th scope="col" { "Status" } } }
                tbody { @for (id, status, topic) in &extras.meetings {
                    tr { td { a href={ (BASE) "/meetings/" (id) } { (id) } } td { (topic) } td { (status) } }
                } }
            } }
        }
        h2 { "OAuth grants" }
        @if extras.grants.is_empty() { p.muted { "none" } } @else {
            div.table-wrap { table {
                thead { tr { th scope="col" { "App" } th scope="col" { "Scopes" } th scope="col" { "Granted" } th scope="col" { "Revoked" } } }
                tbody { @for g in &extras.grants {
                    tr { td { (g.app) " " code { (g.client_id) } } td { code { (g.scopes) } } td { (rfc3339(g.created_at)) }
                        td { (g.revoked_at.map(rfc3339).unwrap_or_default()) } }
                } }
            } }
        }
        h2 { "Tokens issued" }
        @if extras.tokens.is_empty() { p.muted { "none" } } @else {
            div.table-wrap { table {
                thead { tr { th scope="col" { "Kind" } th scope="col" { "Client id" } th scope="col" { "Issued" }
                    th scope="col" { "Expires" } th scope="col" { "Revoked" } } }
                tbody { @for t in &extras.tokens {
                    tr { td { (t.kind) } td { code { (t.client_id.as_deref().unwrap_or("—")) } } td { (rfc3339(t.issued_at)) }
                        td { (rfc3339(t.expires_at)) } td { (t.revoked_at.map(rfc3339).unwrap_or_default()) } }
                } }
            } }
        }
        h2 { "User object" }
        (json_block(&object))
        h2 { "Settings" }
        (json_block(&settings))
    };
    let region = live(body);
    respond(
        &headers,
        &c,
        || layout(&u.email, Some("/users"), Some(&c), region.clone()),
        region.clone(),
    )
}

pub async fn meetings(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let c = csrf(&state, &headers);
    let q = query(raw.as_deref());
    let search = q.get("q").map(String::as_str);
    let before = q.get("before").and_then(|b| {
        let (at, id) = b.split_once('.')?;
        Some((at.parse().ok()?, id.parse().ok()?))
    });
    let mut conn = match state.store.acquire().await {
        Ok(c) => c,
        Err(e) => return failure(e),
    };
    let (rows, more) = match queries::meetings(&mut conn, state.store.backend(), search, before).await {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let next = rows.last().map(|(m, _)| format!("{}.{}", m.created_at, m.id));
    let search_q = search_suffix(search);
    let table = html! {
        div.table-wrap {
            table {
                thead { tr { th scope="col" { "Topic" } th scope="col" { "Id" } th scope="col" { "Host" } th scope="col" { "Type" }
                    th scope="col" { "Start" } th scope="col" { "Status" } th scope="col" { "Occurrences" } } }
                tbody {
                    @for (m, host) in &rows {
                        tr {
                            td { a href={ (BASE) "/meetings/" (m.id) } { (m.doc.topic) } }
                            td { code { (m.id) } }
                            td { (host) }
                            td { (m.kind) }
                            td { (m.start_time.map(rfc3339).unwrap_or_default()) }
                            td { (m.status) }
                            td { (match crate::meetings::schedule::occurrences_of(m).len() { 0 => "—".to_string(), n => n.to_string() }) }
                        }
                    }
                }
            }
        }
        nav.pager aria-label="Pages" {
            @if before.is_some() { a href={ (BASE) "/meetings?" (search_q.trim_start_matches('&')) } { "Newest" } }
            @if more { @if let Some(n) = &next { a href={ (BASE) "/meetings?before=" (n) (search_q) } { "Older" } } }
        }
    };
    let region = if search.is_some() { still(table) } else { live(table) };
    respond(
        &headers,
        &c,
        || {
            layout(
                "Meetings",
                Some("/meetings"),
                Some(&c),
                html! { (search_form("/_localzoom/ui/meetings", search, html! {})) (region.clone()) },
            )
        },
        region.clone(),
    )
}

pub async fn meeting(State(state): State<AppState>, headers: HeaderMap, Path(meeting_id): Path<String>) -> Response {
    let c = csrf(&state, &headers);
    let Ok(id) = meeting_id.parse::<i64>() else {
        return not_found(&format!("Meeting does not exist: {meeting_id}."));
    };
    let mut conn = match state.store.acquire().await {
        Ok(c) => c,
        Err(e) => return failure(e),
    };
    let found = crate::meetings::store::find(
        &mut conn,
        &state.store,
        crate::meetings::store::Scope::AnyAccount,
        id,
        false,
    )
    .await;
    let Ok(Some(m)) = found else {
        return not_found(&format!("Meeting does not exist: {meeting_id}."));
    };
    let registrants = queries::registrants(&mut conn, id).await.unwrap_or_default();
    let mut by_status: Vec<(&str, Vec<&queries::RegistrantLine>)> = ["pending", "approved", "denied"]
        .iter()
        .map(|s| (*s, registrants.iter().filter(|r| r.status == *s).collect()))
        .collect();
    by_status.retain(|(_, r)| !r.is_empty());
    let controls = html! {
        form.inline method="post" action={ (BASE) "/meetings/" (m.id) "/status" } {
            input type="hidden" name="csrf" value=(c.token);
            @if m.status == zoom_types::enums::MeetingStatus::Started {
                button.primary type="submit" name="status" value="waiting" { "End meeting" }
            } @else {
                button.primary type="submit" name="status" value="started" { "Start meeting" }
            }
        }
    };
    let body = html! {
        (controls)
        p { "Status: " strong { (m.status) } " · host " a href={ (BASE) "/users/" (m.host_id) } { code { (m.host_id) } }
            " · start " (m.start_time.map(rfc3339).unwrap_or_else(|| "—".into()))
            @let n = crate::meetings::schedule::occurrences_of(&m).len();
            @if n > 0 { " · occurrences " (n) } }
        h2 { "Registrants" }
        @if by_status.is_empty() { p.muted { "none" } }
        @for (status, list) in &by_status {
            h3 { (status) " (" (list.len()) ")" }
            div.table-wrap { table {
                thead { tr { th scope="col" { "Email" } th scope="col" { "Name" } } }
                tbody { @for r in list { tr { td { (r.email) } td { (r.name) } } } }
            } }
        }
        h2 { "Meeting document" }
        (json_block(&serde_json::to_value(&m.doc).unwrap_or_default()))
    };
    let region = live(body);
    respond(
        &headers,
        &c,
        || {
            layout(
                &format!("{} ({})", m.doc.topic, m.id),
                Some("/meetings"),
                Some(&c),
                region.clone(),
            )
        },
        region.clone(),
    )
}
