//! Meetings: the full object, recurring series, list filters, updates, deletion and recovery.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_meeting_schema, parse_time, read, spawn_app, TestApp};

/// What the checklist says Zoom returns on create that the reference's create schema leaves out.
const CREATE_EXTRA: &[&str] = &["uuid", "host_id", "status"];

pub async fn create_meeting(app: &TestApp, user: &str, body: Value) -> Value {
    let (s, m) = app
        .call(Method::POST, &format!("/v2/users/{user}/meetings"), Some(body))
        .await;
    assert_eq!(s, 201, "{m}");
    assert_meeting_schema("/users/{userId}/meetings", "post", "201", &m, CREATE_EXTRA);
    m
}

#[tokio::test]
async fn a_scheduled_meeting_is_created_with_zooms_defaults_and_read_back() {
    let app = spawn_app().await;
    app.freeze_at("2026-05-01T12:00:00Z").await;
    let m = create_meeting(
        &app,
        "me",
        json!({"topic": "Planning", "type": 2, "start_time": "2026-05-04T09:30:00", "timezone": "Europe/Paris",
               "duration": 45, "agenda": "Q3", "settings": {"waiting_room": true, "jbh_time": 10},
               "tracking_fields": [{"field": "team", "value": "core"}]}),
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    assert!((10_000_000_000..100_000_000_000).contains(&id), "{id}");
    // Paris wall time, returned in UTC.
    assert_eq!(m["start_time"], "2026-05-04T07:30:00Z");
    assert_eq!(
        (m["duration"].clone(), m["timezone"].clone()),
        (json!(45), json!("Europe/Paris"))
    );
    assert_eq!(m["host_id"], json!(app.creds.owner_id));
    assert_eq!(m["host_email"], json!(app.creds.owner_email));
    assert_eq!(m["status"], "waiting");
    assert_eq!(m["settings"]["waiting_room"], true);
    assert_eq!(m["settings"]["approval_type"], 2, "Zoom's default");
    assert_eq!(m["settings"]["audio"], "both");
    assert!(m.get("registration_url").is_none());
    let password = m["password"].as_str().unwrap();
    assert_eq!(password.len(), 6);
    assert!(m["join_url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/j/{id}?pwd=", app.origin)));
    assert!(m["start_url"].as_str().unwrap().contains(&format!("/s/{id}?zak=")));
    let (s, got) = app.call(Method::GET, &format!("/v2/meetings/{id}"), None).await;
    assert_eq!(s, 200);
    assert_meeting_schema("/meetings/{meetingId}", "get", "200", &got, &[]);
    for k in [
        "uuid",
        "topic",
        "start_time",
        "password",
        "join_url",
        "settings",
        "tracking_fields",
    ] {
        assert_eq!(got[k], m[k], "{k}");
    }
    // An empty body is a default scheduled meeting; default_password=false leaves none.
    let bare = create_meeting(&app, "me", json!({"default_password": false})).await;
    assert_eq!((bare["type"].clone(), bare["password"].clone()), (json!(2), json!("")));
    assert_eq!(bare["start_time"], "2026-05-01T12:00:00Z");
    assert!(!bare["join_url"].as_str().unwrap().contains("pwd="));
}

#[tokio::test]
async fn recurring_meetings_list_their_occurrences_and_lose_one_on_delete() {
    let app = spawn_app().await;
    app.freeze_at("2026-05-01T12:00:00Z").await;
    let m = create_meeting(
        &app,
        "me",
        json!({"topic": "Standup", "type": 8, "start_time": "2026-05-04T09:00:00Z", "duration": 15, "timezone": "UTC",
               "recurrence": {"type": 2, "weekly_days": "2,4,6", "end_times": 5}}),
    )
    .await;
    let starts: Vec<&str> = m["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["start_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-05-04T09:00:00Z",
            "2026-05-06T09:00:00Z",
            "2026-05-08T09:00:00Z",
            "2026-05-11T09:00:00Z",
            "2026-05-13T09:00:00Z"
        ]
    );
    let id = m["id"].as_i64().unwrap();
    let second = m["occurrences"][1]["occurrence_id"].as_str().unwrap().to_string();
    assert_eq!(parse_time(starts[1]) * 1000, second.parse::<i64>().unwrap());
    // One occurrence moves; the series stays.
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/v2/meetings/{id}?occurrence_id={second}"),
            Some(json!({"start_time": "2026-05-06T10:00:00Z", "duration": 30, "topic": "ignored for one occurrence"})),
        )
        .await;
    assert_eq!(s, 204);
    let (_, one) = app
        .call(Method::GET, &format!("/v2/meetings/{id}?occurrence_id={second}"), None)
        .await;
    assert_eq!(
        (one["start_time"].clone(), one["duration"].clone()),
        (json!("2026-05-06T10:00:00Z"), json!(30))
    );
    assert_eq!(one["topic"], "Standup");
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/v2/meetings/{id}?occurrence_id={second}"),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (_, after) = app.call(Method::GET, &format!("/v2/meetings/{id}"), None).await;
    assert_meeting_schema("/meetings/{meetingId}", "get", "200", &after, &[]);
    let ids: Vec<&str> = after["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["occurrence_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    assert!(!ids.contains(&second.as_str()));
    for bad in [
        format!("/v2/meetings/{id}?occurrence_id={second}"),
        format!("/v2/meetings/{id}?occurrence_id=123"),
    ] {
        let (s, err) = app.call(Method::DELETE, &bad, None).await;
        assert_eq!(
            (s, err),
            (
                400,
                json!({"code": 300, "message": "Invalid parameter: occurrence_id."})
            )
        );
    }
    // Past occurrences hide unless asked for.
    app.freeze_at("2026-05-09T00:00:00Z").await;
    let (_, later) = app.call(Method::GET, &format!("/v2/meetings/{id}"), None).await;
    assert_eq!(later["occurrences"].as_array().unwrap().len(), 2);
    let (_, all) = app
        .call(
            Method::GET,
            &format!("/v2/meetings/{id}?show_previous_occurrences=true"),
            None,
        )
        .await;
    assert_eq!(all["occurrences"].as_array().unwrap().len(), 4);
    // A series with a fixed time needs its recurrence.
    let (s, err) = app
        .call(Method::POST, "/v2/users/me/meetings", Some(json!({"type": 8})))
        .await;
    assert_eq!((s, err["errors"][0]["field"].clone()), (400, json!("recurrence")));
}

#[tokio::test]
async fn lists_filter_by_type_and_page() {
    let app = spawn_app().await;
    app.freeze_at("2026-05-10T12:00:00Z").await;
    let past = create_meeting(
        &app,
        "me",
        json!({"topic": "past", "start_time": "2026-05-01T10:00:00Z"}),
    )
    .await;
    let soon = create_meeting(
        &app,
        "me",
        json!({"topic": "soon", "start_time": "2026-05-20T10:00:00Z"}),
    )
    .await;
    let anytime = create_meeting(&app, "me", json!({"topic": "anytime", "type": 3})).await;
    let live = create_meeting(
        &app,
        "me",
        json!({"topic": "live", "start_time": "2026-05-10T11:30:00Z"}),
    )
    .await;
    let (s, _) = app
        .control(
            Method::PUT,
            &format!("/_localzoom/meetings/{}", live["id"]),
            json!({"status": "started"}),
        )
        .await;
    assert_eq!(s, 200);
    let topics = |list: &Value| -> Vec<String> {
        list["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["topic"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, all) = app.call(Method::GET, "/v2/users/me/meetings", None).await;
    assert_eq!(s, 200);
    assert_meeting_schema("/users/{userId}/meetings", "get", "200", &all, &[]);
    let mut everything = topics(&all);
    everything.sort();
    assert_eq!(everything, ["anytime", "live", "past", "soon"]);
    let (_, list) = app.call(Method::GET, "/v2/users/me/meetings?type=live", None).await;
    assert_eq!(topics(&list), ["live"]);
    let (_, list) = app
        .call(Method::GET, "/v2/users/me/meetings?type=previous_meetings", None)
        .await;
    assert_eq!(topics(&list), ["past"]);
    let (_, list) = app.call(Method::GET, "/v2/users/me/meetings?type=upcoming", None).await;
    let mut upcoming = topics(&list);
    upcoming.sort();
    assert_eq!(upcoming, ["anytime", "live", "soon"]);
    let (_, list) = app
        .call(Method::GET, "/v2/users/me/meetings?from=2026-05-15&to=2026-05-31", None)
        .await;
    assert_eq!(topics(&list), ["soon"]);
    // Pages follow next_page_token and see every meeting once.
    let mut seen = Vec::new();
    let (_, mut page) = app.call(Method::GET, "/v2/users/me/meetings?page_size=3", None).await;
    assert_eq!(page["total_records"], 4);
    loop {
        seen.extend(topics(&page));
        let token = page["next_page_token"].as_str().unwrap().to_string();
        if token.is_empty() {
            break;
        }
        page = app
            .call(
                Method::GET,
                &format!("/v2/users/me/meetings?next_page_token={token}"),
                None,
            )
            .await
            .1;
    }
    seen.sort();
    assert_eq!(seen, everything);
    for bad in ["type=someday", "page_size=0", "from=yesterday", "timezone=Mars/Base"] {
        let (s, err) = app
            .call(Method::GET, &format!("/v2/users/me/meetings?{bad}"), None)
            .await;
        assert_eq!((s, err["code"].clone()), (400, json!(300)), "{bad}");
    }
    let (s, err) = app
        .call(Method::GET, "/v2/users/ghost@example.com/meetings", None)
        .await;
    assert_eq!((s, err["code"].clone()), (404, json!(1001)));
    let _ = (past, soon, anytime);
}

#[tokio::test]
async fn updates_validate_whole_and_deleted_meetings_recover() {
    let app = spawn_app().await;
    let m = create_meeting(&app, "me", json!({"topic": "Before"})).await;
    let id = m["id"].as_i64().unwrap();
    let path = format!("/v2/meetings/{id}");
    let (s, _) = app
        .call(
            Method::PATCH,
            &path,
            Some(json!({"topic": "After", "settings": {"mute_upon_entry": true}, "password": "abc-123"})),
        )
        .await;
    assert_eq!(s, 204);
    let (_, got) = app.call(Method::GET, &path, None).await;
    assert_eq!(
        (got["topic"].clone(), got["password"].clone()),
        (json!("After"), json!("abc-123"))
    );
    assert_eq!(got["settings"]["mute_upon_entry"], true);
    // Bad fields reject the whole patch.
    let (s, err) = app
        .call(
            Method::PATCH,
            &path,
            Some(json!({"topic": "Never", "type": 5, "duration": 99_999_999_999i64, "password": "far too long!", "settings": {"audio": "smoke", "jbh_time": 7}})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(300)));
    let mut fields: Vec<&str> = err["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["duration", "password", "settings.audio", "settings.jbh_time", "type"]
    );
    let (_, got) = app.call(Method::GET, &path, None).await;
    assert_eq!(got["topic"], "After");
    // Registration needs a licensed host: a basic user's meeting cannot take approval_type 0.
    let basic = app.create_user("basic@example.com", "custCreate", 1).await;
    let (s, err) = app
        .call(
            Method::POST,
            &format!("/v2/users/{basic}/meetings"),
            Some(json!({"settings": {"approval_type": 0}})),
        )
        .await;
    assert_eq!(
        (s, err["errors"][0]["field"].clone()),
        (400, json!("settings.approval_type"))
    );
    // A live meeting cannot be deleted; ended, it can, and `recover` brings it back.
    app.control(
        Method::PUT,
        &format!("/_localzoom/meetings/{id}"),
        json!({"status": "started"}),
    )
    .await;
    let (s, err) = app.call(Method::DELETE, &path, None).await;
    assert_eq!((s, err["code"].clone()), (400, json!(3002)));
    let (s, _) = app
        .call(Method::PUT, &format!("{path}/status"), Some(json!({"action": "end"})))
        .await;
    assert_eq!(s, 204);
    let (_, got) = app.call(Method::GET, &path, None).await;
    assert_eq!(got["status"], "waiting");
    let (s, _) = app.call(Method::DELETE, &path, None).await;
    assert_eq!(s, 204);
    let (s, err) = app.call(Method::GET, &path, None).await;
    assert_eq!(
        (s, err),
        (
            404,
            json!({"code": 3001, "message": format!("Meeting does not exist: {id}.")})
        )
    );
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("{path}/status"),
            Some(json!({"action": "recover"})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, got) = app.call(Method::GET, &path, None).await;
    assert_eq!((s, got["topic"].clone()), (200, json!("After")));
    let (s, err) = app
        .call(Method::PUT, &format!("{path}/status"), Some(json!({"action": "pause"})))
        .await;
    assert_eq!((s, err["errors"][0]["field"].clone()), (400, json!("action")));
    let (s, err) = app.call(Method::GET, "/v2/meetings/not-a-number", None).await;
    assert_eq!((s, err["code"].clone()), (404, json!(3001)));
}

#[tokio::test]
async fn another_accounts_meeting_is_missing_and_user_scopes_act_as_the_host() {
    let app = spawn_app().await;
    let m = create_meeting(&app, "me", json!({})).await;
    let id = m["id"].as_i64().unwrap();
    let (_, token) = app.other_account().await;
    let resp = app
        .http
        .get(app.url(&format!("/v2/meetings/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (s, err) = read(resp).await;
    assert_eq!((s, err["code"].clone()), (404, json!(3001)));
    // A token with user-level scopes acts as its user (the app's owner): another host's meeting is not its own.
    let other = app.create_user("host2@example.com", "custCreate", 2).await;
    let theirs = create_meeting(&app, &other, json!({})).await;
    let user_level = app.token_with_scopes(&["meeting:read", "meeting:write"]).await;
    let get = |id: i64| {
        app.http
            .get(app.url(&format!("/v2/meetings/{id}")))
            .bearer_auth(&user_level)
            .send()
    };
    assert_eq!(get(id).await.unwrap().status(), 200);
    let (s, err) = read(get(theirs["id"].as_i64().unwrap()).await.unwrap()).await;
    assert_eq!((s, err), (400, json!({"code": 3003, "message": "Not meeting host."})));
}

#[tokio::test]
async fn a_host_creates_or_updates_at_most_100_meetings_a_day() {
    let app = crate::common::spawn_with(|c| c.rate_limit_scale = 0.05).await;
    app.freeze_at("2026-05-01T12:00:00Z").await;
    // Scaled by 0.05: 5 creates/updates a day (and Medium's 60/s becomes 3/s, so a second each).
    let mut ids = Vec::new();
    for _ in 0..4 {
        app.advance_clock(1).await;
        ids.push(create_meeting(&app, "me", json!({})).await["id"].as_i64().unwrap());
    }
    app.advance_clock(1).await;
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/v2/meetings/{}", ids[0]),
            Some(json!({"topic": "x"})),
        )
        .await;
    assert_eq!(s, 204);
    app.advance_clock(1).await;
    let (s, err) = app.call(Method::POST, "/v2/users/me/meetings", Some(json!({}))).await;
    assert_eq!(
        (s, err),
        (
            429,
            json!({"code": 429, "message": "You have exceeded the daily rate limit (5) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."})
        )
    );
    app.freeze_at("2026-05-02T00:00:00Z").await;
    let (s, _) = app.call(Method::POST, "/v2/users/me/meetings", Some(json!({}))).await;
    assert_eq!(s, 201);
}

#[tokio::test]
async fn deleting_a_host_moves_or_removes_their_meetings() {
    // About stored state, not the wire: driven through the client.
    let app = spawn_app().await;
    let (users, meetings) = (app.client.users(), app.client.meetings());
    let leaving = app.create_user("leaving@example.com", "custCreate", 2).await;
    let staying = app.create_user("staying@example.com", "custCreate", 2).await;
    let topic = |t: &str| zoom_types::meetings::MeetingRequest {
        topic: Some(t.into()),
        ..Default::default()
    };
    let kept = meetings.create(&leaving, &topic("kept")).await.unwrap();
    let handover = localzoom_client::DeleteUser {
        action: Some(zoom_types::enums::DeleteAction::Delete),
        transfer_email: Some("staying@example.com".into()),
        transfer_meeting: Some(true),
    };
    users.delete(&leaving, &handover).await.unwrap();
    let got = meetings.get(kept.id, None).await.unwrap();
    assert_eq!(
        (got.host_id.as_str(), got.host_email.as_str()),
        (staying.as_str(), "staying@example.com")
    );
    let gone = meetings.create(&staying, &topic("gone")).await.unwrap();
    let delete = localzoom_client::DeleteUser {
        action: Some(zoom_types::enums::DeleteAction::Delete),
        ..Default::default()
    };
    users.delete(&staying, &delete).await.unwrap();
    for id in [kept.id, gone.id] {
        let err = meetings.get(id, None).await.unwrap_err();
        assert_eq!((err.status(), err.code()), (Some(404), Some(3001)));
    }
}

#[tokio::test]
async fn an_inactive_user_cannot_host() {
    let app = spawn_app().await;
    let id = app.create_user("away@example.com", "custCreate", 2).await;
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{id}/status"),
            Some(json!({"action": "deactivate"})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, err) = app
        .call(Method::POST, &format!("/v2/users/{id}/meetings"), Some(json!({})))
        .await;
    assert_eq!(
        (s, err),
        (
            400,
            json!({"code": 3161, "message": "Your user account is not allowed meeting hosting and scheduling capabilities."})
        )
    );
    let (_, list) = app.call(Method::GET, &format!("/v2/users/{id}/meetings"), None).await;
    assert_eq!(list["total_records"], 0);
}

/// A 404 names the meeting as the path gave it.
#[tokio::test]
async fn an_unknown_meeting_is_named_as_given() {
    let app = crate::common::spawn_app().await;
    for raw in ["0123", "99999999999", "abc"] {
        let (s, body) = app.call(Method::GET, &format!("/v2/meetings/{raw}"), None).await;
        assert_eq!(s, 404, "{body}");
        assert_eq!(
            body,
            serde_json::json!({"code": 3001, "message": format!("Meeting does not exist: {raw}.")})
        );
    }
}
