//! Regressions of what broke when things went wrong: abandoned requests on an ephemeral store, a
//! one-connection pool, tenancy after an account move, empty emails, presence after reactivation.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::common::{read, spawn_with, start, token_for, TestApp};
use crate::meetings::create_meeting;

/// An ephemeral server as `localzoom serve --ephemeral` runs it.
async fn spawn_ephemeral(tweak: impl FnOnce(&mut localzoom_server::Config)) -> TestApp {
    let mut config = localzoom_server::Config::ephemeral();
    tweak(&mut config);
    start(config, tempfile::tempdir().unwrap(), None).await
}

#[tokio::test]
async fn an_ephemeral_store_keeps_its_state_when_clients_give_up() {
    let app = spawn_ephemeral(|_| {}).await;
    let kept = app.create_user("kept@example.com", "custCreate", 1).await;
    // 200 parallel requests abandoned after 2 ms, mid-query for most of them.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(2))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let (http, url, token) = (impatient.clone(), app.url("/v2/users?page_size=300"), app.token.clone());
        let oauth = app.url(&format!(
            "/oauth/token?grant_type=account_credentials&account_id={}",
            app.creds.account_id
        ));
        let (id, secret) = (app.creds.client_id.clone(), app.creds.client_secret.clone());
        tasks.push(tokio::spawn(async move {
            if i % 4 == 0 {
                let _ = http.post(oauth).basic_auth(id, Some(secret)).send().await;
            } else {
                let _ = http.get(url).bearer_auth(token).send().await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Everything still answers, with the state it had.
    let token = app.fresh_token().await;
    let (s, list) = app.call_as(&token, Method::GET, "/v2/users", None).await;
    assert_eq!(s, 200, "{list}");
    let ids: Vec<&str> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&kept.as_str()), "{list}");
    assert_eq!(list["total_records"], 2, "{list}");
}

/// Every read and write path answers with a pool of one connection: nothing may hold a connection
/// while waiting for a second one (that would wait for ever on such a pool).
#[tokio::test]
async fn one_database_connection_serves_every_path() {
    for ephemeral in [true, false] {
        let tweak = |c: &mut localzoom_server::Config| {
            c.db_max_connections = Some(1);
            c.db_timeout_ms = 2000;
        };
        let app = if ephemeral {
            spawn_ephemeral(tweak).await
        } else {
            spawn_with(tweak).await
        };
        let user = app.create_user("solo@example.com", "custCreate", 2).await;
        let other = app.create_user("other@example.com", "custCreate", 2).await;
        let m = create_meeting(
            &app,
            &user,
            json!({"topic": "Solo", "type": 2, "start_time": "2030-01-01T10:00:00Z", "settings": {"approval_type": 1}}),
        )
        .await;
        let mid = m["id"].as_i64().unwrap();
        let rid = app.add_registrant(mid, "reg@example.com").await;
        let (s, page) = app.call(Method::GET, "/v2/users?page_size=1", None).await;
        assert_eq!(s, 200, "{page}");
        let next = page["next_page_token"].as_str().unwrap().to_string();
        let (s, zak) = app.call(Method::GET, "/v2/users/me/zak", None).await;
        assert_eq!(s, 200, "{zak}");
        let reads = [
            format!("/v2/users?next_page_token={next}"),
            format!("/v2/users/{user}"),
            format!("/v2/users/{user}/settings"),
            format!("/v2/users/{user}/permissions"),
            format!("/v2/users/{user}/presence_status"),
            format!("/v2/users/{user}/assistants"),
            format!("/v2/users/{user}/schedulers"),
            format!("/v2/users/{user}/meetings"),
            format!("/v2/users/{user}/token"),
            "/v2/users/summary".to_string(),
            "/v2/users/email?email=solo@example.com".to_string(),
            "/v2/users/vanity_name?vanity_name=solo".to_string(),
            format!("/v2/meetings/{mid}"),
            format!("/v2/meetings/{mid}/registrants?status=pending"),
            format!("/v2/meetings/{mid}/registrants/{rid}"),
            format!("/v2/meetings/{mid}/registrants/questions"),
        ];
        for path in &reads {
            let (s, body) = app.call(Method::GET, path, None).await;
            assert_eq!(s, 200, "GET {path} (ephemeral {ephemeral}): {body}");
        }
        let writes = [
            (Method::PATCH, format!("/v2/users/{user}"), json!({"dept": "Ops"})),
            (
                Method::PUT,
                format!("/v2/users/{user}/presence_status"),
                json!({"status": "Away"}),
            ),
            (
                Method::POST,
                format!("/v2/users/{user}/assistants"),
                json!({"assistants": [{"id": other}]}),
            ),
            (Method::PATCH, format!("/v2/meetings/{mid}"), json!({"topic": "Solo 2"})),
            (
                Method::PUT,
                format!("/v2/meetings/{mid}/registrants/status"),
                json!({"action": "approve", "registrants": [{"id": rid}]}),
            ),
            (
                Method::PATCH,
                format!("/v2/users/{user}/settings"),
                json!({"schedule_meeting": {"host_video": true}}),
            ),
            (
                Method::POST,
                "/v2/users/features".to_string(),
                json!({"feature_type": "user_type", "feature_value": "1", "users": [{"id": other}]}),
            ),
        ];
        for (method, path, body) in writes {
            let (s, answer) = app.call(method.clone(), &path, Some(body)).await;
            assert!(
                (200..300).contains(&s),
                "{method} {path} (ephemeral {ephemeral}): {s} {answer}"
            );
        }
        for path in [
            "/_localzoom/apps".to_string(),
            format!("/_localzoom/accounts/{}", app.creds.account_id),
            "/_localzoom/health".to_string(),
            "/_localzoom/clock".to_string(),
        ] {
            let resp = app.http.get(app.url(&path)).send().await.unwrap();
            let (s, body) = read(resp).await;
            assert_eq!(s, 200, "GET {path} (ephemeral {ephemeral}): {body}");
        }
        let (s, body) = app
            .call(Method::DELETE, &format!("/v2/users/{other}?action=delete"), None)
            .await;
        assert_eq!(s, 204, "{body}");
    }
}

async fn sub_account_token(app: &TestApp) -> (String, String) {
    let (s, acct) = app
        .control(
            Method::POST,
            "/_localzoom/accounts",
            json!({"master_account_id": app.creds.account_id}),
        )
        .await;
    assert_eq!(s, 201, "{acct}");
    let id = acct["account_id"].as_str().unwrap().to_string();
    let token = token_for(
        &app.http,
        &app.origin,
        &id,
        acct["client_id"].as_str().unwrap(),
        acct["client_secret"].as_str().unwrap(),
    )
    .await;
    (id, token)
}

#[tokio::test]
async fn a_moved_host_takes_meetings_and_registrants_to_the_new_account() {
    let app = spawn_with(|_| {}).await;
    let (sub, sub_token) = sub_account_token(&app).await;
    let host = app.create_user("host@example.com", "custCreate", 2).await;
    let m = create_meeting(
        &app,
        &host,
        json!({"topic": "Moves", "type": 2, "start_time": "2030-01-01T10:00:00Z", "settings": {"approval_type": 0}}),
    )
    .await;
    let mid = m["id"].as_i64().unwrap();
    app.add_registrant(mid, "guest@example.com").await;
    let (s, body) = app
        .call(
            Method::PUT,
            &format!("/v2/accounts/me/users/{host}/account"),
            Some(json!({"account_id": sub})),
        )
        .await;
    assert_eq!(s, 204, "{body}");

    // The master account no longer reads, changes or lists any of it.
    for (method, path, body) in [
        (Method::GET, format!("/v2/meetings/{mid}"), None),
        (
            Method::PATCH,
            format!("/v2/meetings/{mid}"),
            Some(json!({"topic": "Hijack"})),
        ),
        (Method::DELETE, format!("/v2/meetings/{mid}"), None),
        (Method::GET, format!("/v2/meetings/{mid}/registrants"), None),
    ] {
        let (s, b) = app.call(method.clone(), &path, body).await;
        assert_eq!((s, b["code"].as_i64()), (404, Some(3001)), "{method} {path}: {b}");
    }
    let (s, b) = app.call(Method::GET, &format!("/v2/users/{host}/meetings"), None).await;
    assert_eq!((s, b["code"].as_i64()), (404, Some(1001)), "{b}");

    // The sub account lists, reads and changes them.
    let (s, list) = app
        .call_as(&sub_token, Method::GET, &format!("/v2/users/{host}/meetings"), None)
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["meetings"][0]["id"], mid, "{list}");
    let (s, got) = app
        .call_as(&sub_token, Method::GET, &format!("/v2/meetings/{mid}"), None)
        .await;
    assert_eq!((s, got["topic"].as_str()), (200, Some("Moves")), "{got}");
    let (s, regs) = app
        .call_as(
            &sub_token,
            Method::GET,
            &format!("/v2/meetings/{mid}/registrants?status=approved"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{regs}");
    assert_eq!(regs["registrants"][0]["email"], "guest@example.com", "{regs}");
    let (s, b) = app
        .call_as(
            &sub_token,
            Method::PATCH,
            &format!("/v2/meetings/{mid}"),
            Some(json!({"topic": "Moved"})),
        )
        .await;
    assert_eq!(s, 204, "{b}");
    let (_, got) = app
        .call_as(&sub_token, Method::GET, &format!("/v2/meetings/{mid}"), None)
        .await;
    assert_eq!(got["topic"], "Moved");
}

#[tokio::test]
async fn every_email_field_refuses_empty_and_malformed_addresses() {
    let app = spawn_with(|_| {}).await;
    let host = app.create_user("h@example.com", "custCreate", 2).await;
    let m = create_meeting(
        &app,
        &host,
        json!({"topic": "E", "type": 2, "start_time": "2030-01-01T10:00:00Z", "settings": {"approval_type": 0}}),
    )
    .await;
    let mid = m["id"].as_i64().unwrap();
    for email in ["", "   ", "not-an-address", "a@b"] {
        let (s, b) = app
            .call(
                Method::POST,
                &format!("/v2/meetings/{mid}/registrants"),
                Some(json!({"email": email, "first_name": "X"})),
            )
            .await;
        assert_eq!((s, b["code"].as_i64()), (400, Some(300)), "{email:?}: {b}");
        assert_eq!(b["errors"][0]["field"], "email", "{b}");
        let (s, b) = app
            .call(
                Method::POST,
                "/v2/users",
                Some(json!({"action": "custCreate", "user_info": {"email": email, "type": 1}})),
            )
            .await;
        assert_eq!((s, b["code"].as_i64()), (400, Some(300)), "{email:?}: {b}");
        assert_eq!(b["errors"][0]["field"], "user_info.email", "{b}");
        let (s, b) = app
            .call(
                Method::PUT,
                &format!("/v2/users/{host}/email"),
                Some(json!({"email": email})),
            )
            .await;
        assert_eq!((s, b["code"].as_i64()), (400, Some(300)), "{email:?}: {b}");
        let (s, b) = app
            .call(
                Method::POST,
                &format!("/v2/users/{host}/assistants"),
                Some(json!({"assistants": [{"email": email}]})),
            )
            .await;
        assert_eq!((s, b["code"].as_i64()), (400, Some(300)), "{email:?}: {b}");
        assert_eq!(b["errors"][0]["field"], "assistants[0].email", "{b}");
    }
    let (s, b) = app
        .call(
            Method::POST,
            &format!("/v2/meetings/{mid}/batch_registrants"),
            Some(json!({"registrants": [{"email": "ok@example.com", "first_name": "A"}, {"email": "", "first_name": "B"}]})),
        )
        .await;
    assert_eq!((s, b["code"].as_i64()), (400, Some(300)), "{b}");
    // Nothing was half-written.
    let (s, list) = app
        .call(
            Method::GET,
            &format!("/v2/meetings/{mid}/registrants?status=approved"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total_records"], 0, "{list}");
    let (_, u) = app.call(Method::GET, &format!("/v2/users/{host}"), None).await;
    assert_eq!(u["email"], "h@example.com");
}

#[tokio::test]
async fn a_reactivated_user_signs_back_in_and_sets_presence() {
    let app = spawn_with(|_| {}).await;
    let id = app.create_user("back@example.com", "custCreate", 1).await;
    for action in ["deactivate", "activate"] {
        let (s, b) = app
            .call(
                Method::PUT,
                &format!("/v2/users/{id}/status"),
                Some(json!({ "action": action })),
            )
            .await;
        assert_eq!(s, 204, "{action}: {b}");
        let (_, p) = app
            .call(Method::GET, &format!("/v2/users/{id}/presence_status"), None)
            .await;
        let expected = if action == "deactivate" { "Offline" } else { "Available" };
        assert_eq!(p["status"], expected, "after {action}: {p}");
    }
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{id}/presence_status"),
            Some(json!({"status": "Away"})),
        )
        .await;
    assert_eq!(s, 204, "{b}");
    let (_, p) = app
        .call(Method::GET, &format!("/v2/users/{id}/presence_status"), None)
        .await;
    assert_eq!(p["status"], "Away", "{p}");
}
