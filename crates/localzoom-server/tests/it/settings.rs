//! User settings, profile pictures and virtual backgrounds.

use base64::Engine;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_schema, read, spawn_app, TestApp};

const PNG_1X1: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const GIF_1X1: &str = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

fn bytes(b64: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
}

async fn settings(app: &TestApp, user: &str, query: &str) -> Value {
    let (s, doc) = app
        .call(Method::GET, &format!("/v2/users/{user}/settings{query}"), None)
        .await;
    assert_eq!(s, 200, "{doc}");
    assert_schema("/users/{userId}/settings", "get", "200", &doc);
    doc
}

async fn upload(app: &TestApp, path: &str, field: &str, name: &str, content: Vec<u8>) -> (u16, Value) {
    let form = Form::new().part(field.to_string(), Part::bytes(content).file_name(name.to_string()));
    read(app.req(Method::POST, path).multipart(form).send().await.unwrap()).await
}

#[tokio::test]
async fn settings_round_trip_with_option_and_custom_query_fields() {
    let app = spawn_app().await;
    let id = app.create_user("set@example.com", "custCreate", 2).await;
    let doc = settings(&app, &id, "").await;
    assert_eq!(doc["feature"]["meeting_capacity"], 300, "licensed");
    assert_eq!(doc["in_meeting"]["chat"], true);
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{id}/settings"),
            Some(json!({"in_meeting": {"chat": false, "entry_exit_chime": "none"}, "schedule_meeting": {"host_video": true}, "unknown": {"x": 1}})),
        )
        .await;
    assert_eq!(s, 204);
    let doc = settings(&app, &id, "").await;
    assert_eq!(
        (
            doc["in_meeting"]["chat"].clone(),
            doc["in_meeting"]["entry_exit_chime"].clone()
        ),
        (json!(false), json!("none"))
    );
    assert_eq!(doc["schedule_meeting"]["host_video"], true);
    assert_eq!(doc["in_meeting"]["polling"], true, "untouched fields keep their values");
    // custom_query_fields keeps the named fields, nested as in the document.
    let part = settings(&app, &id, "?custom_query_fields=host_video,entry_exit_chime").await;
    assert_eq!(
        part,
        json!({"schedule_meeting": {"host_video": true}, "in_meeting": {"entry_exit_chime": "none"}})
    );
    // A bad field rejects the whole patch.
    let (s, err) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{id}/settings"),
            Some(json!({"in_meeting": {"chat": true, "allow_participants_chat_with": 9}, "recording": {"auto_recording": "tape"}, "schedule_meeting": "x"})),
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
        [
            "in_meeting.allow_participants_chat_with",
            "recording.auto_recording",
            "schedule_meeting"
        ]
    );
    assert_eq!(settings(&app, &id, "").await["in_meeting"]["chat"], false);
    // option=meeting_security reads and patches that part.
    let sec = settings(&app, &id, "?option=meeting_security").await;
    assert_eq!(sec["meeting_security"]["waiting_room"], true);
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{id}/settings?option=meeting_security"),
            Some(json!({"meeting_security": {"waiting_room": false, "encryption_type": "e2ee"}})),
        )
        .await;
    assert_eq!(s, 204);
    let sec = settings(
        &app,
        &id,
        "?option=meeting_security&custom_query_fields=waiting_room,encryption_type",
    )
    .await;
    assert_eq!(
        sec,
        json!({"meeting_security": {"waiting_room": false, "encryption_type": "e2ee"}})
    );
    // Zoom's older spelling names the same part.
    assert_eq!(
        settings(&app, &id, "?option=security").await,
        settings(&app, &id, "?option=meeting_security").await
    );
    let (s, err) = app
        .call(Method::GET, &format!("/v2/users/{id}/settings?option=everything"), None)
        .await;
    assert_eq!((s, err["errors"][0]["field"].clone()), (400, json!("option")));
}

#[tokio::test]
async fn authentication_profiles_are_added_updated_and_deleted() {
    let app = spawn_app().await;
    let path = "/v2/users/me/settings?option=meeting_authentication";
    let (s, _) = app
        .call(
            Method::PATCH,
            path,
            Some(json!({"meeting_authentication": true, "authentication_option": {"action": "add", "name": "Staff", "type": "enforce_login_with_domains", "domains": "example.com", "default_option": true}})),
        )
        .await;
    assert_eq!(s, 204);
    let auth = settings(&app, "me", "?option=meeting_authentication").await;
    assert_eq!(auth["meeting_authentication"], true);
    let option = &auth["authentication_options"][0];
    assert_eq!(
        (option["name"].clone(), option["domains"].clone()),
        (json!("Staff"), json!("example.com"))
    );
    let oid = option["id"].as_str().unwrap().to_string();
    let (s, _) = app
        .call(
            Method::PATCH,
            path,
            Some(json!({"authentication_option": {"action": "update", "id": oid, "name": "Team"}})),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(
        settings(&app, "me", "?option=meeting_authentication").await["authentication_options"][0]["name"],
        "Team"
    );
    let (s, err) = app
        .call(
            Method::PATCH,
            path,
            Some(json!({"authentication_option": {"action": "add", "name": "X", "type": "magic"}})),
        )
        .await;
    assert_eq!(
        (s, err["errors"][0]["field"].clone()),
        (400, json!("authentication_option.type"))
    );
    let (s, _) = app
        .call(
            Method::PATCH,
            path,
            Some(json!({"authentication_option": {"action": "delete", "id": oid}})),
        )
        .await;
    assert_eq!(s, 204);
    let auth = settings(&app, "me", "?option=meeting_authentication").await;
    assert_eq!(auth["authentication_options"], json!([]));
    // Recording authentication is its own list.
    let rec = settings(&app, "me", "?option=recording_authentication").await;
    assert_eq!(rec["recording_authentication"], false);
}

#[tokio::test]
async fn defaults_follow_the_licence_and_bulk_features() {
    let app = spawn_app().await;
    let basic = app.create_user("basic@example.com", "custCreate", 1).await;
    let doc = settings(&app, &basic, "").await;
    assert_eq!(
        (
            doc["feature"]["meeting_capacity"].clone(),
            doc["recording"]["cloud_recording"].clone()
        ),
        (json!(100), json!(false))
    );
    let (s, _) = app
        .call(
            Method::POST,
            "/v2/users/features",
            Some(json!({"feature_type": "large_meeting", "feature_value": "32", "users": [{"id": basic}]})),
        )
        .await;
    assert_eq!(s, 201);
    let doc = settings(
        &app,
        &basic,
        "?custom_query_fields=large_meeting,large_meeting_capacity",
    )
    .await;
    assert_eq!(
        doc,
        json!({"feature": {"large_meeting": true, "large_meeting_capacity": 200}})
    );
    let pending = app.create_user("later@example.com", "create", 1).await;
    let (s, err) = app
        .call(Method::GET, &format!("/v2/users/{pending}/settings"), None)
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(1000)));
}

#[tokio::test]
async fn pictures_are_judged_by_their_bytes_and_served_back() {
    let app = spawn_app().await;
    let id = app.create_user("pic@example.com", "custCreate", 1).await;
    let path = format!("/v2/users/{id}/picture");
    let png = bytes(PNG_1X1);
    let (s, body) = upload(&app, &path, "pic_file", "me.jpg", png.clone()).await;
    assert_eq!((s, body), (201, json!({})));
    let (_, user) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    let url = user["pic_url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&app.origin), "{url}");
    let served = app.http.get(&url).send().await.unwrap();
    assert_eq!(
        served.headers()["content-type"],
        "image/png",
        "judged by the bytes, not the name"
    );
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
    // A GIF replaces it.
    let (s, _) = upload(&app, &path, "pic_file", "anim.gif", bytes(GIF_1X1)).await;
    assert_eq!(s, 201);
    let (_, user) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    let gif_url = user["pic_url"].as_str().unwrap().to_string();
    assert_ne!(gif_url, url);
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 404);
    assert_eq!(
        app.http.get(&gif_url).send().await.unwrap().headers()["content-type"],
        "image/gif"
    );
    // Zoom's errors.
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "pic_file",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            "Only jpg/jpeg, gif or png image file can be uploaded.",
        ),
        ("pic_file", Vec::new(), "File is empty"),
        ("photo", png.clone(), "File is empty"),
        (
            "pic_file",
            [png.clone(), vec![0u8; 2 * 1024 * 1024]].concat(),
            "File size cannot exceed 2M",
        ),
    ];
    for (field, content, message) in cases {
        let (s, err) = upload(&app, &path, field, "fake.png", content).await;
        assert_eq!((s, err), (400, json!({"code": 120, "message": message})));
    }
    let (s, err) = app.call(Method::POST, &path, Some(json!({"pic_file": "x"}))).await;
    assert_eq!((s, err["code"].clone()), (400, json!(300)));
    assert_eq!(
        app.http.get(&gif_url).send().await.unwrap().status(),
        200,
        "failed uploads changed nothing"
    );
    let (s, _) = app.call(Method::DELETE, &path, None).await;
    assert_eq!(s, 204);
    let (_, user) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    assert!(user.get("pic_url").is_none_or(Value::is_null), "{user}");
    assert_eq!(app.http.get(&gif_url).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn virtual_backgrounds_are_listed_in_settings_and_capped_at_ten() {
    let app = spawn_app().await;
    let id = app.create_user("vb@example.com", "custCreate", 2).await;
    let path = format!("/v2/users/{id}/settings/virtual_backgrounds");
    let mut ids = Vec::new();
    for i in 0..9 {
        let (s, file) = upload(&app, &path, "file", &format!("bg{i}.gif"), bytes(GIF_1X1)).await;
        assert_eq!(s, 201, "{file}");
        assert_schema("/users/{userId}/settings/virtual_backgrounds", "post", "201", &file);
        assert_eq!(
            (file["type"].clone(), file["size"].clone()),
            (json!("image"), json!(bytes(GIF_1X1).len()))
        );
        ids.push(file["id"].as_str().unwrap().to_string());
    }
    let mp4 = [b"\0\0\0\x18ftypisom".to_vec(), vec![0u8; 64]].concat();
    let (s, video) = upload(&app, &path, "file", "clip.mp4", mp4).await;
    assert_eq!(
        (s, video["type"].clone(), video["name"].clone()),
        (201, json!("video"), json!("clip.mp4"))
    );
    let (s, err) = upload(&app, &path, "file", "eleventh.gif", bytes(GIF_1X1)).await;
    assert_eq!(
        (s, err["message"].clone()),
        (
            400,
            json!("A user profile cannot exceed more than 10 Virtual Background files.")
        )
    );
    let (s, err) = upload(&app, &path, "file", "notes.txt", b"plain text".to_vec()).await;
    assert_eq!((s, err["code"].clone()), (400, json!(120)));
    let listed = |doc: &Value| {
        doc["in_meeting"]["virtual_background_settings"]["files"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(listed(&settings(&app, &id, "").await), 10);
    let (s, _) = app
        .call(Method::DELETE, &format!("{path}?file_ids={},{}", ids[0], ids[1]), None)
        .await;
    assert_eq!(s, 204);
    let doc = settings(&app, &id, "").await;
    assert_eq!(listed(&doc), 8);
    assert!(!doc.to_string().contains(&ids[0]));
    let (s, err) = app
        .call(Method::DELETE, &format!("{path}?file_ids={},nope", ids[2]), None)
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(300)));
    assert_eq!(listed(&settings(&app, &id, "").await), 8, "nothing deleted");
    let (s, err) = app.call(Method::DELETE, &path, None).await;
    assert_eq!((s, err["errors"][0]["field"].clone()), (400, json!("file_ids")));
    // Files go with their owner.
    let (s, _) = upload(
        &app,
        &format!("/v2/users/{id}/picture"),
        "pic_file",
        "p.png",
        bytes(PNG_1X1),
    )
    .await;
    assert_eq!(s, 201);
    let (_, user) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    let url = user["pic_url"].as_str().unwrap().to_string();
    app.call(Method::DELETE, &format!("/v2/users/{id}?action=delete"), None)
        .await;
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 404);
}
