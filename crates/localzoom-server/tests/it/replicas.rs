//! Two servers over one store (one PostgreSQL database, or one SQLite file), as replicas behind a
//! load balancer: what one acknowledges, the other sees.

use reqwest::Method;
use serde_json::json;

use crate::common::{read, spawn_replicas};

#[tokio::test]
async fn tokens_and_revocations_cross_replicas() {
    let (a, b) = spawn_replicas().await;
    let (s, _) = read(
        b.http
            .get(b.url("/v2/users/me"))
            .bearer_auth(&a.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "a token issued by one replica works on the other");
    let c = &a.creds;
    let resp = b
        .http
        .post(b.url(&format!("/oauth/revoke?token={}", a.token)))
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (s, body) = a.call(Method::GET, "/v2/users/me", None).await;
    assert_eq!((s, body["code"].clone()), (401, json!(124)));
}

#[tokio::test]
async fn page_tokens_and_deletions_cross_replicas() {
    let (a, b) = spawn_replicas().await;
    for i in 0..4 {
        a.create_user(&format!("r{i}@example.com"), "custCreate", 1).await;
    }
    let (_, first) = a.call(Method::GET, "/v2/users?page_size=2", None).await;
    let token = first["next_page_token"].as_str().unwrap();
    let (s, second) = b
        .call(Method::GET, &format!("/v2/users?next_page_token={token}"), None)
        .await;
    assert_eq!(s, 200, "{second}");
    assert_eq!(second["page_number"], 2);
    assert_eq!(second["users"][0]["email"], "r1@example.com");
    // Deleted on one, gone on the other; created on one, found on the other.
    let (s, _) = b.call(Method::DELETE, "/v2/users/r2@example.com", None).await;
    assert_eq!(s, 204);
    let (s, body) = a.call(Method::GET, "/v2/users/r2@example.com", None).await;
    assert_eq!((s, body["code"].clone()), (404, json!(1001)));
    let id = b.create_user("late@example.com", "custCreate", 1).await;
    let (s, body) = a.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    assert_eq!((s, body["email"].clone()), (200, json!("late@example.com")));
}

#[tokio::test]
async fn concurrent_writes_through_both_replicas_lose_nothing() {
    let (a, b) = spawn_replicas().await;
    let id = a.create_user("shared@example.com", "custCreate", 1).await;
    let fields = [
        "first_name",
        "last_name",
        "dept",
        "job_title",
        "company",
        "location",
        "cost_center",
        "pronouns",
        "cms_user_id",
        "display_name",
    ];
    let mut tasks = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let app = if i % 2 == 0 { &a } else { &b };
        let req = app
            .req(Method::PATCH, &format!("/v2/users/{id}"))
            .json(&json!({ *f: format!("v-{f}") }));
        tasks.push(tokio::spawn(async move { req.send().await.unwrap().status().as_u16() }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 204);
    }
    let (_, u) = b.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    for f in fields {
        assert_eq!(u[f], format!("v-{f}"), "{f} was lost");
    }
    // The same email created through both at once: exactly one wins.
    let body = json!({"action": "custCreate", "user_info": {"email": "race@example.com", "type": 1}});
    let ra = a.req(Method::POST, "/v2/users").json(&body).send();
    let rb = b.req(Method::POST, "/v2/users").json(&body).send();
    let (ra, rb) = tokio::join!(ra, rb);
    let mut statuses = vec![ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16()];
    statuses.sort_unstable();
    // The loser meets the creation's lock key (429) while it is in flight, the taken email (409) after.
    assert!(statuses == vec![201, 409] || statuses == vec![201, 429], "{statuses:?}");
    let (_, list) = a.call(Method::GET, "/v2/users?page_size=300", None).await;
    let copies = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["email"] == "race@example.com")
        .count();
    assert_eq!(copies, 1);
}

#[tokio::test]
async fn the_presence_minute_holds_across_replicas() {
    let (a, b) = spawn_replicas().await;
    let id = a.create_user("both@example.com", "custCreate", 2).await;
    let path = format!("/v2/users/{id}/presence_status");
    let ra = a.req(Method::PUT, &path).json(&json!({"status": "Away"})).send();
    let rb = b.req(Method::PUT, &path).json(&json!({"status": "Busy"})).send();
    let (ra, rb) = tokio::join!(ra, rb);
    let mut statuses = vec![ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, vec![204, 429]);
    let (s, _) = b.call(Method::PUT, &path, Some(json!({"status": "Away"}))).await;
    assert_eq!(s, 429, "the other replica knows the minute is used");
}

#[tokio::test]
async fn the_test_clock_and_the_switches_are_shared_by_replicas() {
    let (a, b) = spawn_replicas().await;
    a.freeze_clock().await;
    let (_, on_a) = read(a.http.get(a.url("/_localzoom/clock")).send().await.unwrap()).await;
    let (_, on_b) = read(b.http.get(b.url("/_localzoom/clock")).send().await.unwrap()).await;
    assert_eq!((on_b["frozen"].clone(), &on_b), (json!(true), &on_a));
    // A token issued through a works on b until the clock, moved on b, expires it on a.
    let (s, _) = b.call(Method::GET, "/v2/users/me", None).await;
    assert_eq!(s, 200);
    b.advance_clock(3600).await;
    let (s, body) = a.call(Method::GET, "/v2/users/me", None).await;
    assert_eq!((s, body["message"].clone()), (401, json!("Access token is expired.")));
    a.freeze_at("2036-03-01T12:00:00Z").await;
    let (_, clock) = read(b.http.get(b.url("/_localzoom/clock")).send().await.unwrap()).await;
    assert_eq!(clock, json!({"now": "2036-03-01T12:00:00Z", "frozen": true}));
    let (s, _) = a
        .control(
            Method::PUT,
            "/_localzoom/ratelimits",
            json!({"enabled": false, "scale": 3}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, switches) = read(b.http.get(b.url("/_localzoom/ratelimits")).send().await.unwrap()).await;
    assert_eq!(switches, json!({"enabled": false, "scale": 3.0}));
}

#[tokio::test]
async fn rate_limits_are_account_wide_across_replicas() {
    let (a, b) = spawn_replicas().await;
    a.set_plan("free").await;
    a.freeze_at("2026-03-01T12:00:00Z").await;
    // Per-second windows are shared through PostgreSQL; with SQLite (one process by design) each
    // process counts its own, so only the daily limit is checked across two processes there.
    if a.db.is_some() {
        // Free, Light: 4 per second, spent through both replicas.
        for (i, app) in [&a, &b, &a, &b].into_iter().enumerate() {
            let (s, body) = app.call(Method::GET, "/v2/users/me", None).await;
            assert_eq!(s, 200, "request {i}: {body}");
        }
        for app in [&a, &b] {
            let (s, body) = app.call(Method::GET, "/v2/users/me", None).await;
            assert_eq!((s, body["code"].clone()), (429, json!(429)));
        }
        // Concurrent requests through both at the boundary: Business, Medium, 60 per second.
        a.set_plan("business").await;
        a.advance_clock(1).await;
        let mut tasks = Vec::new();
        for i in 0..80 {
            let app = if i % 2 == 0 { &a } else { &b };
            let req = app.req(Method::GET, "/v2/users?page_size=1");
            tasks.push(tokio::spawn(async move { req.send().await.unwrap().status().as_u16() }));
        }
        let mut ok = 0;
        for t in tasks {
            let s = t.await.unwrap();
            assert!(s == 200 || s == 429, "{s}");
            ok += usize::from(s == 200);
        }
        assert_eq!(ok, 60);
        a.set_plan("free").await;
    }
    // Free, Medium: 2,000 a day; scaled by 0.005, ten, counted in the store by both.
    let (s, _) = a
        .control(Method::PUT, "/_localzoom/ratelimits", json!({"scale": 0.005}))
        .await;
    assert_eq!(s, 200);
    for i in 0..10 {
        a.advance_clock(1).await;
        let app = if i % 2 == 0 { &a } else { &b };
        let (s, body) = app.call(Method::GET, "/v2/users?page_size=1", None).await;
        assert_eq!(s, 200, "request {i}: {body}");
    }
    a.advance_clock(1).await;
    let resp = b.req(Method::GET, "/v2/users?page_size=1").send().await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["x-ratelimit-type"], "Daily-limit");
}

#[tokio::test]
async fn daily_quotas_hold_across_replicas() {
    let (a, b) = spawn_replicas().await;
    a.freeze_at("2026-03-01T12:00:00Z").await;
    // Business creates 10,000 pending users a day; scaled by 0.0005, five (and one request a second).
    let (s, _) = a
        .control(Method::PUT, "/_localzoom/ratelimits", json!({"scale": 0.0005}))
        .await;
    assert_eq!(s, 200);
    for i in 0..6 {
        a.advance_clock(1).await;
        let app = if i % 2 == 0 { &a } else { &b };
        let body = json!({"action": "create", "user_info": {"email": format!("p{i}@example.com"), "type": 1}});
        let (s, answer) = app.call(Method::POST, "/v2/users", Some(body)).await;
        if i < 5 {
            assert_eq!(s, 201, "creation {i}: {answer}");
        } else {
            assert_eq!(s, 429, "{answer}");
            assert!(answer["message"].as_str().unwrap().contains("(5)"), "{answer}");
        }
    }
}
