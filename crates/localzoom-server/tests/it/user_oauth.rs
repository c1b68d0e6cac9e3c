//! User-level OAuth: OAuth apps, the consent page, the authorization-code grant with PKCE, rotating
//! refresh tokens, revocation, the device flow, and what a user's token may address.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{read, spawn_app, TestApp};

const CALLBACK: &str = "http://127.0.0.1:9/callback";

struct OAuthApp {
    id: String,
    secret: String,
}

async fn oauth_app(app: &TestApp, scopes: &[&str]) -> OAuthApp {
    let (s, body) = app
        .control(
            Method::POST,
            "/_localzoom/apps",
            json!({"type": "oauth", "name": "Calendar Sync", "redirect_uris": [CALLBACK, "http://localhost:9/other"], "scopes": scopes}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(body["type"], "oauth");
    assert_eq!(body["redirect_uris"], json!([CALLBACK, "http://localhost:9/other"]));
    OAuthApp {
        id: body["client_id"].as_str().unwrap().into(),
        secret: body["client_secret"].as_str().unwrap().into(),
    }
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// GET /oauth/authorize with `query`: status, Location (if any) and body text.
async fn authorize(app: &TestApp, query: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let resp = no_redirects()
        .get(app.url("/oauth/authorize"))
        .query(query)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (status, location, resp.text().await.unwrap())
}

/// The query parameters of a redirect.
fn params_of(location: &str) -> Vec<(String, String)> {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
    serde_urlencoded::from_str(query).unwrap()
}

fn param(location: &str, name: &str) -> Option<String> {
    params_of(location).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A code for `hint` through localzoom's `prompt=none` shortcut.
async fn code_for(app: &TestApp, client: &OAuthApp, hint: &str, extra: &[(&str, &str)]) -> String {
    let mut q = vec![
        ("response_type", "code"),
        ("client_id", client.id.as_str()),
        ("redirect_uri", CALLBACK),
        ("state", "s-1"),
        ("login_hint", hint),
        ("prompt", "none"),
    ];
    q.extend_from_slice(extra);
    let (s, location, body) = authorize(app, &q).await;
    assert_eq!(s, 302, "{body}");
    let location = location.unwrap();
    assert!(location.starts_with(&format!("{CALLBACK}?")), "{location}");
    assert_eq!(param(&location, "state").as_deref(), Some("s-1"));
    param(&location, "code").unwrap()
}

async fn token(app: &TestApp, client: &OAuthApp, form: &[(&str, &str)]) -> (u16, Value) {
    read(
        app.http
            .post(app.url("/oauth/token"))
            .basic_auth(&client.id, Some(&client.secret))
            .form(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn exchange(app: &TestApp, client: &OAuthApp, code: &str) -> (u16, Value) {
    token(
        app,
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await
}

async fn refresh(app: &TestApp, client: &OAuthApp, refresh_token: &str) -> (u16, Value) {
    token(
        app,
        client,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh_token)],
    )
    .await
}

fn assert_oauth_error(got: &(u16, Value), status: u16, error: &str, reason: &str) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1, json!({"reason": reason, "error": error}));
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[tokio::test]
async fn oauth_apps_need_redirect_uris_and_show_their_type() {
    let app = spawn_app().await;
    let (st, body) = app
        .control(
            Method::POST,
            "/_localzoom/apps",
            json!({"type": "oauth", "scopes": ["user:read"]}),
        )
        .await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(body["errors"][0]["field"], "redirect_uris");
    let (st, body) = app
        .control(
            Method::POST,
            "/_localzoom/apps",
            json!({"type": "oauth", "redirect_uris": ["ftp://x/cb", "http://ok/cb#frag"]}),
        )
        .await;
    assert_eq!(st, 400, "{body}");
    let fields = crate::common::error_fields(&body);
    assert_eq!(fields, ["redirect_uris[0]", "redirect_uris[1]"]);
    let (st, body) = app
        .control(Method::POST, "/_localzoom/apps", json!({"type": "user_managed"}))
        .await;
    assert_eq!((st, body["errors"][0]["field"].as_str()), (400, Some("type")), "{body}");
    let (_, list) = app.control_get("/_localzoom/apps").await;
    assert_eq!(
        list["apps"].as_array().unwrap().len(),
        1,
        "refused apps are not stored: {list}"
    );
    let client = oauth_app(&app, &["user:read"]).await;
    let (_, list) = app.control_get("/_localzoom/apps").await;
    let apps = list["apps"].as_array().unwrap();
    let default = apps
        .iter()
        .find(|a| a["client_id"] == app.creds.client_id.as_str())
        .unwrap();
    assert_eq!(default["type"], "server_to_server");
    assert_eq!(default["redirect_uris"], json!([]));
    let ours = apps.iter().find(|a| a["client_id"] == client.id.as_str()).unwrap();
    assert_eq!(ours["type"], "oauth");
    assert_eq!(ours["scopes"], json!(["user:read"]));
    // An OAuth app cannot take the Server-to-Server grant.
    let got = token(
        &app,
        &client,
        &[
            ("grant_type", "account_credentials"),
            ("account_id", app.creds.account_id.as_str()),
        ],
    )
    .await;
    assert_eq!((got.0, s(&got.1, "error")), (400, "unsupported_grant_type"));
}

#[tokio::test]
async fn authorize_errors_are_pages_or_redirects() {
    let app = spawn_app().await;
    let client = oauth_app(&app, &["user:read"]).await;
    for id in ["nope", app.creds.client_id.as_str(), ""] {
        let (st, location, body) = authorize(
            &app,
            &[("response_type", "code"), ("client_id", id), ("redirect_uri", CALLBACK)],
        )
        .await;
        assert_eq!((st, location), (400, None));
        assert!(body.contains("Invalid client_id") && body.contains("4702"), "{body}");
    }
    let (st, location, body) = authorize(
        &app,
        &[
            ("response_type", "code"),
            ("client_id", &client.id),
            ("redirect_uri", "http://127.0.0.1:9/evil"),
        ],
    )
    .await;
    assert_eq!((st, location), (400, None));
    assert!(
        body.contains("Redirect URI mismatch.") && body.contains("4709"),
        "{body}"
    );
    // Two registered URIs: one must be named.
    let (st, _, body) = authorize(&app, &[("response_type", "code"), ("client_id", &client.id)]).await;
    assert_eq!(st, 400);
    assert!(body.contains("Redirect URI mismatch."));
    let (st, location, _) = authorize(
        &app,
        &[
            ("response_type", "token"),
            ("client_id", &client.id),
            ("redirect_uri", CALLBACK),
            ("state", "x y"),
        ],
    )
    .await;
    assert_eq!(st, 302);
    assert_eq!(
        location.as_deref(),
        Some(format!("{CALLBACK}?error=unsupported_response_type&state=x+y").as_str())
    );
    // prompt=none without a hint, or with an unknown or inactive user: login_required.
    let pending = app.create_user("pending@example.com", "create", 1).await;
    for hint in [None, Some("ghost@example.com"), Some(pending.as_str())] {
        let mut q = vec![
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", CALLBACK),
            ("prompt", "none"),
        ];
        if let Some(h) = hint {
            q.push(("login_hint", h));
        }
        let (st, location, _) = authorize(&app, &q).await;
        assert_eq!(st, 302);
        assert_eq!(
            location.as_deref(),
            Some(format!("{CALLBACK}?error=login_required").as_str())
        );
    }
    // A malformed PKCE challenge goes back as invalid_request.
    let (st, location, _) = authorize(
        &app,
        &[
            ("response_type", "code"),
            ("client_id", &client.id),
            ("redirect_uri", CALLBACK),
            ("code_challenge", "short"),
        ],
    )
    .await;
    assert_eq!(
        (st, location.map(|l| param(&l, "error"))),
        (302, Some(Some("invalid_request".into())))
    );
}

/// The hidden request id of a consent form.
fn request_id(page: &str) -> String {
    let at = page.find("name=\"request\" value=\"").expect("request field") + "name=\"request\" value=\"".len();
    page[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn consent_page_allows_and_declines() {
    let app = spawn_app().await;
    let member = app.create_user("member@example.com", "custCreate", 1).await;
    let client = oauth_app(&app, &["user:read", "meeting:write"]).await;
    let q = [
        ("response_type", "code"),
        ("client_id", client.id.as_str()),
        ("redirect_uri", CALLBACK),
        ("state", "st"),
        ("login_hint", "member@example.com"),
    ];
    let (st, _, page) = authorize(&app, &q).await;
    assert_eq!(st, 200);
    assert!(page.contains("Calendar Sync"), "{page}");
    assert!(page.contains("See users (your own)"), "{page}");
    assert!(page.contains("Create and change meetings (your own)"), "{page}");
    assert!(page.contains("<select id=\"user\" name=\"user\""), "{page}");
    assert!(page.contains("member@example.com"));
    assert!(
        page.contains(&format!("<option value=\"{member}\" selected>")),
        "{page}"
    );
    assert!(page.contains(">Allow</button>") && page.contains(">Decline</button>"));
    assert!(!page.contains("<script"), "no scripts");
    let post = |form: Vec<(&'static str, String)>| {
        let url = app.url("/oauth/authorize");
        async move { no_redirects().post(url).form(&form).send().await.unwrap() }
    };
    // Decline.
    let resp = post(vec![("request", request_id(&page)), ("action", "decline".into())]).await;
    assert_eq!(resp.status(), 302);
    assert_eq!(
        resp.headers()["location"].to_str().unwrap(),
        format!("{CALLBACK}?error=access_denied&state=st")
    );
    // A request answers once.
    let resp = post(vec![
        ("request", request_id(&page)),
        ("action", "allow".into()),
        ("user", member.clone()),
    ])
    .await;
    assert_eq!(resp.status(), 400);
    // Allow.
    let (_, _, page) = authorize(&app, &q).await;
    let resp = post(vec![
        ("request", request_id(&page)),
        ("action", "allow".into()),
        ("user", member.clone()),
    ])
    .await;
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(param(&location, "state").as_deref(), Some("st"));
    let (st, body) = exchange(&app, &client, &param(&location, "code").unwrap()).await;
    assert_eq!(st, 200, "{body}");
    let (st, me) = app
        .call_as(s(&body, "access_token"), Method::GET, "/v2/users/me", None)
        .await;
    assert_eq!((st, s(&me, "id")), (200, member.as_str()));
    // A forged or unknown request id is refused.
    let resp = post(vec![
        ("request", "forged".into()),
        ("action", "allow".into()),
        ("user", member),
    ])
    .await;
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn code_exchange_gives_a_user_token_that_sees_only_its_user() {
    let app = spawn_app().await;
    let member = app.create_user("member@example.com", "custCreate", 1).await;
    let other = app.create_user("other@example.com", "custCreate", 1).await;
    let client = oauth_app(&app, &["user:read", "user:write", "meeting:write", "meeting:read"]).await;
    let code = code_for(&app, &client, "member@example.com", &[]).await;
    // Bad client credentials, missing parameters.
    let bad = OAuthApp {
        id: client.id.clone(),
        secret: "wrong".into(),
    };
    assert_oauth_error(
        &exchange(&app, &bad, &code).await,
        401,
        "invalid_client",
        "Invalid client_id or client_secret",
    );
    let got = token(
        &app,
        &client,
        &[("grant_type", "authorization_code"), ("redirect_uri", CALLBACK)],
    )
    .await;
    assert_eq!((got.0, s(&got.1, "error")), (400, "invalid_request"));
    let got = token(&app, &client, &[("grant_type", "authorization_code"), ("code", &code)]).await;
    assert_eq!((got.0, s(&got.1, "error")), (400, "invalid_request"));
    let got = token(
        &app,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:9/other"),
        ],
    )
    .await;
    assert_oauth_error(&got, 400, "invalid_grant", "Redirect URI mismatch.");
    let (st, body) = exchange(&app, &client, &code).await;
    assert_eq!(st, 200, "{body}");
    let mut keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "access_token",
            "api_url",
            "expires_in",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["api_url"], app.origin.as_str());
    assert_eq!(body["scope"], "user:read user:write meeting:write meeting:read");
    // The code is single-use.
    assert_oauth_error(
        &exchange(&app, &client, &code).await,
        400,
        "invalid_grant",
        "Invalid authorization code",
    );
    assert_oauth_error(
        &exchange(&app, &client, "made-up").await,
        400,
        "invalid_grant",
        "Invalid authorization code",
    );
    let t = s(&body, "access_token");
    let (st, me) = app.call_as(t, Method::GET, "/v2/users/me", None).await;
    assert_eq!((st, s(&me, "email")), (200, "member@example.com"));
    for own in [member.as_str(), "member@example.com", "MEMBER@example.com"] {
        let (st, body) = app.call_as(t, Method::GET, &format!("/v2/users/{own}"), None).await;
        assert_eq!((st, s(&body, "id")), (200, member.as_str()), "{own}");
    }
    for foreign in [other.as_str(), "other@example.com", app.creds.owner_id.as_str()] {
        let (st, body) = app.call_as(t, Method::GET, &format!("/v2/users/{foreign}"), None).await;
        assert_eq!(
            (st, &body),
            (
                404,
                &json!({"code": 1001, "message": format!("User does not exist: {foreign}.")})
            )
        );
        let (st, _) = app
            .call_as(
                t,
                Method::PATCH,
                &format!("/v2/users/{foreign}"),
                Some(json!({"dept": "x"})),
            )
            .await;
        assert_eq!(st, 404);
    }
    // The other user was not touched.
    let (_, o) = app.call(Method::GET, &format!("/v2/users/{other}"), None).await;
    assert_eq!(o["dept"], "");
    // Writes as the user land on the user.
    let (st, m) = app
        .call_as(
            t,
            Method::POST,
            "/v2/users/me/meetings",
            Some(json!({"topic": "Mine", "type": 2})),
        )
        .await;
    assert_eq!(st, 201, "{m}");
    assert_eq!(m["host_id"], member.as_str());
    let (st, _) = app
        .call_as(
            t,
            Method::POST,
            &format!("/v2/users/{other}/meetings"),
            Some(json!({"topic": "Theirs"})),
        )
        .await;
    assert_eq!(st, 404);
    // Scopes are checked as for apps.
    let narrow = oauth_app(&app, &["meeting:read"]).await;
    let code = code_for(&app, &narrow, "member@example.com", &[]).await;
    let (_, body) = exchange(&app, &narrow, &code).await;
    let (st, body) = app
        .call_as(s(&body, "access_token"), Method::GET, "/v2/users/me", None)
        .await;
    assert_eq!((st, body["code"].as_i64()), (400, Some(4711)), "{body}");
    assert!(s(&body, "message").starts_with("Invalid access token, does not contain scopes:"));
}

#[tokio::test]
async fn codes_expire_after_five_minutes_by_the_clock() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let client = oauth_app(&app, &["user:read"]).await;
    let owner = app.creds.owner_id.clone();
    let late = code_for(&app, &client, &owner, &[]).await;
    let early = code_for(&app, &client, &owner, &[]).await;
    app.advance_clock(299).await;
    let (st, _) = exchange(&app, &client, &early).await;
    assert_eq!(st, 200);
    app.advance_clock(1).await;
    assert_oauth_error(
        &exchange(&app, &client, &late).await,
        400,
        "invalid_grant",
        "Authorization code expired",
    );
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[tokio::test]
async fn pkce_s256_and_plain() {
    let app = spawn_app().await;
    let client = oauth_app(&app, &["user:read"]).await;
    let owner = app.creds.owner_id.clone();
    let verifier = "a-verifier-that-is-long-enough-0123456789-abcdefghijkl";
    let challenge = s256(verifier);
    let code = code_for(
        &app,
        &client,
        &owner,
        &[("code_challenge", &challenge), ("code_challenge_method", "S256")],
    )
    .await;
    let with = |v: Option<&'static str>| {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
        ];
        if let Some(v) = v {
            form.push(("code_verifier", v));
        }
        form
    };
    let leaked: &'static str = Box::leak(challenge.clone().into_boxed_str());
    for wrong in [None, Some("not-the-verifier"), Some(leaked)] {
        assert_oauth_error(
            &token(&app, &client, &with(wrong)).await,
            400,
            "invalid_grant",
            "Invalid code_verifier",
        );
    }
    let (st, body) = token(&app, &client, &with(Some(verifier))).await;
    assert_eq!(st, 200, "{body}");
    // plain: the verifier is the challenge; an unnamed method is plain.
    for method in [Some("plain"), None] {
        let mut extra = vec![("code_challenge", verifier)];
        if let Some(m) = method {
            extra.push(("code_challenge_method", m));
        }
        let code = code_for(&app, &client, &owner, &extra).await;
        let form = |v: &'static str| {
            vec![
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", CALLBACK),
                ("code_verifier", v),
            ]
        };
        let got = token(
            &app,
            &client,
            &form("a-verifier-that-is-long-enough-0123456789-abcdefghijkX"),
        )
        .await;
        assert_oauth_error(&got, 400, "invalid_grant", "Invalid code_verifier");
        let (st, _) = token(
            &app,
            &client,
            &form("a-verifier-that-is-long-enough-0123456789-abcdefghijkl"),
        )
        .await;
        assert_eq!(st, 200);
    }
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_grant() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let client = oauth_app(&app, &["user:read"]).await;
    let code = code_for(&app, &client, &app.creds.owner_id, &[]).await;
    let (_, first) = exchange(&app, &client, &code).await;
    let (a1, r1) = (s(&first, "access_token"), s(&first, "refresh_token"));
    let (st, second) = refresh(&app, &client, r1).await;
    assert_eq!(st, 200, "{second}");
    let (a2, r2) = (s(&second, "access_token"), s(&second, "refresh_token"));
    assert_ne!(r1, r2);
    assert_ne!(a1, a2);
    assert_eq!(second["expires_in"], 3600);
    for t in [a1, a2] {
        assert_eq!(app.call_as(t, Method::GET, "/v2/users/me", None).await.0, 200);
    }
    // r1 was spent: using it again is a reuse, and the whole grant goes.
    assert_oauth_error(
        &refresh(&app, &client, r1).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    for t in [a1, a2] {
        let (st, body) = app.call_as(t, Method::GET, "/v2/users/me", None).await;
        assert_eq!((st, body["code"].as_i64()), (401, Some(124)));
    }
    assert_oauth_error(
        &refresh(&app, &client, r2).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    assert_oauth_error(
        &refresh(&app, &client, "junk").await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    // Another app cannot spend this app's refresh token.
    let code = code_for(&app, &client, &app.creds.owner_id, &[]).await;
    let (_, fresh) = exchange(&app, &client, &code).await;
    let stranger = oauth_app(&app, &["user:read"]).await;
    assert_oauth_error(
        &refresh(&app, &stranger, s(&fresh, "refresh_token")).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    // Access tokens expire after an hour by the clock; the refresh token renews them.
    app.advance_clock(3600).await;
    let (st, body) = app
        .call_as(s(&fresh, "access_token"), Method::GET, "/v2/users/me", None)
        .await;
    assert_eq!((st, body["code"].as_i64()), (401, Some(124)));
    let (st, renewed) = refresh(&app, &client, s(&fresh, "refresh_token")).await;
    assert_eq!(st, 200);
    assert_eq!(
        app.call_as(s(&renewed, "access_token"), Method::GET, "/v2/users/me", None)
            .await
            .0,
        200
    );
    // Refresh tokens live 90 days.
    app.advance_clock(90 * 86400 - 1).await;
    let (st, later) = refresh(&app, &client, s(&renewed, "refresh_token")).await;
    assert_eq!(st, 200);
    app.advance_clock(90 * 86400).await;
    assert_oauth_error(
        &refresh(&app, &client, s(&later, "refresh_token")).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
}

#[tokio::test]
async fn concurrent_refreshes_spend_a_token_once() {
    let app = spawn_app().await;
    let client = oauth_app(&app, &["user:read"]).await;
    let code = code_for(&app, &client, &app.creds.owner_id, &[]).await;
    let (_, first) = exchange(&app, &client, &code).await;
    let r1 = s(&first, "refresh_token").to_string();
    let results = futures_util::future::join_all((0..6).map(|_| refresh(&app, &client, &r1))).await;
    let ok = results.iter().filter(|(st, _)| *st == 200).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(results
        .iter()
        .all(|(st, b)| *st == 200 || (*st == 400 && b["error"] == "invalid_grant")));
}

#[tokio::test]
async fn revoking_a_refresh_token_revokes_its_grant() {
    let app = spawn_app().await;
    let client = oauth_app(&app, &["user:read"]).await;
    let revoke = |t: String| {
        let req = app
            .http
            .post(app.url("/oauth/revoke"))
            .basic_auth(&client.id, Some(&client.secret))
            .query(&[("token", t)]);
        async move { read(req.send().await.unwrap()).await }
    };
    let code = code_for(&app, &client, &app.creds.owner_id, &[]).await;
    let (_, one) = exchange(&app, &client, &code).await;
    let code = code_for(&app, &client, &app.creds.owner_id, &[]).await;
    let (_, two) = exchange(&app, &client, &code).await;
    // An access token alone.
    assert_eq!(
        revoke(s(&one, "access_token").into()).await,
        (200, json!({"status": "success"}))
    );
    assert_eq!(
        app.call_as(s(&one, "access_token"), Method::GET, "/v2/users/me", None)
            .await
            .0,
        401
    );
    let (st, renewed) = refresh(&app, &client, s(&one, "refresh_token")).await;
    assert_eq!(st, 200);
    // A refresh token: its grant's tokens all stop; another grant is untouched.
    assert_eq!(revoke(s(&renewed, "refresh_token").into()).await.0, 200);
    assert_eq!(
        app.call_as(s(&renewed, "access_token"), Method::GET, "/v2/users/me", None)
            .await
            .0,
        401
    );
    assert_oauth_error(
        &refresh(&app, &client, s(&renewed, "refresh_token")).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    assert_eq!(
        app.call_as(s(&two, "access_token"), Method::GET, "/v2/users/me", None)
            .await
            .0,
        200
    );
    assert_eq!(revoke("unknown".into()).await.0, 200);
}

#[tokio::test]
async fn deactivating_or_deleting_the_user_ends_its_tokens() {
    let app = spawn_app().await;
    let client = oauth_app(&app, &["user:read"]).await;
    let member = app.create_user("member@example.com", "custCreate", 1).await;
    let gone = app.create_user("gone@example.com", "custCreate", 1).await;
    let code = code_for(&app, &client, &member, &[]).await;
    let (_, a) = exchange(&app, &client, &code).await;
    let code = code_for(&app, &client, &gone, &[]).await;
    let (_, b) = exchange(&app, &client, &code).await;
    let (st, _) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{member}/status"),
            Some(json!({"action": "deactivate"})),
        )
        .await;
    assert_eq!(st, 204);
    let (st, body) = app
        .call_as(s(&a, "access_token"), Method::GET, "/v2/users/me", None)
        .await;
    assert_eq!((st, body["code"].as_i64()), (401, Some(124)));
    assert_oauth_error(
        &refresh(&app, &client, s(&a, "refresh_token")).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    let (st, _) = app
        .call(Method::DELETE, &format!("/v2/users/{gone}?action=delete"), None)
        .await;
    assert_eq!(st, 204);
    let (st, body) = app
        .call_as(s(&b, "access_token"), Method::GET, "/v2/users/me", None)
        .await;
    assert_eq!((st, body["code"].as_i64()), (401, Some(124)));
}

#[tokio::test]
async fn admin_scopes_need_an_owner_or_admin_and_reach_the_account() {
    let app = spawn_app().await;
    let member = app.create_user("member@example.com", "custCreate", 1).await;
    let client = oauth_app(&app, &["user:read:admin"]).await;
    let (st, location, page) = authorize(
        &app,
        &[
            ("response_type", "code"),
            ("client_id", &client.id),
            ("redirect_uri", CALLBACK),
            ("login_hint", "member@example.com"),
            ("prompt", "none"),
        ],
    )
    .await;
    assert_eq!((st, location), (403, None));
    assert!(page.contains("owner or an admin"), "{page}");
    let code = code_for(&app, &client, &app.creds.owner_id, &[]).await;
    let (_, t) = exchange(&app, &client, &code).await;
    let (st, body) = app
        .call_as(s(&t, "access_token"), Method::GET, &format!("/v2/users/{member}"), None)
        .await;
    assert_eq!((st, s(&body, "email")), (200, "member@example.com"));
    let (st, list) = app.call_as(s(&t, "access_token"), Method::GET, "/v2/users", None).await;
    assert_eq!((st, list["total_records"].as_i64()), (200, Some(2)));
}

#[tokio::test]
async fn device_flow_answers_each_poll_as_rfc_8628_says() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let member = app.create_user("member@example.com", "custCreate", 1).await;
    let client = oauth_app(&app, &["user:read"]).await;
    let start = || {
        let req = app
            .http
            .post(app.url(&format!("/oauth/devicecode?client_id={}", client.id)))
            .basic_auth(&client.id, Some(&client.secret));
        async move { read(req.send().await.unwrap()).await }
    };
    let (st, dc) = start().await;
    assert_eq!(st, 200, "{dc}");
    assert_eq!(dc["expires_in"], 900);
    assert_eq!(dc["interval"], 5);
    let user_code = s(&dc, "user_code");
    assert!(user_code.len() == 9 && user_code.as_bytes()[4] == b'-', "{user_code}");
    assert_eq!(s(&dc, "verification_uri"), app.url("/oauth/device"));
    assert_eq!(
        s(&dc, "verification_uri_complete"),
        format!("{}?user_code={user_code}", app.url("/oauth/device"))
    );
    let poll = |code: String| {
        let form = vec![
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code".to_string()),
            ("device_code", code),
        ];
        let req = app
            .http
            .post(app.url("/oauth/token"))
            .basic_auth(&client.id, Some(&client.secret))
            .form(&form);
        async move { read(req.send().await.unwrap()).await }
    };
    let device = s(&dc, "device_code").to_string();
    assert_eq!(s(&poll(device.clone()).await.1, "error"), "authorization_pending");
    // Sooner than the interval: slow_down, and the interval grows by 5 s.
    assert_eq!(s(&poll(device.clone()).await.1, "error"), "slow_down");
    app.advance_clock(6).await;
    assert_eq!(s(&poll(device.clone()).await.1, "error"), "slow_down");
    app.advance_clock(15).await;
    let (st, body) = poll(device.clone()).await;
    assert_eq!((st, s(&body, "error")), (400, "authorization_pending"));
    // The page: the code typed in lower case with spaces still finds it.
    let page = app
        .http
        .get(app.url("/oauth/device"))
        .query(&[("user_code", format!(" {} ", user_code.to_lowercase()))])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Calendar Sync") && page.contains("member@example.com"),
        "{page}"
    );
    let resp = app
        .http
        .post(app.url("/oauth/device"))
        .form(&[("user_code", user_code), ("action", "allow"), ("user", member.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (st, tokens) = poll(device.clone()).await;
    assert_eq!(st, 200, "{tokens}");
    assert!(tokens["refresh_token"].is_string());
    let (st, me) = app
        .call_as(s(&tokens, "access_token"), Method::GET, "/v2/users/me", None)
        .await;
    assert_eq!((st, s(&me, "id")), (200, member.as_str()));
    assert_eq!(s(&poll(device).await.1, "error"), "invalid_grant");
    // Allowed, then the user is deactivated before the device polls: no tokens.
    let (_, dc) = start().await;
    let resp = app
        .http
        .post(app.url("/oauth/device"))
        .form(&[
            ("user_code", s(&dc, "user_code")),
            ("action", "allow"),
            ("user", member.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (st, _) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{member}/status"),
            Some(json!({"action": "deactivate"})),
        )
        .await;
    assert_eq!(st, 204);
    let (st, body) = poll(s(&dc, "device_code").into()).await;
    assert_eq!((st, s(&body, "error")), (400, "access_denied"));
    let (st, _) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{member}/status"),
            Some(json!({"action": "activate"})),
        )
        .await;
    assert_eq!(st, 204);
    // Declined.
    let (_, dc) = start().await;
    let resp = app
        .http
        .post(app.url("/oauth/device"))
        .form(&[("user_code", s(&dc, "user_code")), ("action", "decline")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (st, body) = poll(s(&dc, "device_code").into()).await;
    assert_eq!((st, s(&body, "error")), (400, "access_denied"));
    // Without a browser: localzoom's prompt=none with a login_hint allows at once.
    let (_, dc) = start().await;
    let resp = app
        .http
        .get(format!(
            "{}&login_hint=member@example.com&prompt=none",
            s(&dc, "verification_uri_complete")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    app.advance_clock(5).await;
    let (st, tokens) = poll(s(&dc, "device_code").into()).await;
    assert_eq!(st, 200, "{tokens}");
    let (_, me) = app
        .call_as(s(&tokens, "access_token"), Method::GET, "/v2/users/me", None)
        .await;
    assert_eq!(me["email"], "member@example.com");
    // Expired after 15 minutes.
    let (_, dc) = start().await;
    app.advance_clock(900).await;
    assert_eq!(s(&poll(s(&dc, "device_code").into()).await.1, "error"), "expired_token");
    let page = app
        .http
        .get(app.url("/oauth/device"))
        .query(&[("user_code", s(&dc, "user_code"))])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    // A Server-to-Server app has no device flow; bad credentials are invalid_client.
    let (st, body) = read(
        app.http
            .post(app.url("/oauth/devicecode"))
            .basic_auth(&app.creds.client_id, Some(&app.creds.client_secret))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st, s(&body, "error")), (400, "unsupported_grant_type"));
    let (st, body) = read(
        app.http
            .post(app.url("/oauth/devicecode"))
            .basic_auth(&client.id, Some("wrong"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st, s(&body, "error")), (401, "invalid_client"));
}

#[tokio::test]
async fn codes_and_tokens_are_stored_as_digests() {
    let app = spawn_app().await;
    let client = oauth_app(&app, &["user:read"]).await;
    let code = code_for(&app, &client, &app.creds.owner_id, &[]).await;
    let (_, t) = exchange(&app, &client, &code).await;
    let (st, state) = app.control_get("/_localzoom/state").await;
    assert_eq!(st, 200);
    let dump = state.to_string();
    for secret in [code.as_str(), s(&t, "access_token"), s(&t, "refresh_token")] {
        assert!(!dump.contains(secret));
    }
    if app.db.is_none() {
        let raw = std::fs::read(app._dir.path().join("localzoom.db")).unwrap_or_default();
        let raw = String::from_utf8_lossy(&raw);
        assert!(!raw.is_empty());
        for secret in [code.as_str(), s(&t, "access_token"), s(&t, "refresh_token")] {
            assert!(!raw.contains(secret));
        }
    }
}

#[tokio::test]
async fn a_user_token_cannot_reach_account_wide_user_operations() {
    let app = spawn_app().await;
    app.create_user("member@example.com", "custCreate", 1).await;
    let client = oauth_app(&app, &["user:read", "user:write"]).await;
    let code = code_for(&app, &client, "member@example.com", &[]).await;
    let (_, t) = exchange(&app, &client, &code).await;
    let t = s(&t, "access_token");
    for (method, path, body) in [
        (Method::GET, "/v2/users", None),
        (Method::GET, "/v2/users/email?email=owner@localzoom.local", None),
        (
            Method::POST,
            "/v2/users",
            Some(json!({"action": "custCreate", "user_info": {"email": "sneaky@example.com", "type": 1}})),
        ),
    ] {
        let (st, body) = app.call_as(t, method, path, body).await;
        assert_eq!((st, body["code"].as_i64()), (400, Some(4711)), "{path}: {body}");
        assert!(s(&body, "message").contains(":admin"), "{body}");
    }
    let (st, _) = app.call(Method::GET, "/v2/users/sneaky@example.com", None).await;
    assert_eq!(st, 404, "nothing was created");
}

#[tokio::test]
async fn authorize_and_token_requests_are_strict() {
    let app = spawn_app().await;
    let client = oauth_app(&app, &["user:read"]).await;
    let owner = app.creds.owner_id.clone();
    // Redirect URIs hold only URI characters.
    let (st, body) = app
        .control(
            Method::POST,
            "/_localzoom/apps",
            json!({"type": "oauth", "redirect_uris": ["http://localhost/cb?x=\"><script>"]}),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (400, Some("redirect_uris[0]")),
        "{body}"
    );
    // A method without a challenge is no PKCE request.
    let (st, location, _) = authorize(
        &app,
        &[
            ("response_type", "code"),
            ("client_id", &client.id),
            ("redirect_uri", CALLBACK),
            ("code_challenge_method", "S256"),
            ("login_hint", &owner),
            ("prompt", "none"),
        ],
    )
    .await;
    assert_eq!(
        (st, location.map(|l| param(&l, "error"))),
        (302, Some(Some("invalid_request".into())))
    );
    // A verifier for a request without a challenge is refused.
    let code = code_for(&app, &client, &owner, &[]).await;
    let got = token(
        &app,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            (
                "code_verifier",
                "a-verifier-that-is-long-enough-0123456789-abcdefghijkl",
            ),
        ],
    )
    .await;
    assert_oauth_error(&got, 400, "invalid_grant", "Invalid code_verifier");
    // The consent form needs Allow or Decline; anything else leaves the request open.
    let (_, _, page) = authorize(
        &app,
        &[
            ("response_type", "code"),
            ("client_id", &client.id),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    let request = request_id(&page);
    let post = |action: &'static str| {
        let form = vec![
            ("request", request.clone()),
            ("user", owner.clone()),
            ("action", action.to_string()),
        ];
        let url = app.url("/oauth/authorize");
        async move { no_redirects().post(url).form(&form).send().await.unwrap() }
    };
    assert_eq!(post("maybe").await.status(), 400);
    let resp = post("allow").await;
    assert_eq!(resp.status(), 302);
    let code = param(resp.headers()["location"].to_str().unwrap(), "code").unwrap();
    let (st, tokens) = exchange(&app, &client, &code).await;
    assert_eq!(st, 200);
    // The journal keeps none of it in clear: codes, tokens, the redirect's query.
    let (_, journal) = app.control_get("/_localzoom/requests").await;
    let text = journal.to_string();
    for secret in [code.as_str(), s(&tokens, "access_token"), s(&tokens, "refresh_token")] {
        assert!(!text.contains(secret), "the journal shows a secret");
    }
    // Zoom's numeric error codes stay readable.
    let (st, _) = app.call(Method::GET, "/v2/users/nobody@example.com", None).await;
    assert_eq!(st, 404);
    let (_, journal) = app
        .control_get("/_localzoom/requests?path=/v2/users/nobody@example.com")
        .await;
    let logged: Value = serde_json::from_str(s(&journal["requests"][0], "response_body")).unwrap();
    assert_eq!(logged["code"], 1001, "{journal}");
}
