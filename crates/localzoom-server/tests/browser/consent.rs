//! The consent page in a browser: pick a user, click Allow, land on the app's redirect URI (served
//! by the test) with a code the test then exchanges.

use std::time::Duration;

use axum::extract::RawQuery;
use axum::routing::get;
use fantoccini::Locator;
use serde_json::{json, Value};

use crate::driver::{localzoom, Browser};

/// The app's side: a redirect URI that hands each query it receives to the test.
async fn callback_server() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/callback",
        get(move |RawQuery(q): RawQuery| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(q.unwrap_or_default());
                axum::response::Html("<!doctype html><title>Back in the app</title><h1>Back in the app</h1>")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/callback"), rx)
}

#[tokio::test]
async fn a_person_allows_an_app_on_the_consent_page() {
    let Some(browser) = Browser::start("consent").await else {
        return;
    };
    let lz = localzoom(|_| {}).await;
    let origin = lz.origin.clone();
    let (callback, mut received) = callback_server().await;
    let http = reqwest::Client::new();
    let seeded: Value = http
        .post(format!("{origin}/_localzoom/seed"))
        .json(&json!({"accounts": [{"default": true,
            "users": [{"email": "ann@example.com", "type": 1, "first_name": "Ann"}],
            "apps": [{"type": "oauth", "name": "Calendar Sync", "client_id": "calendar-sync",
                      "client_secret": "calendar-secret", "redirect_uris": [callback], "scopes": ["user:read"]}]}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user_id = seeded["accounts"][0]["users"]["ann@example.com"]
        .as_str()
        .unwrap_or_else(|| panic!("{seeded}"))
        .to_string();
    let (client_id, secret) = ("calendar-sync", "calendar-secret");
    let authorize = reqwest::Url::parse_with_params(
        &format!("{origin}/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", callback.as_str()),
            ("state", "xyz"),
        ],
    )
    .unwrap();
    let c = &browser.client;
    c.goto(authorize.as_str()).await.unwrap();
    let heading = c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert!(heading.contains("Calendar Sync"), "{heading}");
    browser.screenshot("oauth-consent").await;
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    // Pick Ann by keyboard-reachable form controls, then Allow.
    let select = c.find(Locator::Css("select[name=user]")).await.unwrap();
    select.select_by_value(&user_id).await.unwrap();
    let label = c
        .find(Locator::Css("label[for=user]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(label, "Sign in as");
    c.find(Locator::XPath("//button[normalize-space()='Allow']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let query = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the browser reached the redirect URI")
        .unwrap();
    let landed = c.current_url().await.unwrap();
    assert!(landed.as_str().starts_with(&callback), "{landed}");
    browser.screenshot("oauth-callback").await;
    let params: std::collections::HashMap<String, String> = serde_urlencoded::from_str(&query).unwrap();
    assert_eq!(params["state"], "xyz");
    let token: Value = http
        .post(format!("{origin}/oauth/token"))
        .basic_auth(client_id, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", params["code"].as_str()),
            ("redirect_uri", callback.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me: Value = http
        .get(format!("{origin}/v2/users/me"))
        .bearer_auth(token["access_token"].as_str().unwrap_or_else(|| panic!("{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], user_id.as_str());
    assert_eq!(me["email"], "ann@example.com");

    // Decline from the same page: back to the app with access_denied.
    c.goto(authorize.as_str()).await.unwrap();
    c.find(Locator::XPath("//button[normalize-space()='Decline']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let query = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(query, "error=access_denied&state=xyz");
    browser.close().await;
}
