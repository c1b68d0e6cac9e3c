//! Webhooks against a real HTTP listener in the test that checks every signature and answers
//! Zoom's URL validation: each event kind, refused validation, retries by the clock, a restart
//! between attempts, two replicas, refused requests, and the logs.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{read, spawn_replicas, spawn_with, start, TestApp};
use crate::meetings::create_meeting;

/// How the listener answers events (URL validation is always answered correctly unless `Mode::BadValidation`).
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Ok,
    Fail,
    /// Answers 204, but only after 3.5 s.
    Slow,
    BadValidation,
}

#[derive(Clone)]
struct Listener {
    secret: String,
    mode: Arc<Mutex<Mode>>,
    received: Arc<Mutex<Vec<Value>>>,
    bad_signatures: Arc<Mutex<usize>>,
    url: String,
}

fn hmac_hex(secret: &str, msg: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(msg.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

async fn receive(State(l): State<Listener>, headers: HeaderMap, body: Bytes) -> Response {
    let raw = String::from_utf8(body.to_vec()).unwrap();
    let ts = headers["x-zm-request-timestamp"].to_str().unwrap().to_string();
    let sig = headers["x-zm-signature"].to_str().unwrap().to_string();
    assert_eq!(headers["user-agent"], "Zoom Marketplace/1.0a");
    assert_eq!(headers["content-type"], "application/json");
    if sig != format!("v0={}", hmac_hex(&l.secret, &format!("v0:{ts}:{raw}"))) {
        *l.bad_signatures.lock().unwrap() += 1;
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let event: Value = serde_json::from_str(&raw).unwrap();
    // Written compactly, as Zoom does.
    assert_eq!(raw, event.to_string());
    let mode = *l.mode.lock().unwrap();
    if event["event"] == "endpoint.url_validation" {
        let plain = event["payload"]["plainToken"].as_str().unwrap();
        let encrypted = if mode == Mode::BadValidation {
            "nope".to_string()
        } else {
            hmac_hex(&l.secret, plain)
        };
        return axum::Json(json!({"plainToken": plain, "encryptedToken": encrypted})).into_response();
    }
    l.received.lock().unwrap().push(event);
    match mode {
        Mode::Fail => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Mode::Slow => {
            tokio::time::sleep(Duration::from_millis(3500)).await;
            StatusCode::NO_CONTENT.into_response()
        }
        _ => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn listener(secret: &str, mode: Mode) -> Listener {
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/zoom/events", tcp.local_addr().unwrap());
    let l = Listener {
        secret: secret.to_string(),
        mode: Arc::new(Mutex::new(mode)),
        received: Arc::default(),
        bad_signatures: Arc::default(),
        url,
    };
    let app = axum::Router::new()
        .route("/zoom/events", axum::routing::post(receive))
        .with_state(l.clone());
    tokio::spawn(async move { axum::serve(tcp, app).await.unwrap() });
    l
}

async fn subscribe(app: &TestApp, l: &Listener, events: &[&str]) -> (u16, Value) {
    app.control(
        Method::POST,
        &format!("/_localzoom/apps/{}/event_subscriptions", app.creds.client_id),
        json!({"endpoint_url": l.url, "events": events}),
    )
    .await
}

/// Waits until the listener holds `n` events (or fails after 10 s).
async fn wait_for(l: &Listener, n: usize) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let got = l.received.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{} of {n} events arrived: {got:#?}",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn named<'a>(events: &'a [Value], name: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["event"] == name).collect()
}

static ALL: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    localzoom_server::events::EventKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect()
});

#[tokio::test]
async fn every_event_kind_arrives_signed_in_zooms_shape() {
    let app = spawn_with(|_| {}).await;
    let l = listener(&app.creds.secret_token, Mode::Ok).await;
    let (s, sub) = subscribe(&app, &l, &ALL).await;
    assert_eq!(s, 201, "{sub}");
    assert_eq!(sub["endpoint_url"], l.url.as_str());
    assert!(sub["validated_at"].is_string());
    let user = app.create_user("hooked@example.com", "custCreate", 2).await;
    let other = app.create_user("other@example.com", "custCreate", 1).await;
    app.call(
        Method::PATCH,
        &format!("/v2/users/{user}"),
        Some(json!({"dept": "Sales"})),
    )
    .await;
    app.call(
        Method::PATCH,
        &format!("/v2/users/{user}/settings"),
        Some(json!({"schedule_meeting": {"host_video": true}})),
    )
    .await;
    app.call(
        Method::PUT,
        &format!("/v2/users/{user}/presence_status"),
        Some(json!({"status": "Away"})),
    )
    .await;
    for action in ["deactivate", "activate"] {
        app.call(
            Method::PUT,
            &format!("/v2/users/{other}/status"),
            Some(json!({ "action": action })),
        )
        .await;
    }
    let m = create_meeting(
        &app,
        &user,
        json!({"topic": "Hooks", "type": 2, "start_time": "2030-01-01T10:00:00Z", "settings": {"approval_type": 1}}),
    )
    .await;
    let mid = m["id"].as_i64().unwrap();
    app.call(
        Method::PATCH,
        &format!("/v2/meetings/{mid}"),
        Some(json!({"topic": "Hooks 2"})),
    )
    .await;
    let a = app.add_registrant(mid, "a@example.com").await;
    let b = app.add_registrant(mid, "b@example.com").await;
    for (action, id) in [("approve", &a), ("deny", &b), ("cancel", &a)] {
        let (s, body) = app
            .call(
                Method::PUT,
                &format!("/v2/meetings/{mid}/registrants/status"),
                Some(json!({"action": action, "registrants": [{"id": id}]})),
            )
            .await;
        assert_eq!(s, 204, "{action}: {body}");
    }
    for status in ["started", "waiting"] {
        app.control(
            Method::PUT,
            &format!("/_localzoom/meetings/{mid}"),
            json!({ "status": status }),
        )
        .await;
    }
    let (s, _) = app.call(Method::DELETE, &format!("/v2/meetings/{mid}"), None).await;
    assert_eq!(s, 204);
    let (s, _) = app
        .call(Method::DELETE, &format!("/v2/users/{other}?action=disassociate"), None)
        .await;
    assert_eq!(s, 204);
    let third = app.create_user("third@example.com", "custCreate", 1).await;
    let (s, _) = app
        .call(Method::DELETE, &format!("/v2/users/{third}?action=delete"), None)
        .await;
    assert_eq!(s, 204);

    let got = wait_for(&l, 22).await;
    assert_eq!(*l.bad_signatures.lock().unwrap(), 0);
    for name in ALL.iter() {
        assert!(
            !named(&got, name).is_empty(),
            "no {name} among {:?}",
            got.iter().map(|e| e["event"].clone()).collect::<Vec<_>>()
        );
    }
    let owner = app.creds.owner_email.as_str();
    let created = named(&got, "user.created")[0];
    assert_eq!(created["payload"]["account_id"], app.creds.account_id.as_str());
    assert_eq!(created["payload"]["operator"], owner);
    assert_eq!(created["payload"]["operator_id"], app.creds.owner_id.as_str());
    assert_eq!(created["payload"]["creation_type"], "custCreate");
    assert_eq!(created["payload"]["object"]["email"], "hooked@example.com");
    assert!(created["event_ts"].as_i64().unwrap() > 1_700_000_000_000);
    let updated = named(&got, "user.updated")[0];
    assert_eq!(updated["payload"]["object"], json!({"id": user, "dept": "Sales"}));
    assert_eq!(updated["payload"]["old_object"], json!({"id": user, "dept": ""}));
    let settings = named(&got, "user.settings_updated")[0];
    assert_eq!(
        settings["payload"]["object"]["settings"]["schedule_meeting"]["host_video"],
        true
    );
    assert_eq!(
        settings["payload"]["old_object"]["settings"]["schedule_meeting"]["host_video"],
        false
    );
    let presence = named(&got, "user.presence_status_updated")[0];
    assert_eq!(presence["payload"]["object"]["presence_status"], "Away");
    assert!(presence["payload"].get("operator").is_none());
    assert_eq!(
        named(&got, "user.signed_out")[0]["payload"]["object"]["id"],
        other.as_str()
    );
    let mu = named(&got, "meeting.updated")[0];
    assert_eq!(mu["payload"]["object"], json!({"id": mid, "topic": "Hooks 2"}));
    assert_eq!(mu["payload"]["old_object"], json!({"id": mid, "topic": "Hooks"}));
    let reg = named(&got, "meeting.registration_approved")[0];
    assert_eq!(reg["payload"]["object"]["registrant"]["email"], "a@example.com");
    assert_eq!(reg["payload"]["object"]["id"], mid);
    // One event per committed change, in commit order.
    let order: Vec<&str> = got.iter().map(|e| e["event"].as_str().unwrap()).collect();
    let pos = |n: &str| order.iter().position(|e| *e == n).unwrap();
    assert!(
        pos("user.created") < pos("user.updated") && pos("meeting.created") < pos("meeting.updated"),
        "{order:?}"
    );
    assert_eq!(named(&got, "user.created").len(), 3);

    // The same events are in the event log, newest first; deliveries all delivered.
    let (_, log) = app.control_get("/_localzoom/webhooks/events?event=user.created").await;
    assert_eq!(log["events"].as_array().unwrap().len(), 3, "{log}");
    assert_eq!(
        log["events"][0]["body"]["payload"]["object"]["email"],
        "third@example.com"
    );
    let (_, d) = app.control_get("/_localzoom/webhooks/deliveries?state=delivered").await;
    assert_eq!(d["deliveries"].as_array().unwrap().len(), got.len(), "{d}");
    assert_eq!(d["deliveries"][0]["attempts"][0]["status"], 204);
    // A subscription hears only what it asked for.
    let (_, subs) = app
        .control_get(&format!("/_localzoom/apps/{}/event_subscriptions", app.creds.client_id))
        .await;
    assert_eq!(
        subs["event_subscriptions"][0]["events"].as_array().unwrap().len(),
        ALL.len()
    );
}

#[tokio::test]
async fn subscriptions_need_a_validated_url_and_known_events() {
    let app = spawn_with(|_| {}).await;
    let bad = listener(&app.creds.secret_token, Mode::BadValidation).await;
    let (s, body) = subscribe(&app, &bad, &["user.created"]).await;
    assert_eq!((s, body["code"].as_i64()), (400, Some(300)), "{body}");
    assert!(
        body["message"].as_str().unwrap().starts_with("URL validation failed: "),
        "{body}"
    );
    let wrong_secret = listener("not-the-secret", Mode::Ok).await;
    let (s, body) = subscribe(&app, &wrong_secret, &["user.created"]).await;
    assert_eq!(s, 400, "{body}");
    let (s, body) = app
        .control(
            Method::POST,
            &format!("/_localzoom/apps/{}/event_subscriptions", app.creds.client_id),
            json!({"endpoint_url": "http://127.0.0.1:1/nobody", "events": ["user.created"]}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    let good = listener(&app.creds.secret_token, Mode::Ok).await;
    let (s, body) = subscribe(&app, &good, &["user.created", "user.exploded"]).await;
    assert_eq!(s, 400, "{body}");
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("user.exploded"),
        "{body}"
    );
    let (_, subs) = app
        .control_get(&format!("/_localzoom/apps/{}/event_subscriptions", app.creds.client_id))
        .await;
    assert_eq!(subs["event_subscriptions"], json!([]), "nothing was saved");
    // Subscribed: a refused request, a faulted one and a rolled-back one emit nothing.
    let (s, sub) = subscribe(&app, &good, &["user.created"]).await;
    assert_eq!(s, 201);
    let (s, _) = app
        .call(
            Method::POST,
            "/v2/users",
            Some(json!({"action": "custCreate", "user_info": {"email": "bad", "type": 1}})),
        )
        .await;
    assert_eq!(s, 400);
    app.control(
        Method::POST,
        "/_localzoom/faults",
        json!({"operation": "userCreate", "status": 500, "times": 1}),
    )
    .await;
    let (s, _) = app
        .call(
            Method::POST,
            "/v2/users",
            Some(json!({"action": "custCreate", "user_info": {"email": "f@example.com", "type": 1}})),
        )
        .await;
    assert_eq!(s, 500);
    app.create_user("taken@example.com", "custCreate", 1).await;
    let (s, _) = app
        .call(
            Method::POST,
            "/v2/users",
            Some(json!({"action": "custCreate", "user_info": {"email": "taken@example.com", "type": 1}})),
        )
        .await;
    assert_eq!(s, 409);
    let got = wait_for(&good, 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(good.received.lock().unwrap().len(), 1, "{got:?}");
    let (_, log) = app.control_get("/_localzoom/webhooks/events").await;
    assert_eq!(log["events"].as_array().unwrap().len(), 1, "{log}");
    let (s, _) = read(
        app.http
            .delete(app.url(&format!(
                "/_localzoom/apps/{}/event_subscriptions/{}",
                app.creds.client_id,
                sub["id"].as_str().unwrap()
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 204);
}

async fn deliveries(app: &TestApp) -> Vec<Value> {
    let (_, d) = app.control_get("/_localzoom/webhooks/deliveries").await;
    d["deliveries"].as_array().unwrap().clone()
}

/// Waits until the (only) delivery has `n` attempts.
async fn attempts(app: &TestApp, n: usize) -> Value {
    let started = Instant::now();
    loop {
        let d = deliveries(app).await;
        if d.first().is_some_and(|d| d["attempts"].as_array().unwrap().len() >= n) {
            return d[0].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "attempt {n} never came: {d:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn failed_deliveries_retry_by_the_clock_across_a_restart_then_fail() {
    let (config, dir, db) = crate::common::fresh_config().await;
    let (app, stop) = crate::common::start_stoppable(config, dir, db).await;
    app.freeze_at("2030-06-01T12:00:00Z").await;
    let l = listener(&app.creds.secret_token, Mode::Fail).await;
    let (s, _) = subscribe(&app, &l, &["user.created"]).await;
    assert_eq!(s, 201);
    app.create_user("retry@example.com", "custCreate", 1).await;
    let d = attempts(&app, 1).await;
    assert_eq!(d["state"], "pending");
    assert_eq!(d["attempts"][0]["status"], 500);
    assert_eq!(d["next_attempt_at"], "2030-06-01T12:05:00Z");
    // A restart between attempts: the server stops, a new one on the same store carries on.
    let _ = stop.send(());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = start(app.config.clone(), tempfile::tempdir().unwrap(), app.db.clone()).await;
    for (minutes, n) in [(5, 2), (20, 3), (60, 4)] {
        again.advance_clock(minutes * 60).await;
        let d = attempts(&again, n).await;
        assert_eq!(d["attempts"].as_array().unwrap().len(), n, "{d}");
    }
    let d = attempts(&again, 4).await;
    assert_eq!(d["state"], "failed", "{d}");
    assert_eq!(d["next_attempt_at"], Value::Null);
    assert_eq!(l.received.lock().unwrap().len(), 4);
    // The body was the same event each time.
    let bodies: Vec<Value> = l.received.lock().unwrap().clone();
    assert!(bodies.iter().all(|b| b == &bodies[0]));
    // A manual retry sends it once more; with the endpoint healthy it is delivered.
    *l.mode.lock().unwrap() = Mode::Ok;
    let (s, d) = again
        .control(
            Method::POST,
            &format!("/_localzoom/webhooks/deliveries/{}/retry", d["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!((s, d["state"].as_str()), (200, Some("delivered")), "{d}");
    assert_eq!(d["attempts"].as_array().unwrap().len(), 5);
    let (s, _) = read(
        again
            .http
            .delete(again.url("/_localzoom/webhooks/deliveries"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 204);
    assert!(deliveries(&again).await.is_empty());
}

#[tokio::test]
async fn an_answer_later_than_3_seconds_is_a_failure() {
    let app = spawn_with(|_| {}).await;
    app.freeze_at("2030-06-01T12:00:00Z").await;
    let l = listener(&app.creds.secret_token, Mode::Slow).await;
    let (s, _) = subscribe(&app, &l, &["user.created"]).await;
    assert_eq!(s, 201);
    app.create_user("slow@example.com", "custCreate", 1).await;
    let d = attempts(&app, 1).await;
    assert_eq!(
        (d["state"].as_str(), d["attempts"][0]["error"].as_str()),
        (Some("pending"), Some("no answer within 3 s")),
        "{d}"
    );
    assert_eq!(d["next_attempt_at"], "2030-06-01T12:05:00Z");
}

#[tokio::test]
async fn a_slow_endpoint_delays_only_its_own_deliveries_and_unsubscribing_ends_retries() {
    let app = spawn_with(|_| {}).await;
    let slow = listener(&app.creds.secret_token, Mode::Ok).await;
    let fast = listener(&app.creds.secret_token, Mode::Ok).await;
    let (s, slow_sub) = subscribe(&app, &slow, &["user.created", "user.created"]).await;
    assert_eq!(
        (s, slow_sub["events"].clone()),
        (201, json!(["user.created"])),
        "events are kept once"
    );
    *slow.mode.lock().unwrap() = Mode::Slow;
    let (s, _) = subscribe(&app, &fast, &["user.created"]).await;
    assert_eq!(s, 201);
    let started = Instant::now();
    for i in 0..3 {
        app.create_user(&format!("lane{i}@example.com"), "custCreate", 1).await;
    }
    wait_for(&fast, 3).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the fast endpoint waited for the slow one: {:?}",
        started.elapsed()
    );
    // Deleting the slow subscription ends its deliveries that wait for a retry.
    tokio::time::sleep(Duration::from_millis(3800)).await;
    let id = slow_sub["id"].as_str().unwrap();
    let (s, _) = read(
        app.http
            .delete(app.url(&format!(
                "/_localzoom/apps/{}/event_subscriptions/{id}",
                app.creds.client_id
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 204);
    let (_, d) = app
        .control_get(&format!("/_localzoom/webhooks/deliveries?subscription_id={id}"))
        .await;
    let states: Vec<&str> = d["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert!(!states.is_empty() && states.iter().all(|s| *s == "failed"), "{d}");
    // A secret token is text.
    let (s, body) = app
        .control(Method::POST, "/_localzoom/apps", json!({"secret_token": 123}))
        .await;
    assert_eq!(
        (s, body["errors"][0]["field"].as_str()),
        (400, Some("secret_token")),
        "{body}"
    );
}

#[tokio::test]
async fn bulk_feature_changes_emit_one_settings_event_per_user() {
    let app = spawn_with(|_| {}).await;
    let l = listener(&app.creds.secret_token, Mode::Ok).await;
    let (s, _) = subscribe(&app, &l, &["user.settings_updated"]).await;
    assert_eq!(s, 201);
    let a = app.create_user("fa@example.com", "custCreate", 2).await;
    let b = app.create_user("fb@example.com", "custCreate", 2).await;
    let (s, body) = app
        .call(
            Method::POST,
            "/v2/users/features",
            Some(json!({"feature_type": "large_meeting", "feature_value": "32", "users": [{"id": a}, {"id": b}]})),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let got = wait_for(&l, 2).await;
    for (event, id) in got.iter().zip([&a, &b]) {
        assert_eq!(event["payload"]["object"]["id"], id.as_str());
        assert_eq!(
            event["payload"]["object"]["settings"]["feature"]["large_meeting"], true,
            "{event}"
        );
    }
}

#[tokio::test]
async fn two_replicas_deliver_each_event_exactly_once() {
    let (a, b) = spawn_replicas().await;
    let l = listener(&a.creds.secret_token, Mode::Ok).await;
    let (s, _) = subscribe(&a, &l, &["user.created"]).await;
    assert_eq!(s, 201);
    for i in 0..10 {
        let app = if i % 2 == 0 { &a } else { &b };
        app.create_user(&format!("r{i}@example.com"), "custCreate", 1).await;
    }
    let got = wait_for(&l, 10).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let got_after = l.received.lock().unwrap().clone();
    assert_eq!(got_after.len(), 10, "{got:?}");
    let mut emails: Vec<&str> = got_after
        .iter()
        .map(|e| e["payload"]["object"]["email"].as_str().unwrap())
        .collect();
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), 10);
}
