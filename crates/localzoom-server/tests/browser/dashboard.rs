//! The dashboard in a browser: every page loads without a console error, lists follow the state
//! without a reload, the requests page masks tokens, and the clock, fault rules and reset are
//! steered from the pages. Screenshots of each page land in `target/tmp/screenshots/`.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::driver::{localzoom, Browser, Localzoom};

/// Waits up to `within` for the page's text to contain `text`; returns how long it took.
async fn wait_for_text(c: &Client, text: &str, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let body = c.find(Locator::Css("body")).await.unwrap().text().await.unwrap();
        if body.contains(text) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{text:?} did not appear within {within:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the button labelled `label` and waits for the page it leads to (a form's answer) to load.
async fn click_button(c: &Client, label: &str) {
    c.execute("window.__old_page = true;", vec![]).await.unwrap();
    c.find(Locator::XPath(&format!("//button[normalize-space()='{label}']")))
        .await
        .unwrap_or_else(|e| panic!("no button {label}: {e}"))
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let loaded = c
            .execute(
                "return window.__old_page !== true && document.readyState === 'complete';",
                vec![],
            )
            .await
            .unwrap_or(json!(false));
        if loaded == json!(true) {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{label}: no new page");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn clock(lz: &Localzoom) -> Value {
    lz.http
        .get(format!("{}/_localzoom/clock", lz.origin))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn api(lz: &Localzoom, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = lz
        .http
        .request(method, format!("{}{path}", lz.origin))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_dashboard_shows_and_steers_a_running_localzoom() {
    let Some(browser) = Browser::start("dashboard").await else {
        return;
    };
    let lz = localzoom(|_| {}).await;
    let token = lz.token().await;
    let c = &browser.client;

    // Every page loads with no console error; `/` leads to the dashboard.
    c.goto(&format!("{}/", lz.origin)).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/_localzoom/ui");
    for (page, shot) in [
        ("", "dashboard-overview"),
        ("/users", "dashboard-users"),
        ("/meetings", "dashboard-meetings"),
        ("/requests", "dashboard-requests"),
        ("/webhooks", "dashboard-webhooks"),
        ("/time", "dashboard-time"),
    ] {
        c.goto(&format!("{}/_localzoom/ui{page}", lz.origin)).await.unwrap();
        let h1 = c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
        assert!(!h1.is_empty());
        c.find(Locator::Css("header nav a[aria-current=page]")).await.unwrap();
        // Let live.js run once, then read the console.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(browser.console_errors().await, Vec::<String>::new(), "{page}");
        browser.screenshot(shot).await;
    }

    // A secret revealed on the overview stays revealed while the page refreshes itself.
    c.goto(&format!("{}/_localzoom/ui", lz.origin)).await.unwrap();
    c.find(Locator::XPath("//details[starts-with(@data-key,'secret-')]/summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    lz.http
        .post(format!("{}/_localzoom/apps", lz.origin))
        .json(&json!({"name": "Another"}))
        .send()
        .await
        .unwrap();
    wait_for_text(c, "Another", Duration::from_secs(2)).await;
    let open = c
        .execute(
            "return document.querySelector(\"details[data-key^='secret-']\").open;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(open, json!(true), "the refresh closed what the person opened");

    // A user created through the API appears on the users page within 2 s, without a reload.
    c.goto(&format!("{}/_localzoom/ui/users", lz.origin)).await.unwrap();
    c.execute("window.__still_here = true;", vec![]).await.unwrap();
    let (s, created) = api(
        &lz,
        &token,
        reqwest::Method::POST,
        "/v2/users",
        Some(
            json!({"action": "custCreate", "user_info": {"email": "live@example.com", "type": 1, "first_name": "Liv"}}),
        ),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    wait_for_text(c, "live@example.com", Duration::from_secs(2)).await;
    let same_page = c.execute("return window.__still_here === true;", vec![]).await.unwrap();
    assert_eq!(same_page, json!(true), "the page was reloaded");
    // Search.
    let search = c.find(Locator::Css("input[name=q]")).await.unwrap();
    search.send_keys("live@").await.unwrap();
    click_button(c, "Search").await;
    wait_for_text(c, "1 match", Duration::from_secs(5)).await;

    // The requests page shows that request, its token masked.
    c.goto(&format!("{}/_localzoom/ui/requests", lz.origin)).await.unwrap();
    wait_for_text(c, "/v2/users", Duration::from_secs(2)).await;
    let link = c
        .find(Locator::XPath(
            "//tr[td/code[text()='/v2/users'] and td[text()='POST']]/td[1]/a",
        ))
        .await
        .unwrap();
    link.click().await.unwrap();
    let source = c.source().await.unwrap();
    assert!(!source.contains(&token), "the token shows in clear");
    let last4 = &token[token.len() - 4..];
    assert!(source.contains(&format!("Bearer ****{last4}")), "{source}");
    assert!(source.contains("curl -X POST"), "copy as curl");
    browser.screenshot("dashboard-request").await;

    // Advancing the clock by one hour through the page moves GET /_localzoom/clock.
    lz.http
        .post(format!("{}/_localzoom/clock", lz.origin))
        .json(&json!({"frozen": true}))
        .send()
        .await
        .unwrap();
    let before = clock(&lz).await;
    c.goto(&format!("{}/_localzoom/ui/time", lz.origin)).await.unwrap();
    click_button(c, "Advance 1 h").await;
    let after = clock(&lz).await;
    let secs = |v: &Value| localzoom_server::clock::parse_rfc3339_ms(v["now"].as_str().unwrap()).unwrap() / 1000;
    assert_eq!(secs(&after) - secs(&before), 3600, "{before} → {after}");
    wait_for_text(c, after["now"].as_str().unwrap(), Duration::from_secs(2)).await;
    click_button(c, "Unfreeze").await;
    assert_eq!(clock(&lz).await["frozen"], false);

    // A fault added through the page makes the next matching call fail as configured (with a new
    // token: the hour just passed ended the first one).
    let token = lz.token().await;
    c.find(Locator::Css("select[name=operation]"))
        .await
        .unwrap()
        .select_by_value("users")
        .await
        .unwrap();
    let status = c.find(Locator::Css("input[name=status]")).await.unwrap();
    status.clear().await.unwrap();
    status.send_keys("503").await.unwrap();
    c.find(Locator::Css("input[name=times]"))
        .await
        .unwrap()
        .send_keys("1")
        .await
        .unwrap();
    click_button(c, "Add fault").await;
    wait_for_text(c, "operation=users", Duration::from_secs(2)).await;
    browser.screenshot("dashboard-time-fault").await;
    let (s, body) = api(&lz, &token, reqwest::Method::GET, "/v2/users", None).await;
    assert_eq!(s, 503, "{body}");
    assert!(body["code"].is_i64() && body["message"].is_string(), "{body}");
    let (s, _) = api(&lz, &token, reqwest::Method::GET, "/v2/users", None).await;
    assert_eq!(s, 200, "the rule fired once");

    // Reset asks first, naming what goes; then the users list holds only the owner.
    c.goto(&format!("{}/_localzoom/ui/time", lz.origin)).await.unwrap();
    c.find(Locator::LinkText("Reset everything…"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let confirm = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    // Two users exist; the owner stays.
    assert!(
        confirm.contains("1 users") && confirm.contains("journal entries"),
        "{confirm}"
    );
    browser.screenshot("dashboard-reset").await;
    let (s, _) = api(&lz, &token, reqwest::Method::GET, "/v2/users/live@example.com", None).await;
    assert_eq!(s, 200, "nothing is lost before the confirmation");
    click_button(c, "Yes, reset everything").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/_localzoom/ui/users");
    let rows = c.find_all(Locator::Css("#live tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].text().await.unwrap().contains(&lz.creds.owner_email));

    // A user's page and a meeting's page (with its Start switch).
    let token = lz.token().await;
    let (st, meeting) = api(
        &lz,
        &token,
        reqwest::Method::POST,
        "/v2/users/me/meetings",
        Some(json!({"topic": "Dashboard review", "type": 2, "start_time": "2027-01-05T10:00:00Z"})),
    )
    .await;
    assert_eq!(st, 201, "{meeting}");
    c.goto(&format!("{}/_localzoom/ui/users/{}", lz.origin, lz.creds.owner_id))
        .await
        .unwrap();
    wait_for_text(c, "User object", Duration::from_secs(2)).await;
    wait_for_text(c, "Dashboard review", Duration::from_secs(2)).await;
    browser.screenshot("dashboard-user").await;
    c.goto(&format!("{}/_localzoom/ui/meetings/{}", lz.origin, meeting["id"]))
        .await
        .unwrap();
    click_button(c, "Start meeting").await;
    let (_, live) = api(
        &lz,
        &token,
        reqwest::Method::GET,
        &format!("/v2/meetings/{}", meeting["id"]),
        None,
    )
    .await;
    assert_eq!(live["status"], "started");
    wait_for_text(c, "End meeting", Duration::from_secs(2)).await;
    browser.screenshot("dashboard-meeting").await;
    assert_eq!(browser.console_errors().await, Vec::<String>::new());

    // A phone-sized screen: nothing wider than the viewport.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{}/_localzoom/ui/users", lz.origin)).await.unwrap();
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, json!(true));
    browser.screenshot("dashboard-users-phone").await;
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn with_a_control_token_the_dashboard_asks_for_it() {
    let Some(browser) = Browser::start("dashboard sign-in").await else {
        return;
    };
    let lz = localzoom(|c| c.control_token = Some("ui-secret-token".into())).await;
    let c = &browser.client;
    c.goto(&format!("{}/_localzoom/ui/users", lz.origin)).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/_localzoom/ui/signin");
    let label = c
        .find(Locator::Css("label[for=token]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(label, "Control token");
    // A wrong token is refused.
    c.find(Locator::Css("input[name=token]"))
        .await
        .unwrap()
        .send_keys("not-the-token")
        .await
        .unwrap();
    click_button(c, "Sign in").await;
    wait_for_text(c, "That control token is not right.", Duration::from_secs(2)).await;
    browser.screenshot("dashboard-signin-refused").await;
    // The refusal is a 401 page, which the console reports; nothing else may.
    let refused = browser.console_errors().await;
    assert!(refused.iter().all(|m| m.contains("401")), "{refused:?}");
    c.goto(&format!("{}/_localzoom/ui/time", lz.origin)).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/_localzoom/ui/signin");
    // The right one opens the dashboard; the token is not in the URL or a readable cookie.
    c.find(Locator::Css("input[name=token]"))
        .await
        .unwrap()
        .send_keys("ui-secret-token")
        .await
        .unwrap();
    click_button(c, "Sign in").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/_localzoom/ui");
    assert!(!url.as_str().contains("ui-secret-token"));
    let cookies = c.execute("return document.cookie;", vec![]).await.unwrap();
    assert_eq!(cookies, json!(""), "session and CSRF cookies are HttpOnly");
    c.goto(&format!("{}/_localzoom/ui/time", lz.origin)).await.unwrap();
    click_button(c, "Advance 1 min").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/_localzoom/ui/time");
    // The JSON control plane keeps its Bearer rule.
    let resp = lz
        .http
        .get(format!("{}/_localzoom/clock", lz.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}
