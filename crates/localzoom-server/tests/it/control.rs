//! The control plane: health, the clock, accounts and apps.

use serde_json::{json, Value};

use crate::common::{read, spawn_app};

#[tokio::test]
async fn health_and_clock() {
    let app = spawn_app().await;
    // The client caches a token now; the clock jump below expires it.
    app.client.users().summary().await.unwrap();
    let (s, body) = read(app.http.get(app.url("/_localzoom/health")).send().await.unwrap()).await;
    assert_eq!((s, body), (200, json!({"status": "ok"})));
    let (s, clock) = read(app.http.get(app.url("/_localzoom/clock")).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(clock["frozen"], false);
    let set = |body: Value| app.http.post(app.url("/_localzoom/clock")).json(&body).send();
    let (s, c) = read(
        set(json!({"now": "2030-01-01T00:00:00Z", "frozen": true}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, c), (200, json!({"now": "2030-01-01T00:00:00Z", "frozen": true})));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (_, c) = read(app.http.get(app.url("/_localzoom/clock")).send().await.unwrap()).await;
    assert_eq!(c["now"], "2030-01-01T00:00:00Z", "a frozen clock stands still");
    let (_, c) = read(set(json!({"advance_seconds": 90})).await.unwrap()).await;
    assert_eq!(c["now"], "2030-01-01T00:01:30Z");
    let (_, c) = read(set(json!({"frozen": false})).await.unwrap()).await;
    assert_eq!(c["frozen"], false);
    assert!(c["now"].as_str().unwrap().starts_with("2030-01-01T00:01:3"));
    for bad in [
        json!({}),
        json!({"now": "yesterday"}),
        json!({"advance_seconds": "soon"}),
        json!({"frozen": "maybe"}),
        json!({"advance_seconds": i64::MAX}),
        json!({"now": "9999-01-01T00:00:00Z"}),
    ] {
        let (s, body) = read(set(bad.clone()).await.unwrap()).await;
        assert_eq!(s, 400, "{bad}");
        assert_eq!(body["code"], 300);
    }
    // Users created now carry the moved clock's time. The jump expired the client's cached token:
    // it renews it on Zoom's 401/124 by itself.
    let req = zoom_types::users::CreateUserRequest {
        action: "custCreate".into(),
        user_info: zoom_types::users::NewUserInfo {
            email: "time@example.com".into(),
            user_type: 1,
            ..Default::default()
        },
    };
    let id = app.client.users().create(&req).await.unwrap().id;
    let u = app.client.users().get(&id).await.unwrap();
    assert!(u.created_at.unwrap().starts_with("2030-01-01T00:01:"));
}

#[tokio::test]
async fn accounts_and_apps() {
    let app = spawn_app().await;
    let (s, acct) = read(
        app.http
            .post(app.url("/_localzoom/accounts"))
            .json(&json!({"plan": "pro", "owner_email": "boss@other.example"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{acct}");
    assert_eq!(acct["plan"], "pro");
    assert_eq!(acct["owner_email"], "boss@other.example");
    let id = acct["account_id"].as_str().unwrap();
    let (s, got) = read(
        app.http
            .get(app.url(&format!("/_localzoom/accounts/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(got["owner_id"], acct["owner_id"]);
    assert_eq!(got["plan"], "pro");
    let (s, body) = read(app.http.get(app.url("/_localzoom/accounts/nope")).send().await.unwrap()).await;
    assert_eq!(
        (s, body),
        (404, json!({"code": 2001, "message": "Account does not exist: nope."}))
    );
    let (s, apps) = read(
        app.http
            .get(app.url(&format!("/_localzoom/apps?account_id={id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, apps["apps"][0]["client_id"].clone()),
        (200, acct["client_id"].clone())
    );
    let (s, body) = read(
        app.http
            .get(app.url("/_localzoom/apps?account_id=nope"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, body),
        (404, json!({"code": 2001, "message": "Account does not exist: nope."}))
    );
    let (s, body) = read(
        app.http
            .post(app.url("/_localzoom/apps"))
            .json(&json!({"account_id": "nope", "scopes": []}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["code"].clone()), (404, json!(2001)));
    let (s, body) = read(
        app.http
            .post(app.url("/_localzoom/apps"))
            .json(&json!({"scopes": "user:read:admin bogus"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["errors"][0]["field"].clone()), (400, json!("scopes")));
    // Owner emails are unique like every email.
    let (s, body) = read(
        app.http
            .post(app.url("/_localzoom/accounts"))
            .json(&json!({"owner_email": "boss@other.example"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["code"].clone()), (409, json!(1005)));
    let (s, body) = read(
        app.http
            .post(app.url("/_localzoom/accounts"))
            .json(&json!({"plan": "gold"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["code"].clone()), (400, json!(300)));
    let (s, body) = read(
        app.http
            .post(app.url("/_localzoom/apps"))
            .json(&json!({"scopes": ["not:a:scope"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["errors"][0]["field"].clone()), (400, json!("scopes[0]")));
    let (s, list) = read(app.http.get(app.url("/_localzoom/apps")).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(list["apps"][0]["client_id"], app.creds.client_id.as_str());
}

#[tokio::test]
async fn users_are_seeded_in_bulk() {
    let app = crate::common::spawn_app().await;
    let (s, out) = app
        .control(
            reqwest::Method::POST,
            "/_localzoom/users/seed",
            serde_json::json!({"count": 450, "email_prefix": "load-", "type": 2}),
        )
        .await;
    assert_eq!(s, 201, "{out}");
    assert_eq!(out["created"], 450);
    let (_, page) = app.call(reqwest::Method::GET, "/v2/users?page_size=1", None).await;
    assert_eq!(page["total_records"], 451, "the owner and the seeded users");
    let (s, user) = app
        .call(reqwest::Method::GET, "/v2/users/load-449@example.com", None)
        .await;
    assert_eq!((s, user["type"].clone()), (200, serde_json::json!(2)));
    // The same emails again are taken, and nothing of that call is kept.
    let (s, err) = app
        .control(
            reqwest::Method::POST,
            "/_localzoom/users/seed",
            serde_json::json!({"count": 10, "email_prefix": "load-"}),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (409, serde_json::json!(1005)));
    for bad in [
        serde_json::json!({}),
        serde_json::json!({"count": 0}),
        serde_json::json!({"count": 2_000_000}),
    ] {
        let (s, err) = app.control(reqwest::Method::POST, "/_localzoom/users/seed", bad).await;
        assert_eq!((s, err["code"].clone()), (400, serde_json::json!(300)));
    }
}
