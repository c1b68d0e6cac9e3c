//! Seed documents and state export/import.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{read, spawn_with, token_for, TestApp};

fn seed_doc() -> Value {
    json!({"accounts": [
        {"default": true,
         "users": [
            {"email": "ann@example.com", "type": 2, "role": "Admin", "first_name": "Ann",
             "settings": {"schedule_meeting": {"host_video": true}}, "assistants": ["bob@example.com"]},
            {"email": "bob@example.com", "type": 2, "signed_in": false},
            {"email": "carl@example.com", "status": "inactive"},
            {"email": "pat@example.com", "status": "pending"}
         ],
         "meetings": [
            {"host": "ann@example.com", "topic": "Launch", "type": 2, "start_time": "2027-01-10T10:00:00Z",
             "settings": {"approval_type": 1},
             "registrants": [{"email": "x@example.com", "first_name": "X", "status": "pending"},
                             {"email": "y@example.com", "first_name": "Y", "status": "approved"}]}
         ]},
        {"id": "seededsub0000000000001", "plan": "pro", "master_account_id": null,
         "apps": [{"client_id": "seeded-client", "client_secret": "seeded-secret", "scopes": ["user:read:admin"]}],
         "users": [{"email": "dee@example.com", "type": 1}]}
    ]})
}

async fn seed(app: &TestApp, doc: Value) -> (u16, Value) {
    app.control(Method::POST, "/_localzoom/seed", doc).await
}

async fn export(app: &TestApp) -> Value {
    let (s, doc) = app.control_get("/_localzoom/state").await;
    assert_eq!(s, 200, "{doc}");
    doc
}

#[tokio::test]
async fn a_seed_document_adds_accounts_users_and_meetings_by_the_apis_rules() {
    let app = spawn_with(|_| {}).await;
    let (s, ids) = seed(&app, seed_doc()).await;
    assert_eq!(s, 201, "{ids}");
    let accounts = ids["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0]["id"], app.creds.account_id.as_str());
    assert_eq!(accounts[1]["id"], "seededsub0000000000001");
    let ann = accounts[0]["users"]["ann@example.com"].as_str().unwrap();
    let meeting = accounts[0]["meetings"]["Launch"].as_i64().unwrap();
    // As the API shows them.
    let (_, u) = app.call(Method::GET, &format!("/v2/users/{ann}"), None).await;
    assert_eq!(
        (u["role_id"].as_str(), u["first_name"].as_str(), u["type"].as_i64()),
        (Some("1"), Some("Ann"), Some(2)),
        "{u}"
    );
    let (_, s) = app.call(Method::GET, &format!("/v2/users/{ann}/settings"), None).await;
    assert_eq!(s["schedule_meeting"]["host_video"], true);
    let (_, a) = app
        .call(Method::GET, &format!("/v2/users/{ann}/assistants"), None)
        .await;
    assert_eq!(a["assistants"][0]["email"], "bob@example.com", "{a}");
    let (_, p) = app
        .call(Method::GET, "/v2/users/bob@example.com/presence_status", None)
        .await;
    assert_eq!(p["status"], "Offline");
    let (_, c) = app.call(Method::GET, "/v2/users/carl@example.com", None).await;
    assert_eq!(c["status"], "inactive");
    let (_, list) = app.call(Method::GET, "/v2/users?status=pending", None).await;
    assert_eq!(list["users"][0]["email"], "pat@example.com", "{list}");
    let (_, m) = app.call(Method::GET, &format!("/v2/meetings/{meeting}"), None).await;
    assert_eq!(
        (m["topic"].as_str(), m["host_id"].as_str()),
        (Some("Launch"), Some(ann))
    );
    for (status, email) in [("pending", "x@example.com"), ("approved", "y@example.com")] {
        let (_, r) = app
            .call(
                Method::GET,
                &format!("/v2/meetings/{meeting}/registrants?status={status}"),
                None,
            )
            .await;
        assert_eq!(r["registrants"][0]["email"], email, "{status}: {r}");
    }
    // The seeded app works with its credentials and scopes.
    let token = token_for(
        &app.http,
        &app.origin,
        "seededsub0000000000001",
        "seeded-client",
        "seeded-secret",
    )
    .await;
    let (s, list) = app.call_as(&token, Method::GET, "/v2/users", None).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total_records"], 2);
    let resp = app
        .http
        .post(app.url("/v2/users"))
        .bearer_auth(&token)
        .json(&json!({"action": "custCreate", "user_info": {"email": "no@example.com", "type": 1}}))
        .send()
        .await
        .unwrap();
    let (s, body) = read(resp).await;
    assert_eq!((s, body["code"].as_i64()), (400, Some(4711)), "{body}");
}

#[tokio::test]
async fn a_refused_seed_names_the_entry_and_adds_nothing() {
    let app = spawn_with(|_| {}).await;
    let before = export(&app).await;
    for (doc, field) in [
        (
            json!({"accounts": [{"default": true, "users": [{"email": "fine@example.com"}, {"email": "not-an-email"}]}]}),
            "$.accounts[0].users[1].email",
        ),
        (
            // A pending user (which the API cannot delete) is taken back too.
            json!({"accounts": [{"default": true, "users": [{"email": "p2@example.com", "status": "pending"}, {"email": "bad"}]}]}),
            "$.accounts[0].users[1].email",
        ),
        (json!({"accounts": [{"id": "", "plan": "pro"}]}), "$.accounts[0].id"),
        (
            // A meeting of a host the seed did not add is taken back too.
            json!({"accounts": [{"default": true, "meetings": [
                {"host": "owner@localzoom.local", "topic": "Gone", "type": 2, "start_time": "2030-01-01T10:00:00Z"},
                {"host": "nobody@example.com", "topic": "T"}]}]}),
            "$.accounts[0].meetings[1].host",
        ),
        (
            json!({"accounts": [{"apps": [{"secret_token": "bad token!"}]}]}),
            "$.accounts[0].apps[0].secret_token",
        ),
        (json!({"accounts": [{"id": "a b/c?"}]}), "$.accounts[0].id"),
        (json!({"accounts": [{"default": "yes"}]}), "$.accounts[0].default"),
        (json!({"accounts": [{"default": true, "id": "x"}]}), "$.accounts[0].id"),
        (
            json!({"accounts": [{"id": "newacct00000000000000x", "users": [{"email": "a1@example.com"}]},
                                {"default": true, "meetings": [{"host": "nobody@example.com", "topic": "T"}]}]}),
            "$.accounts[1].meetings[0].host",
        ),
        (
            json!({"accounts": [{"default": true, "users": [{"email": "s@example.com", "status": "sleeping"}]}]}),
            "$.accounts[0].users[0].status",
        ),
        (json!({"accounts": [{"plan": "gold"}]}), "$.accounts[0].plan"),
    ] {
        let (s, body) = seed(&app, doc).await;
        assert_eq!((s, body["code"].as_i64()), (400, Some(300)), "{body}");
        assert_eq!(body["errors"][0]["field"], field, "{body}");
        assert_eq!(export(&app).await, before, "a refused seed left something behind");
    }
}

#[tokio::test]
async fn export_import_round_trips_and_ends_old_tokens() {
    let app = spawn_with(|_| {}).await;
    let (s, ids) = seed(&app, seed_doc()).await;
    assert_eq!(s, 201, "{ids}");
    let ann = ids["accounts"][0]["users"]["ann@example.com"]
        .as_str()
        .unwrap()
        .to_string();
    // A picture and a password, so bytes and digests travel too.
    let png: Vec<u8> = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    let form =
        reqwest::multipart::Form::new().part("pic_file", reqwest::multipart::Part::bytes(png).file_name("p.png"));
    let resp = app
        .req(Method::POST, &format!("/v2/users/{ann}/picture"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let (s, _) = app
        .call(
            Method::PUT,
            "/v2/users/bob@example.com/password",
            Some(json!({"password": "Str0ngPassw0rd"})),
        )
        .await;
    assert_eq!(s, 204);
    app.freeze_at("2030-03-03T03:03:03Z").await;
    let first = export(&app).await;
    assert_eq!(first["version"], 1);
    let users = first["accounts"][0]["users"].as_array().unwrap();
    let ann_doc = users.iter().find(|u| u["email"] == "ann@example.com").unwrap();
    assert!(
        ann_doc["files"][0]["data"].as_str().unwrap().starts_with("iVBORw0K"),
        "{ann_doc}"
    );
    let bob_doc = users.iter().find(|u| u["email"] == "bob@example.com").unwrap();
    assert!(
        bob_doc["password"]["digest"].as_str().unwrap().starts_with("$argon2"),
        "{bob_doc}"
    );
    assert!(!first.to_string().contains("Str0ngPassw0rd"));

    let (s, _) = app.control(Method::POST, "/_localzoom/reset", json!({})).await;
    assert_eq!(s, 204);
    let (s, body) = app.control(Method::PUT, "/_localzoom/state", first.clone()).await;
    assert_eq!(s, 204, "{body}");
    let second = export(&app).await;
    // serde_json keeps object keys sorted, so equal values print identically.
    assert_eq!(
        serde_json::to_string(&second).unwrap(),
        serde_json::to_string(&first).unwrap()
    );
    // Tokens issued before the import answer 401/124; the imported app's credentials work.
    let resp = app
        .http
        .get(app.url("/v2/users"))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let token = token_for(
        &app.http,
        &app.origin,
        "seededsub0000000000001",
        "seeded-client",
        "seeded-secret",
    )
    .await;
    let resp = app
        .http
        .get(app.url("/v2/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let picture = ann_doc["files"][0]["id"].as_str().unwrap();
    let resp = app.http.get(app.url(&format!("/p/{picture}"))).send().await.unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn a_bad_state_document_names_each_problem_and_changes_nothing() {
    let app = spawn_with(|_| {}).await;
    let mut doc = export(&app).await;
    let before = doc.clone();
    doc["accounts"][0]["users"][0]["email"] = json!(42);
    doc["accounts"][0]["users"][0]["type"] = json!("two");
    doc["accounts"][0]["apps"][0]["scopes"] = json!("user:read:admin");
    doc["clock"]["offset_ms"] = json!(null);
    let (s, body) = app.control(Method::PUT, "/_localzoom/state", doc).await;
    assert_eq!((s, body["code"].as_i64()), (400, Some(300)), "{body}");
    let fields = crate::common::error_fields(&body);
    assert_eq!(
        fields,
        vec![
            "$.clock.offset_ms",
            "$.accounts[0].apps[0].scopes",
            "$.accounts[0].users[0].email",
            "$.accounts[0].users[0].type",
        ],
        "{body}"
    );
    // What the store's rules need: an owner among the users, Zoom's user types, a clock in range.
    for (edit, field) in [
        (json!({"owner_id": "nobody"}), "$.accounts[0].owner_id"),
        (json!({"apps": []}), "$.accounts[0].apps"),
    ] {
        let mut bad = before.clone();
        for (k, v) in edit.as_object().unwrap() {
            bad["accounts"][0][k] = v.clone();
        }
        let (s, body) = app.control(Method::PUT, "/_localzoom/state", bad).await;
        assert_eq!((s, body["errors"][0]["field"].as_str()), (400, Some(field)), "{body}");
    }
    let mut bad = before.clone();
    bad["accounts"][0]["users"][0]["type"] = json!(5);
    bad["accounts"][0]["users"][0]["role_id"] = json!("7");
    bad["accounts"][0]["users"][0]["create_action"] = json!("magic");
    bad["accounts"][0]["users"][0]["presence"] = json!({"status": "Sleeping", "signed_in": true, "updated_at": 0});
    bad["accounts"][0]["users"][0]["profile"] = json!({"first_name": 7});
    bad["clock"]["frozen_at"] = json!(-99_999_999_999_999i64);
    let (s, body) = app.control(Method::PUT, "/_localzoom/state", bad).await;
    assert_eq!(s, 400, "{body}");
    let fields = crate::common::error_fields(&body);
    assert_eq!(
        fields,
        vec![
            "$.clock.frozen_at",
            "$.accounts[0].users[0].type",
            "$.accounts[0].users[0].profile",
            "$.accounts[0].users[0].role_id",
            "$.accounts[0].users[0].presence.status",
            "$.accounts[0].users[0].create_action",
        ],
        "{body}"
    );
    let (s, body) = app
        .control(Method::PUT, "/_localzoom/state", json!({"version": 2, "accounts": []}))
        .await;
    assert_eq!(s, 400, "{body}");
    // Two users with one email: refused by the store, named by path, nothing changed.
    let mut dup = before.clone();
    let mut twin = dup["accounts"][0]["users"][0].clone();
    twin["id"] = json!("another00000000000000x");
    twin["pmi"] = json!(1234567890);
    dup["accounts"][0]["users"].as_array_mut().unwrap().push(twin);
    let (s, body) = app.control(Method::PUT, "/_localzoom/state", dup).await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(body["errors"][0]["field"], "$.accounts[0].users[1].email", "{body}");
    assert_eq!(export(&app).await, before);
    let (s, _) = app.call(Method::GET, "/v2/users/me", None).await;
    assert_eq!(s, 200, "tokens survive a refused import");
}
