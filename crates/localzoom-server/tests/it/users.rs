//! The core Users API: create, get, list and pagination, update, status, delete, email check, summary.

use std::collections::HashSet;

use localzoom_client::{DeleteUser, ListUsers};
use reqwest::Method;
use serde_json::{json, Value};
use zoom_types::users::UpdateUserRequest;

use crate::common::{assert_schema, read, spawn_app, TestApp};

async fn get_user(app: &TestApp, id: &str) -> Value {
    let (s, body) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    assert_eq!(s, 200, "{body}");
    assert_schema("/users/{userId}", "get", "200", &body);
    body
}

#[tokio::test]
async fn create_with_each_action() {
    let app = spawn_app().await;
    for (action, user_type, status, login) in [
        ("create", 1, "pending", None),
        ("autoCreate", 2, "active", Some(100)),
        ("custCreate", 1, "active", Some(99)),
        ("ssoCreate", 99, "active", Some(101)),
    ] {
        let email = format!("{}@example.com", action.to_lowercase());
        let (s, body) = app
            .call(
                Method::POST,
                "/v2/users",
                Some(json!({"action": action, "user_info": {"email": email, "type": user_type, "first_name": "Jill", "last_name": "Chill", "password": "Passw0rd!"}})),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        assert_schema("/users", "post", "201", &body);
        let id = body["id"].as_str().unwrap();
        assert_eq!(id.len(), 22);
        assert_eq!(
            body,
            json!({"id": id, "first_name": "Jill", "last_name": "Chill", "email": email, "type": user_type})
        );
        let stored = get_user(&app, &email).await;
        assert_eq!(stored["id"], id);
        assert_eq!(stored["status"], status);
        assert_eq!(stored["type"], user_type);
        assert_eq!(stored["role_id"], "2");
        assert_eq!(stored["display_name"], "Jill Chill");
        let pmi = stored["pmi"].as_i64().unwrap();
        assert!((1_000_000_000..=9_999_999_999).contains(&pmi));
        match login {
            Some(l) => assert_eq!(stored["login_types"], json!([l])),
            None => assert!(stored.get("login_types").is_none()),
        }
    }
    // Pending users are listed without an id.
    let (s, page) = app.call(Method::GET, "/v2/users?status=pending", None).await;
    assert_eq!(s, 200);
    assert_schema("/users", "get", "200", &page);
    assert_eq!(page["total_records"], 1);
    assert_eq!(page["users"][0]["email"], "create@example.com");
    assert!(page["users"][0].get("id").is_none());
}

#[tokio::test]
async fn create_errors() {
    let app = spawn_app().await;
    app.create_user("dup@example.com", "custCreate", 1).await;
    let (s, body) = app
        .call(
            Method::POST,
            "/v2/users",
            Some(json!({"action": "custCreate", "user_info": {"email": "DUP@example.com", "type": 1}})),
        )
        .await;
    assert_eq!(s, 409);
    assert_eq!(
        body,
        json!({"code": 1005, "message": "Email DUP@example.com has already been used."})
    );
    assert_schema("/users", "post", "default", &body);

    let cases = [
        (json!({}), vec!["action", "user_info"]),
        (
            json!({"action": "invite", "user_info": {"email": "x@example.com", "type": 1}}),
            vec!["action"],
        ),
        (
            json!({"action": "create", "user_info": {"type": 1}}),
            vec!["user_info.email"],
        ),
        (
            json!({"action": "create", "user_info": {"email": "not-an-email", "type": 7}}),
            vec!["user_info.email", "user_info.type"],
        ),
        (
            json!({"action": "create", "user_info": {"email": "x@example.com", "type": 99}}),
            vec!["user_info.type"],
        ),
        // An unknown action and type 99 (which only ssoCreate may set) are both named.
        (
            json!({"action": "invite", "user_info": {"email": "x@example.com", "type": 99}}),
            vec!["action", "user_info.type"],
        ),
        (
            json!({"action": "create", "user_info": {"email": "x@example.com", "type": "one"}}),
            vec!["user_info.type"],
        ),
        (
            json!({"action": "autoCreate", "user_info": {"email": "x@example.com", "type": 1, "password": "short", "first_name": "x".repeat(65)}}),
            vec!["user_info.first_name", "user_info.password"],
        ),
        (json!({"action": "create", "user_info": "nope"}), vec!["user_info"]),
    ];
    for (body, fields) in cases {
        let (s, resp) = app.call(Method::POST, "/v2/users", Some(body.clone())).await;
        assert_eq!(s, 400, "{body}: {resp}");
        assert_eq!(resp["code"], 300);
        assert_eq!(resp["message"], "Validation Failed.");
        let got: HashSet<&str> = resp["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(got, fields.into_iter().collect::<HashSet<_>>(), "{body}");
        assert_schema("/users", "post", "default", &resp);
    }
    // Nothing was half-created.
    assert_eq!(app.client.users().summary().await.unwrap().total_users_count, 2);
    assert!(!app.client.users().email_exists("x@example.com").await.unwrap());
}

#[tokio::test]
async fn get_by_id_email_and_me_and_not_found() {
    let app = spawn_app().await;
    let id = app.create_user("Jane@Example.com", "custCreate", 2).await;
    let by_id = get_user(&app, &id).await;
    let by_email = get_user(&app, "jane@example.com").await;
    assert_eq!(by_id, by_email);
    assert_eq!(by_id["email"], "Jane@Example.com");
    assert_eq!(by_id["account_id"], app.creds.account_id.as_str());
    assert_eq!(
        by_id["personal_meeting_url"],
        format!("{}/j/{}", app.origin, by_id["pmi"])
    );
    let me = get_user(&app, "me").await;
    assert_eq!(me["id"], app.creds.owner_id.as_str());
    let (s, body) = app.call(Method::GET, "/v2/users/nosuchuser", None).await;
    assert_eq!(s, 404);
    assert_eq!(
        body,
        json!({"code": 1001, "message": "User does not exist: nosuchuser."})
    );
    let (s, body) = app
        .call(Method::GET, &format!("/v2/users/{id}?login_type=5"), None)
        .await;
    assert_eq!((s, body["errors"][0]["field"].clone()), (400, json!("login_type")));
}

#[tokio::test]
async fn another_accounts_users_are_invisible() {
    let app = spawn_app().await;
    let (acct, other_token) = app.other_account().await;
    let foreign = app.create_user("mine@example.com", "custCreate", 1).await;
    for path in [format!("/v2/users/{foreign}"), "/v2/users/mine@example.com".into()] {
        for (method, body) in [
            (Method::GET, None),
            (Method::PATCH, Some(json!({"first_name": "Hacked"}))),
            (Method::PUT, Some(json!({"action": "deactivate"}))),
            (Method::DELETE, None),
        ] {
            let p = if method == Method::PUT {
                format!("{path}/status")
            } else {
                path.clone()
            };
            let mut r = app.http.request(method.clone(), app.url(&p)).bearer_auth(&other_token);
            if let Some(b) = body {
                r = r.json(&b);
            }
            let (s, resp) = read(r.send().await.unwrap()).await;
            assert_eq!(s, 404, "{method} {p}: {resp}");
            assert_eq!(resp["code"], 1001);
        }
    }
    let stored = get_user(&app, &foreign).await;
    assert_eq!(stored["first_name"], "Test");
    assert_eq!(stored["status"], "active");
    // The other account lists only its own owner.
    let (_, page) = read(
        app.http
            .get(app.url("/v2/users"))
            .bearer_auth(&other_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["total_records"], 1);
    assert_eq!(page["users"][0]["id"], acct["owner_id"]);
    let (_, check) = read(
        app.http
            .get(app.url("/v2/users/email?email=mine@example.com"))
            .bearer_auth(&other_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(check, json!({"existed_email": false}));
}

#[tokio::test]
async fn page_tokens_walk_every_user_once_while_users_come_and_go() {
    let app = spawn_app().await;
    let mut ids = vec![app.creds.owner_id.clone()];
    for i in 0..9 {
        ids.push(app.create_user(&format!("u{i}@example.com"), "custCreate", 1).await);
    }
    let (s, first) = app.call(Method::GET, "/v2/users?page_size=4", None).await;
    assert_eq!(s, 200);
    assert_schema("/users", "get", "200", &first);
    assert_eq!(first["total_records"], 10);
    assert_eq!(first["page_count"], 3);
    assert_eq!(first["page_number"], 1);
    assert_eq!(first["page_size"], 4);
    let mut seen: Vec<String> = first["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    // Between pages: delete a user already seen and one not yet seen, and add a new one.
    app.client
        .users()
        .delete(&ids[1], &DeleteUser::default())
        .await
        .unwrap();
    app.client
        .users()
        .delete(&ids[6], &DeleteUser::default())
        .await
        .unwrap();
    ids.push(app.create_user("late@example.com", "custCreate", 1).await);
    let mut token = first["next_page_token"].as_str().unwrap().to_string();
    let mut pages = 1;
    while !token.is_empty() {
        // Only the token: it carries the query.
        let (s, page) = app
            .call(Method::GET, &format!("/v2/users?next_page_token={token}"), None)
            .await;
        assert_eq!(s, 200, "{page}");
        assert_schema("/users", "get", "200", &page);
        pages += 1;
        assert_eq!(page["page_size"], 4);
        assert_eq!(page["page_number"], pages);
        seen.extend(
            page["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_string()),
        );
        token = page["next_page_token"].as_str().unwrap().to_string();
    }
    let expected: Vec<String> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 6)
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(seen, expected, "no user skipped or repeated");
    // The client's stream of pages agrees.
    let all = app
        .client
        .users()
        .list_all(&ListUsers {
            page_size: Some(3),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 9);
}

#[tokio::test]
async fn page_size_page_number_and_token_errors() {
    let app = spawn_app().await;
    for i in 0..3 {
        app.create_user(&format!("p{i}@example.com"), "custCreate", 1).await;
    }
    let (s, page) = app.call(Method::GET, "/v2/users?page_size=5000", None).await;
    assert_eq!(s, 200);
    assert_eq!(page["page_size"], 300);
    assert_eq!(page["users"].as_array().unwrap().len(), 4);
    assert_eq!(page["next_page_token"], "");
    for bad in [
        "page_size=0",
        "page_size=-3",
        "page_size=abc",
        "page_size=1.5",
        "page_number=0",
        "page_number=x",
        "status=gone",
        "include_fields=everything",
    ] {
        let (s, body) = app.call(Method::GET, &format!("/v2/users?{bad}"), None).await;
        assert_eq!(s, 400, "{bad}");
        assert_eq!(body["code"], 300, "{bad}");
    }
    let (_, p2) = app.call(Method::GET, "/v2/users?page_size=2&page_number=2", None).await;
    assert_eq!(p2["page_number"], 2);
    assert_eq!(p2["users"].as_array().unwrap().len(), 2);
    assert_eq!(p2["users"][1]["email"], "p2@example.com");
    let (_, p1) = app.call(Method::GET, "/v2/users?page_size=1", None).await;
    let token = p1["next_page_token"].as_str().unwrap().to_string();
    assert!(!token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    let invalid = json!({"code": 300, "message": "The next page token is invalid or expired."});
    let (s, body) = app.call(Method::GET, "/v2/users?next_page_token=garbage", None).await;
    assert_eq!((s, body), (400, invalid.clone()));
    // Another account cannot redeem this account's token.
    let (_, other_token) = app.other_account().await;
    let resp = app
        .http
        .get(app.url(&format!("/v2/users?next_page_token={token}")))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(read(resp).await, (400, invalid.clone()));
    // An empty token is no token: the first page.
    let (s, body) = app
        .call(Method::GET, "/v2/users?next_page_token=&page_size=1", None)
        .await;
    assert_eq!(
        (s, body["page_number"].clone(), body["users"][0]["id"].clone()),
        (200, json!(1), json!(app.creds.owner_id))
    );
    // Valid for 15 minutes by the clock.
    app.advance_clock(14 * 60).await;
    let (s, _) = app
        .call(Method::GET, &format!("/v2/users?next_page_token={token}"), None)
        .await;
    assert_eq!(s, 200);
    app.advance_clock(61).await;
    let (s, body) = app
        .call(Method::GET, &format!("/v2/users?next_page_token={token}"), None)
        .await;
    assert_eq!(
        (s, body),
        (
            400,
            json!({"code": 300, "message": "The next page token is invalid or expired."})
        )
    );
}

#[tokio::test]
async fn list_filters_and_include_fields() {
    let app = spawn_app().await;
    let id = app.create_user("hk@example.com", "custCreate", 1).await;
    app.client
        .users()
        .update(
            &id,
            &UpdateUserRequest {
                host_key: Some("123456".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (_, plain) = app.call(Method::GET, "/v2/users", None).await;
    assert!(plain["users"][1].get("host_key").is_none());
    assert!(plain["users"][1].get("custom_attributes").is_none());
    let (_, with) = app
        .call(Method::GET, "/v2/users?include_fields=host_key,custom_attributes", None)
        .await;
    assert_schema("/users", "get", "200", &with);
    assert_eq!(with["users"][1]["host_key"], "123456");
    assert_eq!(with["users"][1]["custom_attributes"], json!([]));
    let (_, owners) = app.call(Method::GET, "/v2/users?role_id=0", None).await;
    assert_eq!(owners["total_records"], 1);
    assert_eq!(owners["users"][0]["id"], app.creds.owner_id.as_str());
    let (_, members) = app.call(Method::GET, "/v2/users?role_id=2", None).await;
    assert_eq!(members["users"][0]["id"], id.as_str());
}

#[tokio::test]
async fn patch_applies_every_field_and_reads_back() {
    let app = spawn_app().await;
    let id = app.create_user("patch@example.com", "ssoCreate", 1).await;
    let body = json!({
        "first_name": "Jill", "last_name": "Chill", "display_name": "JC", "type": 99, "pmi": 3542471135i64, "use_pmi": true,
        "timezone": "Asia/Shanghai", "language": "fr-FR", "dept": "Dev", "vanity_name": "jill.chill", "host_key": "7654321",
        "cms_user_id": "k-1", "job_title": "Engineer", "company": "Acme", "location": "Paris", "manager": "boss@example.com",
        "cost_center": "CC1", "pronouns": "she/her", "pronouns_option": 2,
        "phone_numbers": [{"country": "US", "code": "+1", "number": "8000000000", "label": "Mobile"}],
        "custom_attributes": [{"key": "cbf", "name": "Badge", "value": "42"}],
        "about_me": "Hello", "linkedin_url": "https://www.linkedin.com/in/jill", "zoom_one_type": 16, "plan_united_type": "1",
        "feature": {"zoom_phone": true}, "unknown_field": "ignored", "phone_country": null
    });
    let (s, resp) = app.call(Method::PATCH, &format!("/v2/users/{id}"), Some(body)).await;
    assert_eq!((s, resp), (204, Value::Null));
    let u = get_user(&app, &id).await;
    for (k, v) in [
        ("first_name", json!("Jill")),
        ("last_name", json!("Chill")),
        ("display_name", json!("JC")),
        ("type", json!(99)),
        ("pmi", json!(3542471135i64)),
        ("use_pmi", json!(true)),
        ("timezone", json!("Asia/Shanghai")),
        ("language", json!("fr-FR")),
        ("dept", json!("Dev")),
        ("cms_user_id", json!("k-1")),
        ("job_title", json!("Engineer")),
        ("company", json!("Acme")),
        ("location", json!("Paris")),
        ("manager", json!("boss@example.com")),
        ("cost_center", json!("CC1")),
        ("pronouns", json!("she/her")),
        ("pronouns_option", json!(2)),
        ("zoom_one_type", json!(16)),
        ("plan_united_type", json!("1")),
        (
            "custom_attributes",
            json!([{"key": "cbf", "name": "Badge", "value": "42"}]),
        ),
        (
            "phone_numbers",
            json!([{"country": "US", "code": "+1", "number": "8000000000", "label": "Mobile", "verified": false}]),
        ),
        ("vanity_url", json!(format!("{}/my/jill.chill", app.origin))),
        ("personal_meeting_url", json!(format!("{}/my/jill.chill", app.origin))),
    ] {
        assert_eq!(u[k], v, "{k}");
    }
    // An empty patch changes nothing; the user is as before.
    let (s, _) = app
        .call(Method::PATCH, &format!("/v2/users/{id}"), Some(json!({})))
        .await;
    assert_eq!(s, 204);
    assert_eq!(get_user(&app, &id).await, u);
}

#[tokio::test]
async fn patch_rejects_bad_fields_whole() {
    let app = spawn_app().await;
    let id = app.create_user("strict@example.com", "custCreate", 1).await;
    let before = get_user(&app, &id).await;
    let body = json!({
        "first_name": "Applied?", "pmi": 123, "use_pmi": "sometimes", "type": 99, "host_key": "12ab", "timezone": "Mars/Olympus Mons",
        "language": "xx", "vanity_name": "a b", "job_title": "x".repeat(129), "company": "y".repeat(256), "location": "z".repeat(257),
        "manager": "not an email", "pronouns_option": 7, "phone_numbers": [{"label": "Pager", "number": "1"}],
        "custom_attributes": [{}, {}, {}, {}, {}, {}], "linkedin_url": "https://example.com/me", "about_me": "<b>hi</b>",
        "group_id": "g1", "zoom_one_type": 3, "plan_united_type": "9", "last_name": 5, "display_name": {"a": 1}
    });
    let (s, resp) = app.call(Method::PATCH, &format!("/v2/users/{id}"), Some(body)).await;
    assert_eq!(s, 400, "{resp}");
    assert_schema("/users/{userId}", "patch", "default", &resp);
    assert_eq!(resp["code"], 300);
    assert_eq!(resp["message"], "Validation Failed.");
    let fields: HashSet<&str> = resp["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    let want: HashSet<&str> = [
        "pmi",
        "use_pmi",
        "type",
        "host_key",
        "timezone",
        "language",
        "vanity_name",
        "job_title",
        "company",
        "location",
        "manager",
        "pronouns_option",
        "phone_numbers[0].label",
        "custom_attributes",
        "linkedin_url",
        "about_me",
        "group_id",
        "zoom_one_type",
        "plan_united_type",
        "display_name",
    ]
    .into_iter()
    .collect();
    assert_eq!(fields, want);
    // Numbers are accepted as strings (Zoom binds leniently), so last_name 5 was fine but nothing applied.
    assert_eq!(get_user(&app, &id).await, before);
}

#[tokio::test]
async fn patch_uniqueness_of_pmi_and_vanity_name() {
    let app = spawn_app().await;
    let a = app.create_user("a@example.com", "custCreate", 1).await;
    let b = app.create_user("b@example.com", "custCreate", 1).await;
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{a}"),
            Some(json!({"vanity_name": "taken.name", "pmi": 5555555555i64})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, resp) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{b}"),
            Some(json!({"vanity_name": "Taken.Name"})),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(resp["errors"][0]["field"], "vanity_name");
    let (s, resp) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{b}"),
            Some(json!({"pmi": 5555555555i64, "first_name": "NotApplied"})),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(resp["errors"][0]["field"], "pmi");
    assert_eq!(get_user(&app, &b).await["first_name"], "Test");
    // A missing body is Zoom's 300.
    let (s, resp) = app.call(Method::PATCH, &format!("/v2/users/{b}"), None).await;
    assert_eq!(
        (s, resp),
        (
            400,
            json!({"code": 300, "message": "Request Body should be a valid JSON object."})
        )
    );
}

#[tokio::test]
async fn status_deactivate_activate_and_refusals() {
    let app = spawn_app().await;
    let id = app.create_user("s@example.com", "custCreate", 2).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{id}/status"),
            Some(json!({"action": "deactivate"})),
        )
        .await;
    assert_eq!((s, b), (204, Value::Null));
    assert_eq!(get_user(&app, &id).await["status"], "inactive");
    let inactive = app
        .client
        .users()
        .list(&ListUsers {
            status: Some(zoom_types::enums::UserStatus::Inactive),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        inactive.users.iter().map(|u| u.id.clone().unwrap()).collect::<Vec<_>>(),
        vec![id.clone()]
    );
    let active = app.client.users().list(&ListUsers::default()).await.unwrap();
    assert_eq!(active.total_records, 1);
    app.client
        .users()
        .set_status(&id, zoom_types::enums::StatusAction::Activate)
        .await
        .unwrap();
    assert_eq!(get_user(&app, &id).await["status"], "active");
    // Owners cannot be deactivated.
    let (s, b) = app
        .call(
            Method::PUT,
            "/v2/users/me/status",
            Some(json!({"action": "deactivate"})),
        )
        .await;
    assert_eq!(
        (s, b),
        (
            400,
            json!({"code": 200, "message": "Zoom Room and Admin users' status can not be activated or deactivated."})
        )
    );
    assert_eq!(get_user(&app, "me").await["status"], "active");
    for body in [json!({"action": "suspend"}), json!({}), json!({"action": 3})] {
        let (s, b) = app
            .call(Method::PUT, &format!("/v2/users/{id}/status"), Some(body.clone()))
            .await;
        assert_eq!(s, 400, "{body}");
        assert_eq!(b["code"], 300);
        assert_eq!(b["errors"][0]["field"], "action");
    }
    let (s, b) = app
        .call(
            Method::PUT,
            "/v2/users/ghost@example.com/status",
            Some(json!({"action": "deactivate"})),
        )
        .await;
    assert_eq!((s, b["code"].clone()), (404, json!(1001)));
}

#[tokio::test]
async fn delete_disassociate_and_delete_with_rules() {
    let app = spawn_app().await;
    let a = app.create_user("del-a@example.com", "custCreate", 1).await;
    let b = app.create_user("del-b@example.com", "custCreate", 1).await;
    let pending = app.create_user("pending@example.com", "create", 1).await;
    let (s, resp) = app
        .call(Method::DELETE, &format!("/v2/users/{a}?action=remove"), None)
        .await;
    assert_eq!((s, resp["code"].clone()), (400, json!(300)));
    let (s, resp) = app
        .call(
            Method::DELETE,
            &format!("/v2/users/{a}?transfer_email=del-a@example.com&transfer_meeting=true"),
            None,
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        resp["message"],
        "The transfer-to email address cannot be the same as the unlinked or deleted user's email address."
    );
    let (s, resp) = app
        .call(
            Method::DELETE,
            &format!("/v2/users/{a}?transfer_email=nobody@example.com"),
            None,
        )
        .await;
    assert_eq!(
        (s, resp),
        (
            404,
            json!({"code": 1001, "message": "User does not exist: nobody@example.com."})
        )
    );
    let (s, resp) = app
        .call(Method::DELETE, &format!("/v2/users/{pending}?action=delete"), None)
        .await;
    assert_eq!((s, resp["code"].clone()), (400, json!(300)));
    let (s, resp) = app.call(Method::DELETE, "/v2/users/me", None).await;
    assert_eq!((s, resp["code"].clone()), (400, json!(200)));
    // Nothing so far removed anyone.
    assert_eq!(app.client.users().summary().await.unwrap().total_users_count, 3);
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/v2/users/{a}?transfer_email=del-b@example.com&transfer_meeting=true"),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = app
        .call(Method::DELETE, &format!("/v2/users/{b}?action=delete"), None)
        .await;
    assert_eq!(s, 204);
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/v2/users/{pending}?action=disassociate"),
            None,
        )
        .await;
    assert_eq!(s, 204);
    for id in [&a, &b, &pending] {
        let (s, resp) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
        assert_eq!((s, resp["code"].clone()), (404, json!(1001)));
    }
    let (s, _) = app.call(Method::DELETE, &format!("/v2/users/{a}"), None).await;
    assert_eq!(s, 404);
    // The email is free again.
    app.create_user("del-a@example.com", "custCreate", 1).await;
}

#[tokio::test]
async fn email_check_and_summary() {
    let app = spawn_app().await;
    app.create_user("e1@example.com", "custCreate", 1).await;
    app.create_user("e2@example.com", "autoCreate", 2).await;
    app.create_user("sso@example.com", "ssoCreate", 1).await;
    app.create_user("p@example.com", "create", 4).await;
    let id4 = app.create_user("j@example.com", "custCreate", 4).await;
    app.client
        .users()
        .set_status(&id4, zoom_types::enums::StatusAction::Deactivate)
        .await
        .unwrap();
    for (email, want) in [
        ("e1@example.com", true),
        ("E2@EXAMPLE.COM", true),
        ("sso@example.com", false),
        ("nobody@example.com", false),
    ] {
        let (s, body) = app
            .call(Method::GET, &format!("/v2/users/email?email={email}"), None)
            .await;
        assert_eq!(s, 200);
        assert_schema("/users/email", "get", "200", &body);
        assert_eq!(body, json!({"existed_email": want}), "{email}");
    }
    let (s, body) = app.call(Method::GET, "/v2/users/email", None).await;
    assert_eq!((s, body["code"].clone()), (400, json!(300)));
    let (s, body) = app.call(Method::GET, "/v2/users/summary", None).await;
    assert_eq!(s, 200);
    assert_schema("/users/summary", "get", "200", &body);
    assert_eq!(
        body,
        json!({"licensed_users_count": 2, "basic_users_count": 2, "on_prem_users_count": 0, "room_users_count": 0,
               "pending_users_count": 1, "join_only_users_count": 1, "total_users_count": 5})
    );
}

#[tokio::test]
async fn concurrent_patches_of_one_user_lose_no_update() {
    let app = spawn_app().await;
    let id = app.create_user("race@example.com", "custCreate", 1).await;
    let fields = [
        "first_name",
        "last_name",
        "dept",
        "job_title",
        "company",
        "location",
        "cost_center",
        "pronouns",
    ];
    let mut tasks = Vec::new();
    for f in fields {
        let req = app
            .req(Method::PATCH, &format!("/v2/users/{id}"))
            .json(&json!({ f: format!("v-{f}") }));
        tasks.push(tokio::spawn(async move { req.send().await.unwrap().status().as_u16() }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 204);
    }
    let u = get_user(&app, &id).await;
    for f in fields {
        assert_eq!(u[f], format!("v-{f}"), "{f}");
    }
}

/// A random PMI that is already taken is redrawn inside the same transaction, on both backends
/// (PostgreSQL aborts a transaction on a failed INSERT unless it runs under a savepoint).
#[tokio::test]
async fn a_taken_pmi_is_redrawn_without_failing_the_transaction() {
    use localzoom_server::directory::model::{insert_with_fresh_pmi, new_row};
    use localzoom_server::directory::vocab::Role;
    use localzoom_server::store::Store;
    use zoom_types::enums::{CreateAction::CustCreate, UserStatus::Active};
    let (config, _dir, _db) = crate::common::fresh_config().await;
    let store = Store::open(&config).await.unwrap();
    use localzoom_server::store::StoreError;
    let (first, second) = localzoom_server::write_tx!(store, StoreError, |tx| {
        let first = insert_with_fresh_pmi(
            tx,
            new_row("acct", "one@example.com", 1, Role::Member, Active, CustCreate, 0),
        )
        .await?;
        let mut clash = new_row("acct", "two@example.com", 1, Role::Member, Active, CustCreate, 0);
        clash.pmi = first.pmi;
        let second = insert_with_fresh_pmi(tx, clash).await.unwrap();
        assert_ne!(second.pmi, first.pmi);
        // A taken email is still an error, and the transaction stays usable after it.
        let dup = insert_with_fresh_pmi(
            tx,
            new_row("acct", "ONE@example.com", 1, Role::Member, Active, CustCreate, 0),
        )
        .await;
        assert!(dup.unwrap_err().is_unique_on("email"));
        Ok((first, second))
    })
    .unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    for (email, pmi) in [("one@example.com", first.pmi), ("two@example.com", second.pmi)] {
        let u = localzoom_server::directory::users::find(
            &mut *conn,
            &store,
            Some("acct"),
            localzoom_server::directory::users::Lookup::Email(email),
            false,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(u.pmi, pmi);
    }
}
