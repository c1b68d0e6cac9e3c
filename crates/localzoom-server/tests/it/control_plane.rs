//! The control plane a test suite needs: gate, reset, request journal, fault rules, accounts and
//! apps, and a user's inside view.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{read, spawn_replicas, spawn_with, token_for};
use crate::meetings::create_meeting;

#[tokio::test]
async fn the_gate_guards_the_control_plane_only_when_a_token_is_set() {
    let open = spawn_with(|_| {}).await;
    let (s, _) = open.control_get("/_localzoom/clock").await;
    assert_eq!(s, 200);

    let gated = spawn_with(|c| c.control_token = Some("s3cret-control".into())).await;
    for (method, path) in [
        (Method::GET, "/_localzoom/clock"),
        (Method::GET, "/_localzoom/requests"),
        (Method::POST, "/_localzoom/reset"),
        (Method::GET, "/_localzoom/faults"),
        (Method::GET, "/_localzoom/accounts"),
    ] {
        let (s, body) = read(
            gated
                .http
                .request(method.clone(), gated.url(path))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (s, &body),
            (401, &json!({"code": 401, "message": "Control token required."})),
            "{method} {path}"
        );
        let (s, _) = read(
            gated
                .http
                .request(method.clone(), gated.url(path))
                .bearer_auth("wrong")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 401, "{method} {path} with a wrong token");
    }
    let (s, body) = read(
        gated
            .http
            .get(gated.url("/_localzoom/clock"))
            .bearer_auth("s3cret-control")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    // Health, the API and OAuth are not gated.
    let (s, _) = gated.control_get("/_localzoom/health").await;
    assert_eq!(s, 200);
    let (s, _) = gated.call(Method::GET, "/v2/users/me", None).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn reset_restores_the_first_start_with_the_same_credentials() {
    let app = spawn_with(|_| {}).await;
    let user = app.create_user("gone@example.com", "custCreate", 2).await;
    create_meeting(
        &app,
        &user,
        json!({"topic": "x", "type": 2, "start_time": "2030-01-01T10:00:00Z"}),
    )
    .await;
    app.freeze_at("2031-05-05T00:00:00Z").await;
    let (s, _) = app
        .control(
            Method::POST,
            "/_localzoom/faults",
            json!({"path": "/v2/nothing", "status": 500}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, other) = app.control(Method::POST, "/_localzoom/accounts", json!({})).await;
    assert_eq!(s, 201, "{other}");
    let old_token = app.token.clone();

    let (s, body) = app.control(Method::POST, "/_localzoom/reset", json!({})).await;
    assert_eq!(s, 204, "{body}");
    // Tokens issued before answer 401/124; the same credentials get a new one.
    let (s, body) = app.call_as(&old_token, Method::GET, "/v2/users", None).await;
    assert_eq!((s, body["code"].as_i64()), (401, Some(124)), "{body}");
    let token = app.fresh_token().await;
    let (s, list) = app.call_as(&token, Method::GET, "/v2/users", None).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total_records"], 1, "{list}");
    assert_eq!(list["users"][0]["id"], app.creds.owner_id.as_str());
    assert_eq!(list["users"][0]["email"], app.creds.owner_email.as_str());
    let (_, clock) = app.control_get("/_localzoom/clock").await;
    assert_eq!(clock["frozen"], false, "{clock}");
    assert!(clock["now"].as_str().unwrap() < "2031", "{clock}");
    let (_, faults) = app.control_get("/_localzoom/faults").await;
    assert_eq!(faults["faults"], json!([]));
    let (_, accounts) = app.control_get("/_localzoom/accounts").await;
    assert_eq!(accounts["accounts"].as_array().unwrap().len(), 1, "{accounts}");
    assert_eq!(accounts["accounts"][0]["id"], app.creds.account_id.as_str());
    let (_, journal) = app.control_get("/_localzoom/requests").await;
    assert_eq!(journal["total"], 3, "only the requests made after the reset: {journal}");
}

#[tokio::test]
async fn resetting_one_account_leaves_the_others_alone() {
    let app = spawn_with(|_| {}).await;
    let (acct, other_token) = app.other_account().await;
    let other_id = acct["account_id"].as_str().unwrap();
    let call_other = |method: Method, path: &str, body: Option<Value>| {
        let mut r = app.http.request(method, app.url(path)).bearer_auth(&other_token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        async move { read(r.send().await.unwrap()).await }
    };
    let (s, u) = call_other(
        Method::POST,
        "/v2/users",
        Some(json!({"action": "custCreate", "user_info": {"email": "other-user@example.com", "type": 2}})),
    )
    .await;
    assert_eq!(s, 201, "{u}");
    let (s, _) = call_other(Method::PATCH, "/v2/users/me", Some(json!({"dept": "Changed"}))).await;
    assert_eq!(s, 204);
    let kept = app.create_user("kept@example.com", "custCreate", 2).await;
    let m = create_meeting(
        &app,
        &kept,
        json!({"topic": "kept", "type": 2, "start_time": "2030-01-01T10:00:00Z"}),
    )
    .await;

    let (s, body) = app
        .control(
            Method::POST,
            &format!("/_localzoom/reset?account_id={other_id}"),
            json!({}),
        )
        .await;
    assert_eq!(s, 204, "{body}");
    // Its tokens are gone; the account, its plan and its app stay.
    let (s, body) = call_other(Method::GET, "/v2/users", None).await;
    assert_eq!((s, body["code"].as_i64()), (401, Some(124)), "{body}");
    let token = token_for(
        &app.http,
        &app.origin,
        other_id,
        acct["client_id"].as_str().unwrap(),
        acct["client_secret"].as_str().unwrap(),
    )
    .await;
    let (_, list) = app.call_as(&token, Method::GET, "/v2/users", None).await;
    assert_eq!(list["total_records"], 1, "only the owner: {list}");
    let (_, owner) = app.call_as(&token, Method::GET, "/v2/users/me", None).await;
    assert_eq!(owner["dept"], "", "the owner is back to its first state: {owner}");
    // The default account is untouched.
    let (s, _) = app.call(Method::GET, &format!("/v2/users/{kept}"), None).await;
    assert_eq!(s, 200);
    let (s, _) = app.call(Method::GET, &format!("/v2/meetings/{}", m["id"]), None).await;
    assert_eq!(s, 200);
    let (s, body) = app
        .control(Method::POST, "/_localzoom/reset?account_id=", json!({}))
        .await;
    assert_eq!(
        (s, body["code"].as_i64()),
        (404, Some(2001)),
        "an empty id never resets everything: {body}"
    );
    let (s, body) = app
        .control(Method::POST, "/_localzoom/reset?account_id=nope", json!({}))
        .await;
    assert_eq!(
        (s, &body),
        (404, &json!({"code": 2001, "message": "Account does not exist: nope."}))
    );
}

#[tokio::test]
async fn accounts_apps_and_users_are_listed_deleted_and_inspected() {
    let app = spawn_with(|_| {}).await;
    let (acct, token) = app.other_account().await;
    let id = acct["account_id"].as_str().unwrap();
    let (_, list) = app.control_get("/_localzoom/accounts").await;
    let ids: Vec<&str> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![app.creds.account_id.as_str(), id], "{list}");
    // An app's deletion ends its tokens.
    let (s, created) = app
        .control(Method::POST, "/_localzoom/apps", json!({"scopes": ["user:read:admin"]}))
        .await;
    assert_eq!(s, 201, "{created}");
    let app_token = token_for(
        &app.http,
        &app.origin,
        &app.creds.account_id,
        created["client_id"].as_str().unwrap(),
        created["client_secret"].as_str().unwrap(),
    )
    .await;
    let (s, _) = read(
        app.http
            .delete(app.url(&format!("/_localzoom/apps/{}", created["client_id"].as_str().unwrap())))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 204);
    let (s, body) = app.call_as(&app_token, Method::GET, "/v2/users", None).await;
    assert_eq!((s, body["code"].as_i64()), (401, Some(124)), "{body}");
    let (s, body) = read(app.http.delete(app.url("/_localzoom/apps/nope")).send().await.unwrap()).await;
    assert_eq!((s, body["code"].as_i64()), (404, Some(300)), "{body}");
    // Deleting an account removes everything in it.
    let (s, _) = read(
        app.http
            .delete(app.url(&format!("/_localzoom/accounts/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 204);
    let resp = app
        .http
        .get(app.url("/v2/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let (s, _) = app.control_get(&format!("/_localzoom/accounts/{id}")).await;
    assert_eq!(s, 404);
    let (s, body) = read(
        app.http
            .delete(app.url(&format!("/_localzoom/accounts/{}", app.creds.account_id)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "the default account stays: {body}");
    // A user's inside view: the simulated client and quotas used today.
    let user = app.create_user("inside@example.com", "custCreate", 2).await;
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{user}/presence_status"),
            Some(json!({"status": "Away"})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, inside) = app.control_get(&format!("/_localzoom/users/{user}")).await;
    assert_eq!(s, 200, "{inside}");
    assert_eq!(inside["client"], json!({"signed_in": true, "status": "Away"}));
    assert_eq!(inside["quotas"]["presence"], 1, "{inside}");
    assert_eq!(inside["lock_keys"], json!([]));
    let (s, _) = app.control_get("/_localzoom/users/nobody@example.com").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn the_journal_records_masks_filters_truncates_and_stays_bounded() {
    let app = spawn_with(|c| c.journal_size = 50).await;
    let user = app.create_user("journal@example.com", "custCreate", 2).await;
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{user}/password"),
            Some(json!({"password": "Secr3tPassw0rd"})),
        )
        .await;
    assert_eq!(s, 204);
    let big = "x".repeat(70 * 1024);
    let (s, body) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{user}"),
            Some(json!({"company": big})),
        )
        .await;
    assert!(s < 500, "{body}");
    let (s, _) = app.call(Method::GET, "/v2/users/nobody", None).await;
    assert_eq!(s, 404);

    let (s, j) = app.control_get("/_localzoom/requests?path=/v2/users/*/password").await;
    assert_eq!(s, 200, "{j}");
    assert_eq!(j["total"], 1, "{j}");
    let e = &j["requests"][0];
    assert_eq!(e["method"], "PUT");
    assert_eq!(e["operation"], "userPassword");
    assert_eq!(e["status"], 204);
    assert_eq!(e["account_id"], app.creds.account_id.as_str());
    assert_eq!(e["client_id"], app.creds.client_id.as_str());
    let auth = e["request_headers"]["authorization"].as_str().unwrap();
    assert_eq!(auth, format!("Bearer ****{}", &app.token[app.token.len() - 4..]));
    assert!(!e["request_body"].as_str().unwrap().contains("Secr3t"), "{e}");
    assert!(e["request_body"].as_str().unwrap().contains("****"), "{e}");
    // OAuth: Basic credentials and the issued token are masked.
    let (_, j) = app.control_get("/_localzoom/requests?path=/oauth/token").await;
    let e = &j["requests"][0];
    assert_eq!(e["request_headers"]["authorization"], "Basic ****");
    assert!(!e["response_body"].as_str().unwrap().contains(&app.token), "{e}");
    // Truncation.
    let (_, j) = app.control_get("/_localzoom/requests?method=PATCH").await;
    let e = &j["requests"][0];
    assert_eq!(
        e["request_body_truncated"],
        true,
        "{}",
        e["request_body"].as_str().unwrap().len()
    );
    assert_eq!(e["request_body"].as_str().unwrap().len(), 65_536);
    // Filters: status, operation, account, since, limit; newest first.
    let (_, j) = app.control_get("/_localzoom/requests?status=404").await;
    assert_eq!(j["total"], 1);
    assert_eq!(j["requests"][0]["path"], "/v2/users/nobody");
    let (_, j) = app.control_get("/_localzoom/requests?operation=user").await;
    assert_eq!(j["total"], 1, "{j}");
    let (_, c) = app
        .control_get(&format!(
            "/_localzoom/requests/count?account_id={}",
            app.creds.account_id
        ))
        .await;
    assert!(c["count"].as_i64().unwrap() >= 4, "{c}");
    let (_, j) = app.control_get("/_localzoom/requests?limit=2").await;
    assert_eq!(j["requests"].as_array().unwrap().len(), 2);
    let ids: Vec<i64> = j["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids[0] > ids[1], "newest first: {ids:?}");
    let (_, j) = app.control_get("/_localzoom/requests?since=2999-01-01T00:00:00Z").await;
    assert_eq!(j["total"], 0);
    let (s, body) = app.control_get("/_localzoom/requests?since=yesterday").await;
    assert_eq!((s, body["code"].as_i64()), (400, Some(300)));
    // The control plane's own calls are not journaled.
    let (_, j) = app.control_get("/_localzoom/requests?path=/_localzoom/*").await;
    assert_eq!(j["total"], 0);
    // Bounded: 50 entries however many requests.
    for _ in 0..120 {
        app.call(Method::GET, "/v2/users/me", None).await;
    }
    let (_, c) = app.control_get("/_localzoom/requests/count").await;
    assert_eq!(c["count"], 50);
    let (s, _) = read(app.http.delete(app.url("/_localzoom/requests")).send().await.unwrap()).await;
    assert_eq!(s, 204);
    let (_, c) = app.control_get("/_localzoom/requests/count").await;
    assert_eq!(c["count"], 0);
    // Off.
    let off = spawn_with(|c| c.journal_size = 0).await;
    off.call(Method::GET, "/v2/users/me", None).await;
    let (_, c) = off.control_get("/_localzoom/requests/count").await;
    assert_eq!(c["count"], 0);
}

#[tokio::test]
async fn fault_rules_answer_wait_drop_and_count_down() {
    let app = spawn_with(|_| {}).await;
    // A status with Zoom's body; nothing reaches the service.
    let (s, rule) = app
        .control(
            Method::POST,
            "/_localzoom/faults",
            json!({"method": "POST", "path": "/v2/users", "status": 500, "times": 2}),
        )
        .await;
    assert_eq!(s, 201, "{rule}");
    assert_eq!(rule["remaining"], 2);
    for _ in 0..2 {
        let (s, body) = app
            .call(
                Method::POST,
                "/v2/users",
                Some(json!({"action": "custCreate", "user_info": {"email": "f@example.com", "type": 1}})),
            )
            .await;
        assert_eq!((s, body["code"].as_i64()), (500, Some(500)), "{body}");
    }
    let (s, body) = app.call(Method::GET, "/v2/users/f@example.com", None).await;
    assert_eq!(s, 404, "a faulted create wrote nothing: {body}");
    let (_, list) = app.control_get("/_localzoom/faults").await;
    assert_eq!(list["faults"], json!([]), "times ran out");
    let (s, _) = app
        .call(
            Method::POST,
            "/v2/users",
            Some(json!({"action": "custCreate", "user_info": {"email": "f@example.com", "type": 1}})),
        )
        .await;
    assert_eq!(s, 201);

    // A custom body and headers, matched by operation.
    let (s, rule) = app
        .control(
            Method::POST,
            "/_localzoom/faults",
            json!({"operation": "user", "status": 418, "body": {"code": 1, "message": "teapot"}, "headers": {"X-Extra": "yes"}}),
        )
        .await;
    assert_eq!(s, 201);
    let resp = app.req(Method::GET, "/v2/users/me").send().await.unwrap();
    assert_eq!(resp.headers()["x-extra"], "yes");
    let (s, body) = read(resp).await;
    assert_eq!((s, body), (418, json!({"code": 1, "message": "teapot"})));
    let (s, _) = read(
        app.http
            .delete(app.url(&format!("/_localzoom/faults/{}", rule["id"].as_str().unwrap())))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 204);
    let (s, body) = read(
        app.http
            .delete(app.url("/_localzoom/faults/nope"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["code"].as_i64()), (404, Some(300)));

    // 429 with Zoom's headers, daily when asked.
    app.control(
        Method::POST,
        "/_localzoom/faults",
        json!({"path": "/v2/users", "method": "GET", "status": 429, "times": 1}),
    )
    .await;
    let resp = app.req(Method::GET, "/v2/users").send().await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["x-ratelimit-type"], "QPS");
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
    // The operation's own label and limit (List users: Medium, 60/s on Business).
    assert_eq!(resp.headers()["x-ratelimit-category"], "Medium");
    assert_eq!(resp.headers()["x-ratelimit-limit"], "60");
    assert!(resp.headers().contains_key("x-ratelimit-reset"));
    assert!(resp.headers().contains_key("x-ratelimit-category"));
    app.control(
        Method::POST,
        "/_localzoom/faults",
        json!({"path": "/v2/users", "method": "GET", "status": 429, "times": 1, "headers": {"X-RateLimit-Type": "Daily-limit"}}),
    )
    .await;
    let resp = app.req(Method::GET, "/v2/users").send().await.unwrap();
    assert_eq!(resp.headers()["x-ratelimit-type"], "Daily-limit");
    assert!(resp.headers()["retry-after"].to_str().unwrap().ends_with("T00:00:00Z"));

    // Latency only: the request goes on after the wait.
    app.control(
        Method::POST,
        "/_localzoom/faults",
        json!({"operation": "userSummary", "latency_ms": 300, "times": 1}),
    )
    .await;
    let started = Instant::now();
    let (s, _) = app.call(Method::GET, "/v2/users/summary", None).await;
    assert_eq!(s, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    // A dropped connection: no answer at all.
    app.control(
        Method::POST,
        "/_localzoom/faults",
        json!({"path": "/v2/users/*/settings", "drop_connection": true, "times": 1}),
    )
    .await;
    let err = app.req(Method::GET, "/v2/users/me/settings").send().await.err();
    assert!(err.is_some(), "the connection was answered");
    let (_, j) = app.control_get("/_localzoom/requests?path=/v2/users/me/settings").await;
    assert_eq!(j["requests"][0]["status"], Value::Null, "{j}");

    // Bodies are JSON whatever the Content-Type says (curl -d sends a form type).
    let resp = app
        .http
        .post(app.url("/_localzoom/faults"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(r#"{"operation": "userSummary", "status": 500, "times": 1}"#)
        .send()
        .await
        .unwrap();
    let (s, rule) = read(resp).await;
    assert_eq!((s, rule["operation"].as_str()), (201, Some("userSummary")), "{rule}");
    let (s, _) = app.call(Method::GET, "/v2/users/summary", None).await;
    assert_eq!(s, 500);
    let (s, body) = app
        .control(
            Method::POST,
            "/_localzoom/faults",
            json!({"operation": "noSuchOp", "method": "FOO", "status": 500}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    let fields = crate::common::error_fields(&body);
    assert_eq!(fields, vec!["method", "operation"], "{body}");

    // Bad rules name their fields.
    let (s, body) = app
        .control(
            Method::POST,
            "/_localzoom/faults",
            json!({"status": 99, "probability": 2, "times": 0}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    let fields = crate::common::error_fields(&body);
    assert_eq!(fields, vec!["status", "times", "probability"], "{body}");
    let (s, _) = read(app.http.delete(app.url("/_localzoom/faults")).send().await.unwrap()).await;
    assert_eq!(s, 204);
}

/// With a seed, which matches a `probability` rule applies to is the same every run.
#[tokio::test]
async fn a_seeded_probability_repeats_and_replicas_share_rules() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let app = spawn_with(|_| {}).await;
        app.control(
            Method::POST,
            "/_localzoom/faults",
            json!({"operation": "user", "status": 503, "probability": 0.5, "seed": 42}),
        )
        .await;
        let mut pattern = String::new();
        for _ in 0..24 {
            let (s, _) = app.call(Method::GET, "/v2/users/me", None).await;
            pattern.push(if s == 503 { 'x' } else { '.' });
        }
        assert!(pattern.contains('x') && pattern.contains('.'), "{pattern}");
        runs.push(pattern);
    }
    assert_eq!(runs[0], runs[1]);

    let (a, b) = spawn_replicas().await;
    let (s, _) = a
        .control(
            Method::POST,
            "/_localzoom/faults",
            json!({"operation": "users", "status": 502, "times": 1}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, body) = b.call(Method::GET, "/v2/users", None).await;
    assert_eq!(
        (s, body["code"].as_i64()),
        (502, Some(502)),
        "the other replica applies the rule: {body}"
    );
    let (s, _) = a.call(Method::GET, "/v2/users", None).await;
    assert_eq!(s, 200, "times counted across replicas");
}
