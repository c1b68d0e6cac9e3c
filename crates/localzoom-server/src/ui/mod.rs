//! The dashboard at `/_localzoom/ui`: server-rendered pages (maud) over the same store and control
//! functions as the JSON control plane, with one small script of our own (`live.js`) that refreshes
//! each page's live region every second and copies text. No CDN, no build step, no external fonts.
//!
//! With `--control-token` the pages ask for the token in a sign-in form and keep an HttpOnly,
//! SameSite=Strict session cookie holding an HMAC of the token (never the token itself); the JSON
//! control plane keeps its Bearer rule. Every state-changing action is a POST carrying a
//! double-submit CSRF token and, when the browser sends one, a same-origin `Origin`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, HOST, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hmac::{Hmac, Mac};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sha2::Sha256;

use crate::state::AppState;

mod actions;
mod lists;
mod queries;
mod traffic;

pub const BASE: &str = "/_localzoom/ui";
const SESSION_COOKIE: &str = "lz_session";
const CSRF_COOKIE: &str = "lz_csrf";
/// Sent by `live.js` when it asks for a page's live region only.
const LIVE_HEADER: &str = "x-localzoom-live";

pub fn routes(state: &AppState) -> Router<AppState> {
    let pages = Router::new()
        .route(BASE, get(lists::overview))
        .route("/_localzoom/ui/users", get(lists::users))
        .route("/_localzoom/ui/users/{user_id}", get(lists::user))
        .route("/_localzoom/ui/meetings", get(lists::meetings))
        .route("/_localzoom/ui/meetings/{meeting_id}", get(lists::meeting))
        .route(
            "/_localzoom/ui/meetings/{meeting_id}/status",
            post(actions::meeting_status),
        )
        .route("/_localzoom/ui/requests", get(traffic::requests))
        .route("/_localzoom/ui/requests/{id}", get(traffic::request))
        .route("/_localzoom/ui/webhooks", get(traffic::webhooks))
        .route(
            "/_localzoom/ui/webhooks/deliveries/{id}/retry",
            post(actions::retry_delivery),
        )
        .route("/_localzoom/ui/time", get(actions::time))
        .route("/_localzoom/ui/time/clock", post(actions::clock))
        .route("/_localzoom/ui/time/ratelimits", post(actions::ratelimits))
        .route("/_localzoom/ui/time/faults", post(actions::add_fault))
        .route("/_localzoom/ui/time/faults/{id}/delete", post(actions::delete_fault))
        .route("/_localzoom/ui/reset", get(actions::confirm_reset).post(actions::reset))
        .route("/_localzoom/ui/signout", post(sign_out))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), signed_in_only));
    Router::new()
        .merge(pages)
        .route("/", get(|| async { redirect(BASE) }))
        .route("/_localzoom/ui/signin", get(sign_in_page).post(sign_in))
        .route("/_localzoom/ui/assets/live.js", get(live_js))
        .route("/_localzoom/ui/favicon.svg", get(favicon))
}

pub fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
}

fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The session cookie's value for a control token: an HMAC, so the cookie never holds the token.
fn session_value(token: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(token.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(b"localzoom dashboard session v1");
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn control_token(state: &AppState) -> Option<&str> {
    state.config.control_token.as_deref().filter(|t| !t.is_empty())
}

fn is_signed_in(state: &AppState, headers: &HeaderMap) -> bool {
    match control_token(state) {
        None => true,
        Some(token) => cookies(headers)
            .get(SESSION_COOKIE)
            .is_some_and(|v| crate::ids::same_secret(v, &session_value(token))),
    }
}

async fn signed_in_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_signed_in(&state, req.headers()) {
        return next.run(req).await;
    }
    if req.method() == axum::http::Method::GET {
        return redirect("/_localzoom/ui/signin");
    }
    page_response(
        StatusCode::UNAUTHORIZED,
        layout(
            "Sign in",
            None,
            None,
            html! { p.error role="alert" { "Sign in first." } },
        ),
    )
}

/// The CSRF token of this browser (a random cookie), and the `Set-Cookie` to send if it is new.
pub struct Csrf {
    pub token: String,
    set: Option<String>,
    /// Whether pages offer Sign out (only when a control token is set).
    sign_out: bool,
}

pub fn csrf(state: &AppState, headers: &HeaderMap) -> Csrf {
    let sign_out = control_token(state).is_some();
    match cookies(headers).get(CSRF_COOKIE).filter(|v| v.len() >= 32) {
        Some(v) => Csrf {
            token: v.clone(),
            set: None,
            sign_out,
        },
        None => {
            let token = crate::ids::secret(24);
            let set = format!("{CSRF_COOKIE}={token}; Path={BASE}; HttpOnly; SameSite=Strict");
            Csrf {
                token,
                set: Some(set),
                sign_out,
            }
        }
    }
}

/// A form refused by the CSRF checks, answered 403 with why.
pub struct Refused(&'static str);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        page_response(
            StatusCode::FORBIDDEN,
            layout("Refused", None, None, html! { p.error role="alert" { (self.0) } }),
        )
    }
}

/// A posted form's fields after the CSRF checks: the field `csrf` equals the cookie, and a browser's
/// `Origin` (when sent) is this server.
fn checked_form(headers: &HeaderMap, body: &Bytes) -> Result<HashMap<String, String>, Refused> {
    let fields: HashMap<String, String> = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map_err(|_| Refused("That form could not be read."))?
        .into_iter()
        .collect();
    let cookie = cookies(headers).get(CSRF_COOKIE).cloned().unwrap_or_default();
    let given = fields.get("csrf").map(String::as_str).unwrap_or("");
    if cookie.len() < 32 || !crate::ids::same_secret(&cookie, given) {
        return Err(Refused("This form has expired: reload the page and try again."));
    }
    if let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) {
        let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin_host != host {
            return Err(Refused("Cross-site requests are refused."));
        }
    }
    Ok(fields)
}

/// A posted form that passed `checked_form`: every dashboard action takes one, so none can skip
/// the CSRF checks.
pub struct CheckedForm(pub HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for CheckedForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        checked_form(&headers, &body)
            .map(CheckedForm)
            .map_err(IntoResponse::into_response)
    }
}

/// Whether `live.js` asked for the live region only.
pub fn wants_live(headers: &HeaderMap) -> bool {
    headers.contains_key(LIVE_HEADER)
}

pub fn page_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (CACHE_CONTROL, "no-store"),
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; \
                 connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ],
        Html(markup.into_string()),
    )
        .into_response()
}

/// A page (or, for `live.js`, its live region alone), setting the CSRF cookie if new.
pub fn respond(headers: &HeaderMap, csrf: &Csrf, whole: impl FnOnce() -> Markup, live: Markup) -> Response {
    let mut resp = if wants_live(headers) {
        page_response(StatusCode::OK, live)
    } else {
        page_response(StatusCode::OK, whole())
    };
    if let Some(set) = csrf.set.as_ref().and_then(|s| HeaderValue::from_str(s).ok()) {
        resp.headers_mut().append(SET_COOKIE, set);
    }
    resp
}

const NAV: &[(&str, &str)] = &[
    ("Overview", ""),
    ("Users", "/users"),
    ("Meetings", "/meetings"),
    ("Requests", "/requests"),
    ("Webhooks", "/webhooks"),
    ("Time and limits", "/time"),
];

const DASHBOARD_STYLE: &str = r#"
main { max-width: 76rem; margin: 1rem auto 3rem; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem; padding: .75rem 1rem;
  border-bottom: 1px solid var(--line); background: var(--card); }
header.top .logo { font-weight: 700; text-decoration: none; color: var(--fg); }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem .9rem; list-style: none; margin: 0; padding: 0; }
nav a { color: var(--fg); text-decoration: none; padding: .2rem .1rem; border-bottom: 2px solid transparent; }
nav a[aria-current=page] { border-color: var(--accent); font-weight: 600; }
a { color: var(--accent); }
h1 { margin-top: .5rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
tbody tr:last-child td { border-bottom: none; }
td code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem;
  overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
td form.inline, header form.inline { display: inline-flex; margin: 0; }
.table-wrap td { white-space: nowrap; }
.table-wrap td code, .table-wrap td details { white-space: normal; overflow-wrap: anywhere; }
.table-wrap td code { display: inline-block; min-width: 12ch; }
form.inline label { margin: 0; font-weight: 500; font-size: .9rem; }
form.inline input, form.inline select { width: auto; }
.search { display: flex; gap: .5rem; flex-wrap: wrap; align-items: end; margin: .5rem 0 1rem; }
.search label { margin: 0; }
.search input[type=search] { width: 16rem; max-width: 100%; padding: .45rem; font: inherit; color: inherit;
  background: var(--bg); border: 1px solid var(--line); border-radius: 8px; }
input[type=number] { padding: .45rem; font: inherit; color: inherit; background: var(--bg);
  border: 1px solid var(--line); border-radius: 8px; width: 7rem; }
.pager { display: flex; gap: 1rem; margin: .75rem 0; }
.muted { color: var(--muted); }
.pill { display: inline-block; padding: 0 .45rem; border-radius: 999px; border: 1px solid var(--line); font-size: .8rem; }
.ok { color: #1a7f37; } .bad { color: var(--danger); }
@media (prefers-color-scheme: dark) { .ok { color: #57d37a; } }
button.danger { background: #b42318; color: #fff; border-color: #b42318; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.card h2 { margin-top: 0; }
@media (max-width: 600px) { main { margin-top: .5rem; } th, td { padding: .35rem .4rem; } }
"#;

/// A dashboard page: the shared look, the navigation (`current` is the section's path) and the body.
pub fn layout(title: &str, current: Option<&str>, csrf: Option<&Csrf>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (crate::auth::pages::head(title, html! {
                link rel="icon" type="image/svg+xml" href="/_localzoom/ui/favicon.svg";
                style { (PreEscaped(DASHBOARD_STYLE)) }
                script src="/_localzoom/ui/assets/live.js" defer {}
            }))
            body {
                header.top {
                    a.logo href=(BASE) { "localzoom" }
                    @if let Some(current) = current {
                        nav aria-label="Sections" {
                            ul {
                                @for (name, path) in NAV {
                                    li { a href={ (BASE) (path) } aria-current=[(*path == current).then_some("page")] { (name) } }
                                }
                            }
                        }
                        @if let Some(c) = csrf.filter(|c| c.sign_out) {
                            form.inline method="post" action="/_localzoom/ui/signout" style="margin-left:auto" {
                                input type="hidden" name="csrf" value=(c.token);
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

/// The live region `live.js` refreshes in place.
pub fn live(inner: Markup) -> Markup {
    html! { div #live data-live="1" { (inner) } }
}

/// The same region, not refreshed (search results: a search is not re-run every second).
pub fn still(inner: Markup) -> Markup {
    html! { div #live data-live="0" { (inner) } }
}

async fn live_js() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        include_str!("live.js"),
    )
        .into_response()
}

async fn favicon() -> Response {
    (
        [(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, "max-age=86400")],
        include_str!("favicon.svg"),
    )
        .into_response()
}

fn sign_in_markup(error: Option<&str>, csrf: &str) -> Markup {
    layout(
        "Sign in",
        None,
        None,
        html! {
            div.card style="max-width:28rem" {
                p { "This localzoom has a control token. Enter it to open the dashboard." }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/_localzoom/ui/signin" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="token" { "Control token" }
                    input #token type="password" name="token" autocomplete="current-password" required autofocus
                        style="width:100%;padding:.55rem;font:inherit;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:inherit";
                    div.actions { button.primary type="submit" { "Sign in" } }
                }
            }
        },
    )
}

async fn sign_in_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if control_token(&state).is_none() || is_signed_in(&state, &headers) {
        return redirect(BASE);
    }
    let c = csrf(&state, &headers);
    let markup = sign_in_markup(None, &c.token);
    respond(&headers, &c, || markup.clone(), markup.clone())
}

async fn sign_in(State(state): State<AppState>, headers: HeaderMap, CheckedForm(fields): CheckedForm) -> Response {
    let Some(token) = control_token(&state) else {
        return redirect(BASE);
    };
    let given = fields.get("token").map(String::as_str).unwrap_or("");
    if !crate::ids::same_secret(given, token) {
        let c = csrf(&state, &headers);
        return page_response(
            StatusCode::UNAUTHORIZED,
            sign_in_markup(Some("That control token is not right."), &c.token),
        );
    }
    let mut resp = redirect(BASE);
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path={BASE}; HttpOnly; SameSite=Strict",
        session_value(token)
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}

async fn sign_out(_form: CheckedForm) -> Response {
    let mut resp = redirect("/_localzoom/ui/signin");
    let cookie = format!("{SESSION_COOKIE}=; Path={BASE}; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_session_cookie_is_not_the_token() {
        let v = super::session_value("secret-token");
        assert_eq!(v.len(), 64);
        assert!(!v.contains("secret-token"));
        assert_ne!(v, super::session_value("other"));
    }
}
