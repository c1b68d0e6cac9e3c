//! Zoom's rate limits as clients meet them: per-second and daily limits by label and plan, their
//! headers, per-resource quotas, lock keys and the switches.

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{read, spawn_app, spawn_with, TestApp};

const MORNING: &str = "2026-01-05T10:00:00Z";

async fn get_me(app: &TestApp) -> (u16, Value, HeaderMap) {
    let resp = app.req(Method::GET, "/v2/users/me").send().await.unwrap();
    let headers = resp.headers().clone();
    let (s, body) = read(resp).await;
    (s, body, headers)
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn rate_headers(h: &HeaderMap) -> (String, String, i64, i64) {
    (
        header(h, "x-ratelimit-category").unwrap().to_string(),
        header(h, "x-ratelimit-type").unwrap().to_string(),
        header(h, "x-ratelimit-limit").unwrap().parse().unwrap(),
        header(h, "x-ratelimit-remaining").unwrap().parse().unwrap(),
    )
}

#[tokio::test]
async fn business_light_headers_count_down_within_the_second() {
    let app = spawn_app().await;
    app.freeze_at(MORNING).await;
    for remaining in [79, 78] {
        let (s, body, h) = get_me(&app).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(rate_headers(&h), ("Light".into(), "QPS".into(), 80, remaining));
    }
    // The control plane and OAuth are not Zoom API operations: no headers, no counting.
    let resp = app.http.get(app.url("/_localzoom/clock")).send().await.unwrap();
    assert!(resp.headers().get("x-ratelimit-limit").is_none());
    let resp = app.req(Method::GET, "/v2/users?page_size=1").send().await.unwrap();
    assert_eq!(rate_headers(resp.headers()), ("Medium".into(), "QPS".into(), 60, 59));
}

#[tokio::test]
async fn the_per_second_limit_holds_at_its_boundary_and_the_clock_rolls_it() {
    let app = spawn_app().await;
    app.set_plan("free").await;
    app.freeze_at(MORNING).await;
    // Free plan, Light: 4 per second (and 6,000 a day, which the headers report).
    for i in 0..4 {
        let (s, body, h) = get_me(&app).await;
        assert_eq!(s, 200, "request {i}: {body}");
        assert_eq!(rate_headers(&h), ("Light".into(), "Daily-limit".into(), 6000, 5999 - i));
    }
    let (s, body, h) = get_me(&app).await;
    assert_eq!(s, 429);
    assert_eq!(
        body,
        json!({"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."})
    );
    assert_eq!(rate_headers(&h), ("Light".into(), "QPS".into(), 4, 0));
    let reset: i64 = header(&h, "x-ratelimit-reset").unwrap().parse().unwrap();
    assert_eq!(reset, 1_767_607_201, "the next second of the frozen clock");
    assert!(h.get("retry-after").is_none());
    // A frozen clock keeps the window shut; advancing it one second opens the next.
    assert_eq!(get_me(&app).await.0, 429);
    app.advance_clock(1).await;
    let (s, _, h) = get_me(&app).await;
    assert_eq!(s, 200);
    assert_eq!(
        rate_headers(&h).3,
        5995,
        "a per-second rejection does not spend the day"
    );
    // Another label has its own count: Medium is 2 per second on Free.
    let (s, _) = app.call(Method::GET, "/v2/users?page_size=1", None).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn concurrent_requests_at_the_boundary_spend_exactly_the_limit() {
    let app = spawn_app().await;
    app.freeze_at(MORNING).await;
    // Business, Medium: 60 per second. 75 at once: exactly 60 pass.
    let mut tasks = Vec::new();
    for _ in 0..75 {
        let req = app.req(Method::GET, "/v2/users?page_size=1");
        tasks.push(tokio::spawn(async move { req.send().await.unwrap().status().as_u16() }));
    }
    let mut ok = 0;
    let mut limited = 0;
    for t in tasks {
        match t.await.unwrap() {
            200 => ok += 1,
            429 => limited += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, limited), (60, 15));
}

#[tokio::test]
async fn the_daily_limit_answers_with_retry_after_and_resets_at_midnight_utc() {
    let app = spawn_app().await;
    app.set_plan("free").await;
    app.freeze_at("2026-01-05T23:00:00Z").await;
    // Free, Medium: 2/s and 2,000/day; scaled by 0.005: 1/s and 10/day.
    let (s, body) = app
        .control(Method::PUT, "/_localzoom/ratelimits", json!({"scale": 0.005}))
        .await;
    assert_eq!((s, body), (200, json!({"enabled": true, "scale": 0.005})));
    for i in 0..10 {
        let resp = app.req(Method::GET, "/v2/users?page_size=1").send().await.unwrap();
        assert_eq!(resp.status(), 200, "request {i}");
        assert_eq!(
            rate_headers(resp.headers()),
            ("Medium".into(), "Daily-limit".into(), 10, 9 - i)
        );
        app.advance_clock(1).await;
    }
    let resp = app.req(Method::GET, "/v2/users?page_size=1").send().await.unwrap();
    let h = resp.headers().clone();
    let (s, body) = read(resp).await;
    assert_eq!(s, 429);
    assert_eq!(
        body,
        json!({"code": 429, "message": "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."})
    );
    assert_eq!(rate_headers(&h), ("Medium".into(), "Daily-limit".into(), 10, 0));
    assert_eq!(header(&h, "retry-after"), Some("2026-01-06T00:00:00Z"));
    // Another label's day is its own.
    assert_eq!(get_me(&app).await.0, 200);
    // Still the same day an hour on; the next day opens it.
    app.advance_clock(60).await;
    let (s, err) = app.call(Method::GET, "/v2/users?page_size=1", None).await;
    assert_eq!(
        (s, err["message"].as_str().map(|m| m.contains("daily"))),
        (429, Some(true))
    );
    app.freeze_at("2026-01-06T00:00:00Z").await;
    let resp = app.req(Method::GET, "/v2/users?page_size=1").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(rate_headers(resp.headers()).3, 9);
}

#[tokio::test]
async fn plans_are_set_per_account_and_validated() {
    let app = spawn_app().await;
    let path = format!("/_localzoom/accounts/{}", app.creds.account_id);
    let (s, body) = app.control(Method::PUT, &path, json!({"plan": "enterprise"})).await;
    assert_eq!((s, body["code"].clone()), (400, json!(300)), "{body}");
    let (s, body) = app
        .control(Method::PUT, "/_localzoom/accounts/nope", json!({"plan": "pro"}))
        .await;
    assert_eq!((s, body["code"].clone()), (404, json!(2001)));
    app.set_plan("pro").await;
    let (_, account) = read(app.http.get(app.url(&path)).send().await.unwrap()).await;
    assert_eq!(account["plan"], "pro");
    let (_, _, h) = get_me(&app).await;
    assert_eq!(rate_headers(&h), ("Light".into(), "QPS".into(), 30, 29));
    // Counting is per account: another account's requests do not spend this one's.
    let (other, token) = app.other_account().await;
    assert_eq!(other["plan"], "business");
    let resp = app
        .http
        .get(app.url("/v2/users/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(header(resp.headers(), "x-ratelimit-limit"), Some("80"));
}

#[tokio::test]
async fn switches_turn_every_limit_off_and_validate() {
    let app = spawn_app().await;
    app.set_plan("free").await;
    app.freeze_at(MORNING).await;
    for (body, field) in [
        (json!({"scale": 0}), "scale"),
        (json!({"scale": "lots"}), "scale"),
        (json!({"enabled": "maybe"}), "enabled"),
        (json!({}), "enabled"),
    ] {
        let (s, err) = app.control(Method::PUT, "/_localzoom/ratelimits", body).await;
        assert_eq!((s, err["code"].clone()), (400, json!(300)), "{err}");
        assert_eq!(err["errors"][0]["field"], field);
    }
    let (s, body) = app
        .control(Method::PUT, "/_localzoom/ratelimits", json!({"enabled": false}))
        .await;
    assert_eq!((s, body), (200, json!({"enabled": false, "scale": 1.0})));
    for _ in 0..8 {
        let (s, _, h) = get_me(&app).await;
        assert_eq!(s, 200);
        assert!(h.get("x-ratelimit-limit").is_none());
    }
    // Per-resource limits are off too: two presence updates in one minute.
    let id = app.create_user("free@example.com", "custCreate", 2).await;
    let path = format!("/v2/users/{id}/presence_status");
    for status in ["Away", "Busy"] {
        let (s, body) = app.call(Method::PUT, &path, Some(json!({ "status": status }))).await;
        assert_eq!(s, 204, "{body}");
    }
    let (_, now) = app.call(Method::GET, &path, None).await;
    assert_eq!(now["status"], "Busy");
    let (s, body) = app
        .control(Method::PUT, "/_localzoom/ratelimits", json!({"enabled": true}))
        .await;
    assert_eq!((s, body["enabled"].clone()), (200, json!(true)));
    let (_, current) = read(app.http.get(app.url("/_localzoom/ratelimits")).send().await.unwrap()).await;
    assert_eq!(current, json!({"enabled": true, "scale": 1.0}));
}

#[tokio::test]
async fn the_flags_set_the_switches_at_start() {
    let app = spawn_with(|c| {
        c.rate_limits = localzoom_server::config::RateLimitMode::Off;
        c.rate_limit_scale = 2.5;
    })
    .await;
    let (_, current) = read(app.http.get(app.url("/_localzoom/ratelimits")).send().await.unwrap()).await;
    assert_eq!(current, json!({"enabled": false, "scale": 2.5}));
}

#[tokio::test]
async fn per_resource_quotas_scale_presence_and_cap_pending_creations_by_plan() {
    let app = spawn_app().await;
    app.freeze_at(MORNING).await;
    // Presence: one update a minute, scaled by 2 to two.
    let (s, _) = app
        .control(Method::PUT, "/_localzoom/ratelimits", json!({"scale": 2}))
        .await;
    assert_eq!(s, 200);
    let id = app.create_user("scaled@example.com", "custCreate", 2).await;
    let path = format!("/v2/users/{id}/presence_status");
    for (status, want) in [("Away", 204), ("Busy", 204), ("Available", 429)] {
        let (s, body) = app.call(Method::PUT, &path, Some(json!({ "status": status }))).await;
        assert_eq!(s, want, "{status}: {body}");
    }
    // `action=create`: 50 a day on Free; scaled by 0.1, five.
    app.set_plan("free").await;
    let (s, _) = app
        .control(Method::PUT, "/_localzoom/ratelimits", json!({"scale": 0.1}))
        .await;
    assert_eq!(s, 200);
    let create = |email: String, action: &'static str| {
        let req = app
            .req(Method::POST, "/v2/users")
            .json(&json!({"action": action, "user_info": {"email": email, "type": 1}}));
        async move { read(req.send().await.unwrap()).await }
    };
    // Free's Light limit scales to one a second too: each request gets a second of its own.
    for i in 0..5 {
        app.advance_clock(1).await;
        let (s, body) = create(format!("invite{i}@example.com"), "create").await;
        assert_eq!(s, 201, "{body}");
    }
    app.advance_clock(1).await;
    let (s, body) = create("invite5@example.com".into(), "create").await;
    assert_eq!(s, 429);
    assert_eq!(
        body["message"],
        "You have exceeded the daily rate limit (5) of User Create API requests with action create permitted for this account. You may resume these requests at GMT 00:00:00."
    );
    app.advance_clock(1).await;
    let (s, body) = app.call(Method::GET, "/v2/users/invite5@example.com", None).await;
    assert_eq!((s, body["code"].clone()), (404, json!(1001)), "nothing was created");
    // Other actions are not capped; the next UTC day lifts the cap.
    app.advance_clock(1).await;
    let (s, _) = create("direct@example.com".into(), "custCreate").await;
    assert_eq!(s, 201);
    app.freeze_at("2026-01-06T00:00:01Z").await;
    let (s, body) = create("invite5@example.com".into(), "create").await;
    assert_eq!(s, 201, "{body}");
}

async fn set_latency(app: &TestApp, operation: &str, ms: i64) {
    let (s, body) = app
        .control(
            Method::PUT,
            "/_localzoom/latency",
            json!({"operation": operation, "ms": ms}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
}

#[tokio::test]
async fn a_second_concurrent_delete_of_one_user_meets_the_lock_key() {
    let app = spawn_app().await;
    let id = app.create_user("twice@example.com", "custCreate", 1).await;
    set_latency(&app, "userDelete", 1500).await;
    let first = app.req(Method::DELETE, &format!("/v2/users/{id}")).send();
    let first = tokio::spawn(first);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // By email or by id, it is the same user's key.
    let (s, body) = app.call(Method::DELETE, "/v2/users/twice@example.com", None).await;
    assert_eq!(s, 429);
    assert_eq!(
        body,
        json!({"code": 429, "message": "Too many concurrent requests. A request to disassociate this user has already been made."})
    );
    assert_eq!(first.await.unwrap().unwrap().status(), 204);
    let (s, body) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    assert_eq!((s, body["code"].clone()), (404, json!(1001)));
    // Another user is not locked, and the released key leaves no trace.
    set_latency(&app, "userDelete", 0).await;
    let other = app.create_user("other@example.com", "custCreate", 1).await;
    let (s, _) = app
        .call(Method::DELETE, &format!("/v2/users/{other}?action=delete"), None)
        .await;
    assert_eq!(s, 204);
    let (_, latency) = read(app.http.get(app.url("/_localzoom/latency")).send().await.unwrap()).await;
    assert_eq!(latency, json!({"latency_ms": {}}));
}

#[tokio::test]
async fn a_user_whose_creation_is_in_flight_is_locked() {
    let app = spawn_app().await;
    set_latency(&app, "userCreate", 1500).await;
    let body = json!({"action": "custCreate", "user_info": {"email": "slow@example.com", "type": 1}});
    let creating = tokio::spawn(app.req(Method::POST, "/v2/users").json(&body).send());
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let locked = json!({"code": 429, "message": "Too many concurrent requests. A request to create this user has already been made."});
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"dept": "X"}))),
        (Method::DELETE, None),
    ] {
        let (s, answer) = app.call(method.clone(), "/v2/users/slow@example.com", body).await;
        assert_eq!((s, &answer), (429, &locked), "{method}");
    }
    let (s, answer) = app.call(Method::POST, "/v2/users", Some(body.clone())).await;
    assert_eq!((s, answer), (429, locked));
    assert_eq!(creating.await.unwrap().unwrap().status(), 201);
    let (s, user) = app.call(Method::GET, "/v2/users/slow@example.com", None).await;
    assert_eq!(
        (s, user["dept"].clone()),
        (200, json!("")),
        "the refused PATCH changed nothing"
    );
    // A user that simply does not exist is still a 404.
    let (s, body) = app.call(Method::GET, "/v2/users/nobody@example.com", None).await;
    assert_eq!((s, body["code"].clone()), (404, json!(1001)));
}

#[tokio::test]
async fn latency_control_is_validated() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!({"operation": "noSuchOp", "ms": 10}), "operation"),
        (json!({"operation": "userDelete", "ms": -1}), "ms"),
        (json!({"operation": "userDelete", "ms": 600_000}), "ms"),
        (json!({"ms": 10}), "operation"),
    ] {
        let (s, err) = app.control(Method::PUT, "/_localzoom/latency", body).await;
        assert_eq!((s, err["code"].clone()), (400, json!(300)), "{err}");
        assert_eq!(err["errors"][0]["field"], field);
    }
}
