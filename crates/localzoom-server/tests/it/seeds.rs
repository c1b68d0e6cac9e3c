//! Seed replays: the `Curl Command` blocks of the project's seed documents, with host, token and a
//! user id filled in and the query URL-encoded, sent as written (multipart form fields).

use std::collections::HashSet;

use reqwest::{multipart, Method};
use serde_json::json;

use crate::common::{read, spawn_app, TestApp};

struct Curl {
    method: Method,
    headers: Vec<(String, String)>,
    form: Vec<(String, String)>,
    url: String,
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
        .unwrap_or(s)
}

fn parse_curl(doc: &str) -> Curl {
    let block: Vec<&str> = doc
        .lines()
        .skip_while(|l| l.trim() != "Curl Command")
        .skip(1)
        .take_while(|l| !l.starts_with("Postman Collection"))
        .collect();
    let mut curl = Curl {
        method: Method::GET,
        headers: Vec::new(),
        form: Vec::new(),
        url: String::new(),
    };
    for line in block {
        let line = line.trim();
        if let Some(m) = line.strip_prefix("curl -X ") {
            curl.method = Method::from_bytes(m.trim().as_bytes()).unwrap();
        } else if let Some(h) = line.strip_prefix("-H ") {
            let (k, v) = unquote(h).split_once(": ").unwrap();
            curl.headers.push((k.to_string(), v.to_string()));
        } else if let Some(f) = line.strip_prefix("--form ") {
            let (k, v) = unquote(f).split_once('=').unwrap();
            curl.form.push((k.to_string(), v.to_string()));
        } else if line.starts_with("http") {
            curl.url = line.to_string();
        }
    }
    assert!(!curl.url.is_empty(), "no URL in the curl block");
    curl
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/seeds/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn replay(app: &TestApp, doc: &str, user_id: &str) -> (u16, serde_json::Value) {
    replay_as(app, doc, &[(":userId", user_id)], &[]).await
}

/// Sends a seed's curl block with path placeholders filled in and some form fields replaced.
async fn replay_as(
    app: &TestApp,
    doc: &str,
    path: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let mut curl = parse_curl(doc);
    for (k, v) in &mut curl.form {
        if let Some((_, clean)) = fields.iter().find(|(name, _)| name == k) {
            *v = clean.to_string();
        }
    }
    let mut url = curl.url.replace("https://api.zoom.us", &app.origin);
    for (placeholder, value) in path {
        url = url.replace(placeholder, value);
    }
    let (base, query) = url
        .split_once('?')
        .map(|(b, q)| (b.to_string(), Some(q.to_string())))
        .unwrap_or((url.clone(), None));
    let mut req = app.http.request(curl.method.clone(), &base);
    if let Some(q) = query {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&q).unwrap();
        req = req.query(&pairs);
    }
    for (k, v) in &curl.headers {
        // curl adds the multipart boundary to a bare multipart Content-Type; reqwest's form does the same.
        if k.eq_ignore_ascii_case("content-type") {
            assert_eq!(v, "multipart/form-data");
            continue;
        }
        req = req.header(k.as_str(), v.replace("<access_token>", &app.token));
    }
    let mut form = multipart::Form::new();
    for (k, v) in curl.form {
        form = form.text(k, v);
    }
    read(req.multipart(form).send().await.unwrap()).await
}

#[tokio::test]
async fn seed_001_update_user_status() {
    let app = spawn_app().await;
    let doc = fixture("001_update_user_status.txt");
    let member = app.create_user("member@example.com", "custCreate", 2).await;
    let (s, body) = replay(&app, &doc, &member).await;
    assert_eq!((s, body), (204, serde_json::Value::Null));
    assert_eq!(
        app.client.users().get(&member).await.unwrap().status.as_deref(),
        Some("inactive")
    );
    let (s, body) = replay(&app, &doc, &app.creds.owner_id).await;
    assert_eq!(
        (s, body),
        (
            400,
            json!({"code": 200, "message": "Zoom Room and Admin users' status can not be activated or deactivated."})
        )
    );
    assert_eq!(
        app.client.users().get("me").await.unwrap().status.as_deref(),
        Some("active")
    );
}

#[tokio::test]
async fn seed_002_update_a_user_with_mangled_values() {
    let app = spawn_app().await;
    let doc = fixture("002_update_a_user.txt");
    let member = app.create_user("seed2@example.com", "custCreate", 1).await;
    let before = app.call(Method::GET, &format!("/v2/users/{member}"), None).await.1;
    let (s, body) = replay(&app, &doc, &member).await;
    assert_eq!(s, 400, "{body}");
    crate::common::assert_schema("/users/{userId}", "patch", "default", &body);
    assert_eq!(body["code"], 300);
    assert_eq!(body["message"], "Validation Failed.");
    let fields: HashSet<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    let want: HashSet<&str> = [
        "type",
        "pmi",
        "use_pmi",
        "timezone",
        "language",
        "vanity_name",
        "host_key",
        "job_title",
        "phone_number",
        "phone_country",
        "custom_attributes",
        "group_id",
        "phone_numbers",
        "manager",
        "pronouns_option",
    ]
    .into_iter()
    .collect();
    assert_eq!(fields, want);
    assert!(body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())));
    let after = app.call(Method::GET, &format!("/v2/users/{member}"), None).await.1;
    assert_eq!(before, after, "the user is unchanged");
}

#[tokio::test]
async fn seed_000_update_presence_status() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let doc = fixture("000_update_presence_status.txt");
    let member = app.create_user("presence@example.com", "custCreate", 2).await;
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{member}/presence_status"),
            Some(json!({"status": "Away"})),
        )
        .await;
    assert_eq!(s, 204);
    app.advance_clock(60).await;
    // Its `duration` is mangled, but Zoom ignores duration for statuses other than DND.
    let (s, body) = replay(&app, &doc, &member).await;
    assert_eq!((s, body), (204, serde_json::Value::Null));
    let (_, now) = app
        .call(Method::GET, &format!("/v2/users/{member}/presence_status"), None)
        .await;
    assert_eq!(now, json!({"status": "Available"}));
}

#[test]
fn curl_blocks_parse() {
    let c = parse_curl(&fixture("002_update_a_user.txt"));
    assert_eq!(c.method, Method::PATCH);
    assert_eq!(c.form.len(), 22);
    assert_eq!(c.form[0], ("first_name".to_string(), "in nu".to_string()));
    assert!(c.url.ends_with("?login_type=100&remove_tsp_credentials=true"));
}

#[tokio::test]
async fn seed_004_update_registrant_status() {
    let app = spawn_app().await;
    let (s, meeting) = app
        .call(
            Method::POST,
            "/v2/users/me/meetings",
            Some(json!({"topic": "Seed 004", "settings": {"approval_type": 1}})),
        )
        .await;
    assert_eq!(s, 201, "{meeting}");
    let id = meeting["id"].as_i64().unwrap().to_string();
    let mut registrants = Vec::new();
    for email in ["nulla@example.com", "incididunt@example.com"] {
        let (s, r) = app
            .call(
                Method::POST,
                &format!("/v2/meetings/{id}/registrants"),
                Some(json!({"email": email, "first_name": "Seed"})),
            )
            .await;
        assert_eq!(s, 201, "{r}");
        registrants.push(json!({"id": r["registrant_id"], "email": email}));
    }
    let doc = fixture("004_update_registrant_status.txt");
    // As written: `registrants=deny[…]` is not a JSON list.
    let (s, body) = replay_as(&app, &doc, &[(":meetingId", &id)], &[]).await;
    assert_eq!((s, body["code"].clone()), (400, json!(300)), "{body}");
    assert_eq!(body["errors"][0]["field"], "registrants");
    let pending_url = format!("/v2/meetings/{id}/registrants?status=pending");
    let (_, pending) = app.call(Method::GET, &pending_url, None).await;
    assert_eq!(pending["total_records"], 2, "nothing changed");
    // The Postman item's clean shape (a JSON list of {id, email}) naming these registrants, approving them.
    let clean = serde_json::to_string(&registrants).unwrap();
    let (s, body) = replay_as(
        &app,
        &doc,
        &[(":meetingId", &id)],
        &[("action", "approve"), ("registrants", &clean)],
    )
    .await;
    assert_eq!(s, 204, "{body}");
    let (_, pending) = app.call(Method::GET, &pending_url, None).await;
    assert_eq!(pending["total_records"], 0);
    let (_, approved) = app
        .call(Method::GET, &format!("/v2/meetings/{id}/registrants"), None)
        .await;
    assert_eq!(approved["total_records"], 2);
}
