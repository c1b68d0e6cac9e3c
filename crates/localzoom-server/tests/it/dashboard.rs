//! The dashboard over plain HTTP: routes, the sign-in gate, CSRF checks, escaping and 404 pages.
//! (What a person sees and clicks is tested in a real browser: `tests/browser`.)

use reqwest::Method;
use serde_json::json;

use crate::common::{spawn_app, spawn_with};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CSRF cookie a page sets, as `name=value`.
async fn csrf_cookie(url: &str) -> String {
    let resp = no_redirects().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    set.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn pages_answer_and_escape_what_they_show() {
    let app = spawn_app().await;
    let resp = no_redirects().get(app.url("/")).send().await.unwrap();
    assert_eq!(
        (resp.status().as_u16(), resp.headers()["location"].to_str().unwrap()),
        (303, "/_localzoom/ui")
    );
    app.create_user("mark@example.com", "custCreate", 1).await;
    let (st, _) = app
        .call(
            Method::PATCH,
            "/v2/users/mark@example.com",
            Some(json!({"first_name": "<script>alert(1)</script>"})),
        )
        .await;
    assert_eq!(st, 204);
    for path in [
        "",
        "/users",
        "/meetings",
        "/requests",
        "/webhooks",
        "/time",
        "/reset",
        "/users?q=%25&before=abc",
    ] {
        let resp = app
            .http
            .get(app.url(&format!("/_localzoom/ui{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let csp = resp.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        let html = resp.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{path} shows raw HTML");
        assert!(
            html.contains("<label for=\"q\">Search</label>")
                || !["/users", "/meetings", "/requests", "/webhooks"].contains(&path),
            "{path}"
        );
    }
    let html = app
        .http
        .get(app.url("/_localzoom/ui/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    for path in ["/users/nobody", "/meetings/123", "/meetings/abc", "/requests/999999"] {
        let resp = app
            .http
            .get(app.url(&format!("/_localzoom/ui{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404, "{path}");
    }
    let js = app
        .http
        .get(app.url("/_localzoom/ui/assets/live.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.headers()["content-type"], "text/javascript; charset=utf-8");
    let icon = app
        .http
        .get(app.url("/_localzoom/ui/favicon.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn actions_are_posts_checked_against_cross_site_requests() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let before = app.control_get("/_localzoom/clock").await.1;
    let url = app.url("/_localzoom/ui/time/clock");
    let cookie = csrf_cookie(&app.url("/_localzoom/ui/time")).await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    let http = no_redirects();
    // No CSRF field, a wrong one, or another site's Origin: refused, nothing moves.
    let forged = "x".repeat(32);
    let tries = [
        (None, vec![("advance", "3600")]),
        (
            Some("http://evil.example"),
            vec![("advance", "3600"), ("csrf", token.as_str())],
        ),
        (None, vec![("advance", "3600"), ("csrf", forged.as_str())]),
    ];
    for (origin, form) in tries {
        let mut req = http.post(&url).header("cookie", &cookie).form(&form);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        assert_eq!(req.send().await.unwrap().status(), 403);
    }
    assert_eq!(app.control_get("/_localzoom/clock").await.1, before);
    // The page's own form.
    let resp = http
        .post(&url)
        .header("cookie", &cookie)
        .header("origin", &app.origin)
        .form(&[("advance", "3600"), ("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let after = app.control_get("/_localzoom/clock").await.1;
    let secs = |v: &serde_json::Value| crate::common::parse_time(v["now"].as_str().unwrap());
    assert_eq!(secs(&after) - secs(&before), 3600);
    // A bad amount is refused with the reason, and changes nothing.
    let resp = http
        .post(&url)
        .header("cookie", &cookie)
        .form(&[("advance", "soon"), ("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("whole number of seconds"));
    assert_eq!(app.control_get("/_localzoom/clock").await.1, after);
}

#[tokio::test]
async fn with_a_control_token_pages_need_a_session() {
    let app = spawn_with(|c| c.control_token = Some("page-token".into())).await;
    app.create_user("kept@example.com", "custCreate", 1).await;
    let http = no_redirects();
    let resp = http.get(app.url("/_localzoom/ui/users")).send().await.unwrap();
    assert_eq!(
        (resp.status().as_u16(), resp.headers()["location"].to_str().unwrap()),
        (303, "/_localzoom/ui/signin")
    );
    let cookie = csrf_cookie(&app.url("/_localzoom/ui/signin")).await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    let sign_in = |given: &'static str| {
        http.post(app.url("/_localzoom/ui/signin"))
            .header("cookie", &cookie)
            .form(&[("token", given), ("csrf", token.as_str())])
            .send()
    };
    let wrong = sign_in("nope").await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    let right = sign_in("page-token").await.unwrap();
    assert_eq!(right.status(), 303);
    let session = right.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        session.starts_with("lz_session=") && session.contains("HttpOnly"),
        "{session}"
    );
    assert!(!session.contains("page-token"), "the cookie holds no token");
    let session = session.split(';').next().unwrap().to_string();
    let page = http
        .get(app.url("/_localzoom/ui/users"))
        .header("cookie", format!("{cookie}; {session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    // A forged session and POSTs without one are refused; the JSON control plane keeps its Bearer rule.
    let forged = http
        .get(app.url("/_localzoom/ui/users"))
        .header("cookie", "lz_session=page-token")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 303);
    let post = http
        .post(app.url("/_localzoom/ui/reset"))
        .header("cookie", &cookie)
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 401);
    // Nothing was reset: the user created before is still there.
    let (st, _) = app.call(Method::GET, "/v2/users/kept@example.com", None).await;
    assert_eq!(st, 200);
    assert_eq!(app.control_get("/_localzoom/clock").await.0, 401);
}

#[tokio::test]
async fn the_overview_searches_accounts_and_pages_show_oauth_grants() {
    let app = spawn_app().await;
    let (st, oauth) = app
        .control(
            Method::POST,
            "/_localzoom/apps",
            json!({"type": "oauth", "name": "Grant Viewer", "redirect_uris": ["http://127.0.0.1:9/cb"], "scopes": ["user:read"]}),
        )
        .await;
    assert_eq!(st, 201, "{oauth}");
    let client_id = oauth["client_id"].as_str().unwrap();
    let page = |path: String| {
        let req = app.http.get(app.url(&path));
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    assert!(page("/_localzoom/ui".into()).await.contains("0 active"));
    // A user consents (localzoom's prompt=none shortcut).
    let resp = no_redirects()
        .get(app.url("/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("login_hint", app.creds.owner_email.as_str()),
            ("prompt", "none"),
        ])
        .send()
        .await
        .unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let token = app
        .http
        .post(app.url("/oauth/token"))
        .basic_auth(client_id, oauth["client_secret"].as_str())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200);
    assert!(page("/_localzoom/ui".into()).await.contains("1 active"));
    let user = page(format!("/_localzoom/ui/users/{}", app.creds.owner_id)).await;
    let grants = &user[user.find("OAuth grants").expect("a grants section")..];
    assert!(
        grants.contains("Grant Viewer") && grants.contains(client_id),
        "{grants}"
    );
    // Search: by client id, and nothing.
    let found = page(format!("/_localzoom/ui?q={client_id}")).await;
    assert!(found.contains(&app.creds.account_id) && found.contains("data-live=\"0\""));
    let none = page("/_localzoom/ui?q=no-such-thing".into()).await;
    assert!(none.contains("No account matches.") && !none.contains(&app.creds.account_id));
}

/// With one database connection, every page and the OAuth pages still answer (none takes a second
/// connection while holding one).
#[tokio::test]
async fn pages_answer_with_a_single_database_connection() {
    let app = spawn_with(|c| c.db_max_connections = Some(1)).await;
    let (st, oauth) = app
        .control(
            Method::POST,
            "/_localzoom/apps",
            json!({"type": "oauth", "redirect_uris": ["http://127.0.0.1:9/cb"], "scopes": ["user:read"]}),
        )
        .await;
    assert_eq!(st, 201);
    let client_id = oauth["client_id"].as_str().unwrap();
    let owner = app.creds.owner_id.clone();
    let paths = [
        "/_localzoom/ui".to_string(),
        "/_localzoom/ui/users".into(),
        format!("/_localzoom/ui/users/{owner}"),
        "/_localzoom/ui/users?q=owner".into(),
        "/_localzoom/ui/meetings".into(),
        "/_localzoom/ui/requests".into(),
        "/_localzoom/ui/webhooks".into(),
        "/_localzoom/ui/time".into(),
        "/_localzoom/ui/reset".into(),
        format!("/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=http://127.0.0.1:9/cb"),
    ];
    for path in paths {
        let resp = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            no_redirects().get(app.url(&path)).send(),
        )
        .await
        .unwrap_or_else(|_| panic!("{path} hung"))
        .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
    }
    let resp = no_redirects()
        .get(app.url(&format!(
            "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=http://127.0.0.1:9/cb&login_hint={owner}&prompt=none"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    assert!(resp.headers()["location"].to_str().unwrap().contains("code="));
}
