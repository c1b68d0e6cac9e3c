//! The pages of user-level OAuth: the consent page (`/oauth/authorize`), the device page
//! (`/oauth/device`) and their error pages. Server-rendered HTML that works without JavaScript,
//! with no external fonts or scripts; each form carries a single-use request id, so a post from
//! another site cannot answer for a user.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, LOCATION, REFERRER_POLICY, X_FRAME_OPTIONS};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::device_flow;
use super::user_flow::{self, AuthorizeRequest, Consent, Next, PageError};
use crate::extract::form_pairs;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize).post(decide))
        .route("/oauth/device", get(device).post(device_decide))
}

/// The look shared by localzoom's pages: system fonts, light and dark, narrow screens.
pub const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #1b1f24; --muted: #5b6470;
  --line: #d6dae0; --accent: #0b5cff; --accent-fg: #fff; --danger: #b42318; }
@media (prefers-color-scheme: dark) { :root { --bg: #111418; --card: #1b2027; --fg: #e8eaed;
  --muted: #a0a8b4; --line: #333b45; --accent: #5b8cff; --accent-fg: #0b0d10; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 34rem; margin: 3rem auto; padding: 0 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
.brand { color: var(--muted); font-size: .9rem; margin-bottom: 1rem; }
ul.scopes { padding-left: 1.2rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
select, input[type=text] { width: 100%; padding: .55rem; font: inherit; color: inherit;
  background: var(--bg); border: 1px solid var(--line); border-radius: 8px; }
.actions { display: flex; gap: .75rem; margin-top: 1.25rem; flex-wrap: wrap; }
button { font: inherit; padding: .6rem 1.2rem; border-radius: 8px; border: 1px solid var(--line);
  background: var(--card); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.error { color: var(--danger); }
.note { color: var(--muted); font-size: .9rem; }
code { font-size: .95em; }
"#;

/// The `<head>` of localzoom's pages: the shared look plus `extra` (more style, an icon, a script).
pub fn head(title: &str, extra: Markup) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · localzoom" }
            style { (PreEscaped(STYLE)) }
            (extra)
        }
    }
}

/// A whole page in localzoom's look.
pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            // No favicon request: an inline empty icon.
            (head(title, html! { link rel="icon" href="data:,"; }))
            body {
                main { (body) }
            }
        }
    }
}

/// An HTML answer that no cache keeps and no other site frames.
fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (CACHE_CONTROL, "no-store"),
            (X_FRAME_OPTIONS, "DENY"),
            (REFERRER_POLICY, "no-referrer"),
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
            ),
        ],
        Html(markup.into_string()),
    )
        .into_response()
}

fn error_page(e: &PageError) -> Response {
    let markup = page(
        "Sign-in error",
        html! {
            div.card role="alert" {
                div.brand { "localzoom" }
                h1 { "Something went wrong" }
                p.error { (e.message) }
                p.note { "Error code " (e.code) "." }
            }
        },
    );
    html_response(
        StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
        markup,
    )
}

fn redirect(to: &str) -> Response {
    (
        StatusCode::FOUND,
        [(LOCATION, to.to_string()), (CACHE_CONTROL, "no-store".into())],
    )
        .into_response()
}

fn answer(next: Result<Next, crate::store::StoreError>) -> Response {
    match next {
        Ok(Next::Page(e)) => error_page(&e),
        Ok(Next::Redirect(to)) => redirect(&to),
        Ok(Next::Consent(c)) => html_response(StatusCode::OK, consent_page(&c, "/oauth/authorize", "request")),
        Err(e) => store_failure(e),
    }
}

fn store_failure(e: crate::store::StoreError) -> Response {
    let failure = super::service::OAuthFailure::internal(e);
    error_page(&PageError {
        status: failure.status.as_u16(),
        code: i64::from(failure.status.as_u16()),
        message: failure.reason,
    })
}

/// A scope in words: `meeting:read:list_registrants:admin` → "See meetings: list registrants (whole account)".
pub fn describe_scope(scope: &str) -> String {
    let mut parts = scope.split(':');
    let resource = match parts.next().unwrap_or_default() {
        "user" => "users",
        "meeting" => "meetings",
        "user_info" => "your profile",
        "user_zak" => "your ZAK",
        other => other,
    };
    let verb = match parts.next().unwrap_or_default() {
        "read" => "See",
        "write" => "Create and change",
        "update" => "Update",
        "delete" => "Delete",
        "master" => "Manage sub accounts' users",
        other => other,
    };
    let rest: Vec<&str> = parts.collect();
    let whole = rest.last().is_some_and(|s| *s == "admin") || scope.ends_with(":master");
    let what = rest
        .iter()
        .filter(|s| **s != "admin")
        .map(|s| s.replace('_', " "))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = if what.is_empty() {
        format!("{verb} {resource}")
    } else {
        format!("{verb} {resource}: {what}")
    };
    out.push_str(if whole {
        " (every user of the account)"
    } else {
        " (your own)"
    });
    out
}

/// The role's name, from the role id `active_users` lists.
fn role_word(role_id: &str) -> &'static str {
    crate::directory::vocab::Role::from_id(role_id).map_or("Member", |r| r.name())
}

/// The consent form: the app, its scopes in words, a user to sign in as, Allow and Decline.
fn consent_page(c: &Consent, action: &str, field: &str) -> Markup {
    page(
        &format!("Allow {}", c.app_name),
        html! {
            div.card {
                div.brand { "localzoom · Zoom sign-in" }
                h1 { "Allow " strong { (c.app_name) } " to use your Zoom account?" }
                p { "It asks to:" }
                ul.scopes {
                    @for s in &c.scopes {
                        li { (describe_scope(s)) " " span.note { code { (s) } } }
                    }
                }
                @if c.admin {
                    p.note { "This app asks for account-level access: only an owner or admin may allow it." }
                }
                form method="post" action=(action) {
                    input type="hidden" name=(field) value=(c.request);
                    label for="user" { "Sign in as" }
                    select id="user" name="user" required {
                        @for (id, email, role) in &c.users {
                            option value=(id) selected[c.selected.as_deref() == Some(id.as_str())] {
                                (email) " (" (role_word(role)) ")"
                            }
                        }
                    }
                    div.actions {
                        button.primary type="submit" name="action" value="allow" { "Allow" }
                        button type="submit" name="action" value="decline" formnovalidate { "Decline" }
                    }
                }
                p.note { "localzoom lets you pick any active user of the account: there is no password." }
            }
        },
    )
}

/// Allow (`true`) or Decline (`false`); anything else is no answer.
fn decision(f: &HashMap<String, String>) -> Option<bool> {
    match f.get("action").map(String::as_str) {
        Some("allow") => Some(true),
        Some("decline") => Some(false),
        _ => None,
    }
}

fn unknown_action() -> Response {
    error_page(&PageError {
        status: 400,
        code: 300,
        message: "Choose Allow or Decline.".into(),
    })
}

async fn authorize(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let mut q = form_pairs(query.as_deref().unwrap_or("").as_bytes());
    let req = AuthorizeRequest {
        response_type: q.remove("response_type"),
        client_id: q.remove("client_id"),
        redirect_uri: q.remove("redirect_uri"),
        state: q.remove("state"),
        code_challenge: q.remove("code_challenge"),
        code_challenge_method: q.remove("code_challenge_method"),
        login_hint: q.remove("login_hint"),
        prompt: q.remove("prompt"),
    };
    answer(user_flow::authorize(&state, &req).await)
}

async fn decide(State(state): State<AppState>, body: Bytes) -> Response {
    let f = form_pairs(&body);
    let request = f.get("request").map(String::as_str).unwrap_or("");
    let Some(allow) = decision(&f) else {
        return unknown_action();
    };
    answer(user_flow::decide(&state, request, f.get("user").map(String::as_str), allow).await)
}

fn code_entry_page(error: Option<&str>) -> Markup {
    page(
        "Connect a device",
        html! {
            div.card {
                div.brand { "localzoom · Zoom sign-in" }
                h1 { "Connect a device" }
                p { "Enter the code your device shows." }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="get" action="/oauth/device" {
                    label for="user_code" { "Code" }
                    input #user_code type="text" name="user_code" autocomplete="off" autocapitalize="characters"
                        placeholder="XXXX-XXXX" required autofocus;
                    div.actions { button.primary type="submit" { "Continue" } }
                }
            }
        },
    )
}

async fn device(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let q = form_pairs(query.as_deref().unwrap_or("").as_bytes());
    let Some(code) = q.get("user_code").filter(|c| !c.trim().is_empty()) else {
        return html_response(StatusCode::OK, code_entry_page(None));
    };
    // localzoom's shortcut for tests without a browser, as on /oauth/authorize: allow at once as
    // the user `login_hint` names (an email or an id).
    if q.get("prompt").map(String::as_str) == Some("none") {
        let Some(hint) = q.get("login_hint").filter(|h| !h.is_empty()) else {
            return error_page(&PageError {
                status: 400,
                code: 300,
                message: "prompt=none needs login_hint (an email or a user id).".into(),
            });
        };
        return device_answer(&state, code, Some(hint), true).await;
    }
    match device_flow::device_consent(&state, code).await {
        Ok(Ok(consent)) => html_response(StatusCode::OK, consent_page(&consent, "/oauth/device", "user_code")),
        Ok(Err(e)) => html_response(StatusCode::BAD_REQUEST, code_entry_page(Some(&e.message))),
        Err(e) => store_failure(e),
    }
}

async fn device_decide(State(state): State<AppState>, body: Bytes) -> Response {
    let f = form_pairs(&body);
    let code = f.get("user_code").map(String::as_str).unwrap_or("");
    let Some(allow) = decision(&f) else {
        return unknown_action();
    };
    device_answer(&state, code, f.get("user").map(String::as_str), allow).await
}

/// Records the person's answer to a device code and says what happens next.
async fn device_answer(state: &AppState, code: &str, user: Option<&str>, allow: bool) -> Response {
    match device_flow::device_decide(state, code, user, allow).await {
        Ok(Ok(())) => html_response(
            StatusCode::OK,
            page(
                "Device connected",
                html! {
                    div.card role="status" {
                        div.brand { "localzoom · Zoom sign-in" }
                        @if allow {
                            h1 { "You're signed in" }
                            p { "Return to your device: it will finish signing in." }
                        } @else {
                            h1 { "Request declined" }
                            p { "The device was not given access." }
                        }
                    }
                },
            ),
        ),
        Ok(Err(e)) => error_page(&e),
        Err(e) => store_failure(e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scopes_read_as_words() {
        assert_eq!(super::describe_scope("user:read"), "See users (your own)");
        assert_eq!(
            super::describe_scope("meeting:read:list_registrants:admin"),
            "See meetings: list registrants (every user of the account)"
        );
    }
}
