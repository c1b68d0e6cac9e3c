//! The registration workflow, end to end.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_meeting_schema, spawn_app, TestApp};
use crate::meetings::create_meeting;

async fn add(app: &TestApp, meeting: i64, body: Value) -> (u16, Value) {
    app.call(Method::POST, &format!("/v2/meetings/{meeting}/registrants"), Some(body))
        .await
}

async fn list(app: &TestApp, meeting: i64, status: &str) -> Vec<String> {
    let (s, l) = app
        .call(
            Method::GET,
            &format!("/v2/meetings/{meeting}/registrants?status={status}"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{l}");
    assert_meeting_schema("/meetings/{meetingId}/registrants", "get", "200", &l, &[]);
    l["registrants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect()
}

async fn status(app: &TestApp, meeting: i64, action: &str, ids: &[&str]) -> (u16, Value) {
    let registrants: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
    app.call(
        Method::PUT,
        &format!("/v2/meetings/{meeting}/registrants/status"),
        Some(json!({"action": action, "registrants": registrants})),
    )
    .await
}

#[tokio::test]
async fn manual_approval_walks_pending_approved_denied_and_cancelled() {
    let app = spawn_app().await;
    app.freeze_at("2026-06-01T10:00:00Z").await;
    let m = create_meeting(
        &app,
        "me",
        json!({"topic": "Launch", "start_time": "2026-06-10T15:00:00Z", "settings": {"approval_type": 1}}),
    )
    .await;
    assert!(m["registration_url"].as_str().unwrap().contains("/meeting/register/"));
    let id = m["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for who in ["ann", "bob", "cat"] {
        let (s, r) = add(
            &app,
            id,
            json!({"email": format!("{who}@example.com"), "first_name": who}),
        )
        .await;
        assert_eq!(s, 201, "{r}");
        assert_meeting_schema("/meetings/{meetingId}/registrants", "post", "201", &r, &[]);
        assert_eq!((r["id"].clone(), r["topic"].clone()), (json!(id), json!("Launch")));
        ids.push(r["registrant_id"].as_str().unwrap().to_string());
    }
    // Approval type 1: everyone waits.
    assert_eq!(
        list(&app, id, "pending").await,
        ["ann@example.com", "bob@example.com", "cat@example.com"]
    );
    assert!(list(&app, id, "approved").await.is_empty());
    let (s, _) = status(&app, id, "approve", &[&ids[0], &ids[2]]).await;
    assert_eq!(s, 204);
    let (s, _) = status(&app, id, "deny", &[&ids[1]]).await;
    assert_eq!(s, 204);
    assert_eq!(list(&app, id, "approved").await, ["ann@example.com", "cat@example.com"]);
    assert_eq!(list(&app, id, "denied").await, ["bob@example.com"]);
    // Cancelling an approved registration; a pending one cannot be cancelled.
    let (s, _) = status(&app, id, "cancel", &[&ids[2]]).await;
    assert_eq!(s, 204);
    assert_eq!(list(&app, id, "approved").await, ["ann@example.com"]);
    assert_eq!(list(&app, id, "denied").await, ["bob@example.com", "cat@example.com"]);
    let (_, late) = add(&app, id, json!({"email": "dan@example.com", "first_name": "Dan"})).await;
    let (s, err) = status(&app, id, "cancel", &[late["registrant_id"].as_str().unwrap()]).await;
    assert_eq!((s, err["code"].clone()), (400, json!(300)), "{err}");
    // Each registrant has a join URL of their own.
    let (s, ann) = app
        .call(Method::GET, &format!("/v2/meetings/{id}/registrants/{}", ids[0]), None)
        .await;
    assert_eq!(s, 200);
    assert_meeting_schema(
        "/meetings/{meetingId}/registrants/{registrantId}",
        "get",
        "200",
        &ann,
        &[],
    );
    let (_, bob) = app
        .call(Method::GET, &format!("/v2/meetings/{id}/registrants/{}", ids[1]), None)
        .await;
    assert_ne!(ann["join_url"], bob["join_url"]);
    assert!(ann["join_url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/w/{id}?tk=", app.origin)));
    assert_eq!(ann["status"], "approved");
    // Bad actions and lists are 300; an unknown registrant too.
    for body in [
        json!({"action": "maybe", "registrants": [{"id": ids[0]}]}),
        json!({"action": "approve"}),
        json!({"action": "approve", "registrants": "[{"}),
        json!({"action": "approve", "registrants": [{}]}),
        json!({"action": "approve", "registrants": [{"id": "nobody"}]}),
    ] {
        let (s, err) = app
            .call(
                Method::PUT,
                &format!("/v2/meetings/{id}/registrants/status"),
                Some(body.clone()),
            )
            .await;
        assert_eq!((s, err["code"].clone()), (400, json!(300)), "{body}: {err}");
    }
    // Deleting a registrant.
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/v2/meetings/{id}/registrants/{}", ids[1]),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, err) = app
        .call(Method::GET, &format!("/v2/meetings/{id}/registrants/{}", ids[1]), None)
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(300)));
}

#[tokio::test]
async fn automatic_approval_questions_and_repeat_registrations() {
    let app = spawn_app().await;
    let m = create_meeting(&app, "me", json!({"settings": {"approval_type": 0}})).await;
    let id = m["id"].as_i64().unwrap();
    let q = format!("/v2/meetings/{id}/registrants/questions");
    let (s, _) = app
        .call(
            Method::PATCH,
            &q,
            Some(json!({"questions": [{"field_name": "org", "required": true}, {"field_name": "city", "required": false}],
                        "custom_questions": [{"title": "Diet", "type": "single", "required": true, "answers": ["veg", "any"]}]})),
        )
        .await;
    assert_eq!(s, 204);
    let (_, questions) = app.call(Method::GET, &q, None).await;
    assert_meeting_schema(
        "/meetings/{meetingId}/registrants/questions",
        "get",
        "200",
        &questions,
        &[],
    );
    assert_eq!(
        questions["questions"][0],
        json!({"field_name": "org", "required": true})
    );
    // Required questions are enforced on add.
    let (s, err) = add(&app, id, json!({"email": "eve@example.com", "first_name": "Eve"})).await;
    assert_eq!(s, 400);
    let mut fields: Vec<&str> = err["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["custom_questions", "org"]);
    let (s, err) = add(
        &app,
        id,
        json!({"email": "eve@example.com", "first_name": "Eve", "org": "Acme", "custom_questions": [{"title": "Diet", "value": "meat"}]}),
    )
    .await;
    assert_eq!(s, 400, "an answer outside the choices");
    assert_eq!(err["errors"][0]["message"], "\"meat\" is not an answer to \"Diet\".");
    let body = json!({"email": "eve@example.com", "first_name": "Eve", "org": "Acme", "custom_questions": [{"title": "Diet", "value": "veg"}]});
    let (s, first) = add(&app, id, body.clone()).await;
    assert_eq!(s, 201, "{first}");
    // Approval type 0 approves on arrival; the same email again is the same registrant.
    let (_, again) = add(&app, id, body.clone()).await;
    assert_eq!(again["registrant_id"], first["registrant_id"]);
    assert_eq!(list(&app, id, "approved").await, ["eve@example.com"]);
    // Three additions a day per registrant.
    let (s, err) = add(&app, id, body).await;
    assert_eq!(s, 201, "{err}");
    let (s, err) = add(&app, id, json!({"email": "EVE@example.com", "first_name": "Eve", "org": "Acme", "custom_questions": [{"title": "Diet", "value": "any"}]})).await;
    assert_eq!((s, err["code"].clone()), (429, json!(429)));
    // Bad fields.
    for (body, field) in [
        (json!({"email": "x@example.com"}), "first_name"),
        (json!({"first_name": "X"}), "email"),
        (json!({"email": "nope", "first_name": "X"}), "email"),
        (
            json!({"email": "x@example.com", "first_name": "X", "org": "A", "no_of_employees": "lots"}),
            "no_of_employees",
        ),
    ] {
        let (s, err) = add(&app, id, body.clone()).await;
        assert_eq!((s, err["code"].clone()), (400, json!(300)), "{body}");
        assert!(
            err["errors"].as_array().unwrap().iter().any(|e| e["field"] == field),
            "{err}"
        );
    }
}

#[tokio::test]
async fn registration_needs_it_enabled_and_a_licensed_host() {
    let app = spawn_app().await;
    let m = create_meeting(&app, "me", json!({})).await;
    let id = m["id"].as_i64().unwrap();
    let (s, err) = add(&app, id, json!({"email": "x@example.com", "first_name": "X"})).await;
    assert_eq!(
        (s, err),
        (
            400,
            json!({"code": 300, "message": format!("Registration has not been enabled for this meeting: {id}.")})
        )
    );
    let (s, err) = app
        .call(Method::GET, "/v2/meetings/12345678901/registrants", None)
        .await;
    assert_eq!((s, err["code"].clone()), (404, json!(3001)));
    // The host loses the licence after registration opened.
    let host = app.create_user("lic@example.com", "custCreate", 2).await;
    let m = create_meeting(&app, &host, json!({"settings": {"approval_type": 0}})).await;
    let (s, _) = app
        .call(Method::PATCH, &format!("/v2/users/{host}"), Some(json!({"type": 1})))
        .await;
    assert_eq!(s, 204);
    let (s, err) = add(
        &app,
        m["id"].as_i64().unwrap(),
        json!({"email": "x@example.com", "first_name": "X"}),
    )
    .await;
    assert_eq!((s, err["code"].clone()), (400, json!(200)));
}

#[tokio::test]
async fn recurring_registration_by_occurrence() {
    let app = spawn_app().await;
    app.freeze_at("2026-06-01T10:00:00Z").await;
    let m = create_meeting(
        &app,
        "me",
        json!({"type": 8, "start_time": "2026-06-02T09:00:00Z", "timezone": "UTC", "settings": {"approval_type": 0, "registration_type": 3},
               "recurrence": {"type": 1, "end_times": 3}}),
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    let occ: Vec<String> = m["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["occurrence_id"].as_str().unwrap().to_string())
        .collect();
    let (s, r) = app
        .call(
            Method::POST,
            &format!("/v2/meetings/{id}/registrants?occurrence_ids={},{}", occ[0], occ[2]),
            Some(json!({"email": "olly@example.com", "first_name": "Olly"})),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["occurrences"].as_array().unwrap().len(), 2);
    let (s, _) = app
        .call(
            Method::POST,
            &format!("/v2/meetings/{id}/registrants"),
            Some(json!({"email": "all@example.com", "first_name": "All"})),
        )
        .await;
    assert_eq!(s, 201);
    let emails = |l: &Value| -> Vec<String> {
        l["registrants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["email"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, on_second) = app
        .call(
            Method::GET,
            &format!("/v2/meetings/{id}/registrants?occurrence_id={}", occ[1]),
            None,
        )
        .await;
    assert_eq!(emails(&on_second), ["all@example.com"]);
    let (_, on_third) = app
        .call(
            Method::GET,
            &format!("/v2/meetings/{id}/registrants?occurrence_id={}", occ[2]),
            None,
        )
        .await;
    assert_eq!(emails(&on_third), ["olly@example.com", "all@example.com"]);
    // Leaving one occurrence keeps the others.
    let rid = r["registrant_id"].as_str().unwrap();
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/v2/meetings/{id}/registrants/{rid}?occurrence_id={}", occ[2]),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (_, on_third) = app
        .call(
            Method::GET,
            &format!("/v2/meetings/{id}/registrants?occurrence_id={}", occ[2]),
            None,
        )
        .await;
    assert_eq!(emails(&on_third), ["all@example.com"]);
    let (s, err) = app
        .call(
            Method::POST,
            &format!("/v2/meetings/{id}/registrants?occurrence_ids=42"),
            Some(json!({"email": "z@example.com", "first_name": "Z"})),
        )
        .await;
    assert_eq!(
        (s, err["message"].clone()),
        (400, json!("Invalid parameter: occurrence_ids."))
    );
    // Batch registration is for scheduled meetings only.
    let (s, err) = app
        .call(
            Method::POST,
            &format!("/v2/meetings/{id}/batch_registrants"),
            Some(json!({"registrants": [{"email": "b@example.com", "first_name": "B"}]})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(303)));
}

#[tokio::test]
async fn batch_registration_and_status_limits() {
    let app = spawn_app().await;
    app.freeze_at("2026-06-01T10:00:00Z").await;
    let m = create_meeting(
        &app,
        "me",
        json!({"start_time": "2026-06-05T10:00:00Z", "settings": {"approval_type": 1}}),
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    let (s, out) = app
        .call(
            Method::POST,
            &format!("/v2/meetings/{id}/batch_registrants"),
            Some(json!({"auto_approve": true, "registrants": [
                {"email": "b1@example.com", "first_name": "B1"}, {"email": "b2@example.com", "first_name": "B2", "last_name": "Two"}]})),
        )
        .await;
    assert_eq!(s, 201, "{out}");
    assert_meeting_schema("/meetings/{meetingId}/batch_registrants", "post", "201", &out, &[]);
    assert_eq!(out["registrants"].as_array().unwrap().len(), 2);
    assert_eq!(list(&app, id, "approved").await, ["b1@example.com", "b2@example.com"]);
    // Ten status updates a day per registrant.
    let rid = out["registrants"][0]["registrant_id"].as_str().unwrap().to_string();
    for i in 0..10 {
        let action = if i % 2 == 0 { "deny" } else { "approve" };
        let (s, err) = status(&app, id, action, &[&rid]).await;
        assert_eq!(s, 204, "update {i}: {err}");
        app.advance_clock(1).await;
    }
    let (s, err) = status(&app, id, "approve", &[&rid]).await;
    assert_eq!((s, err["code"].clone()), (429, json!(429)));
    app.freeze_at("2026-06-02T00:00:00Z").await;
    let (s, _) = status(&app, id, "approve", &[&rid]).await;
    assert_eq!(s, 204);
    // Over: no more registrations.
    app.freeze_at("2026-06-06T00:00:00Z").await;
    let (s, err) = add(&app, id, json!({"email": "late@example.com", "first_name": "L"})).await;
    assert_eq!((s, err["code"].clone()), (400, json!(3038)));
}

#[tokio::test]
async fn a_meeting_takes_at_most_4999_registrants() {
    // Thousands of additions: the per-second limits are not what this test is about.
    let app = crate::common::spawn_with(|c| c.rate_limits = localzoom_server::config::RateLimitMode::Off).await;
    let m = create_meeting(
        &app,
        "me",
        json!({"start_time": "2036-01-05T10:00:00Z", "settings": {"approval_type": 0}}),
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    let batch = |from: usize| -> Value {
        let regs: Vec<Value> = (from..from + 30)
            .map(|i| json!({"email": format!("r{i}@example.com"), "first_name": "R"}))
            .collect();
        json!({"registrants": regs})
    };
    // 4,980 through batch registration, 19 one by one.
    let mut tasks = Vec::new();
    for chunk in 0..166 {
        let req = app
            .req(Method::POST, &format!("/v2/meetings/{id}/batch_registrants"))
            .json(&batch(chunk * 30));
        tasks.push(tokio::spawn(async move { req.send().await.unwrap().status().as_u16() }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    for i in 4980..4999 {
        let (s, body) = add(
            &app,
            id,
            json!({"email": format!("r{i}@example.com"), "first_name": "R"}),
        )
        .await;
        assert_eq!(s, 201, "{body}");
    }
    let (_, page) = app
        .call(Method::GET, &format!("/v2/meetings/{id}/registrants?page_size=1"), None)
        .await;
    assert_eq!(page["total_records"], 4999);
    let (s, err) = add(&app, id, json!({"email": "one-more@example.com", "first_name": "X"})).await;
    assert_eq!(
        (s, err),
        (
            400,
            json!({"code": 3043, "message": "Meeting has reached maximum attendee capacity."})
        )
    );
    // Registering again an email already there is not a new registrant.
    let (s, _) = add(&app, id, json!({"email": "r7@example.com", "first_name": "R"})).await;
    assert_eq!(s, 201);
}

/// The meeting's required questions and the registrant's own bad fields answer in one `errors`
/// list, one entry a field however many rules it breaks.
#[tokio::test]
async fn registrant_errors_name_each_field_once() {
    let app = spawn_app().await;
    let m = create_meeting(&app, "me", json!({"settings": {"approval_type": 0}})).await;
    let id = m["id"].as_i64().unwrap();
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/v2/meetings/{id}/registrants/questions"),
            Some(json!({"questions": [{"field_name": "phone", "required": true}],
                        "custom_questions": [{"title": "Diet", "type": "short", "required": true},
                                             {"title": "Size", "type": "short", "required": true}]})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, err) = add(
        &app,
        id,
        json!({"email": "eve@example.com", "first_name": "Eve", "phone": {}}),
    )
    .await;
    assert_eq!(s, 400, "{err}");
    let fields: Vec<&str> = err["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["phone", "custom_questions"], "{err}");
    let (_, listed) = app
        .call(Method::GET, &format!("/v2/meetings/{id}/registrants"), None)
        .await;
    assert_eq!(listed["total_records"], 0, "nothing registered");
}
