//! Email changes, personal meeting room names, permissions and bulk features.

use reqwest::Method;
use serde_json::json;

use crate::common::{assert_schema, spawn_app};

#[tokio::test]
async fn email_changes_are_unique_limited_to_three_a_day_and_refused_for_pending_users() {
    let app = spawn_app().await;
    app.freeze_at("2026-02-02T08:00:00Z").await;
    let id = app.create_user("first@example.com", "custCreate", 1).await;
    app.create_user("taken@example.com", "custCreate", 1).await;
    let path = format!("/v2/users/{id}/email");
    let (s, err) = app
        .call(Method::PUT, &path, Some(json!({"email": "TAKEN@example.com"})))
        .await;
    assert_eq!(
        (s, err),
        (
            409,
            json!({"code": 1005, "message": "Email TAKEN@example.com has already been used."})
        )
    );
    for (bad, field) in [
        (json!({"email": "not-an-email"}), "email"),
        (json!({}), "email"),
        (json!({"email": 7}), "email"),
    ] {
        let (s, err) = app.call(Method::PUT, &path, Some(bad)).await;
        assert_eq!((s, err["errors"][0]["field"].clone()), (400, json!(field)));
    }
    for (i, email) in ["second@example.com", "third@example.com", "fourth@example.com"]
        .iter()
        .enumerate()
    {
        app.advance_clock(3600).await;
        let (s, body) = app.call(Method::PUT, &path, Some(json!({ "email": email }))).await;
        assert_eq!(s, 204, "change {i}: {body}");
        let (_, user) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
        assert_eq!(user["email"], *email);
    }
    let (s, err) = app
        .call(Method::PUT, &path, Some(json!({"email": "fifth@example.com"})))
        .await;
    assert_eq!(
        (s, err),
        (
            429,
            json!({"code": 429, "message": "A user's email address can be changed up to 3 times in any 24 hour period."})
        )
    );
    // The old address is free again and the new one finds the user; 24 hours after the first change
    // a fourth is allowed.
    let (s, err) = app.call(Method::GET, "/v2/users/first@example.com", None).await;
    assert_eq!((s, err["code"].clone()), (404, json!(1001)));
    let (_, check) = app
        .call(Method::GET, "/v2/users/email?email=fourth@example.com", None)
        .await;
    assert_eq!(check, json!({"existed_email": true}));
    app.advance_clock(22 * 3600 - 1).await;
    let (s, err) = app
        .call(Method::PUT, &path, Some(json!({"email": "fifth@example.com"})))
        .await;
    assert_eq!(
        (s, err["code"].clone()),
        (429, json!(429)),
        "a second short of 24 hours"
    );
    app.advance_clock(1).await;
    let (s, _) = app
        .call(Method::PUT, &path, Some(json!({"email": "fifth@example.com"})))
        .await;
    assert_eq!(s, 204);
    // Pending users and the owner cannot change.
    let pending = app.create_user("later@example.com", "create", 1).await;
    let (s, err) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{pending}/email"),
            Some(json!({"email": "x@example.com"})),
        )
        .await;
    assert_eq!(
        (s, err),
        (
            400,
            json!({"code": 1000, "message": "Pending user can not change email."})
        )
    );
    let (s, err) = app
        .call(
            Method::PUT,
            "/v2/users/me/email",
            Some(json!({"email": "x@example.com"})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(1000)));
}

#[tokio::test]
async fn vanity_names_are_checked_as_patch_sets_them() {
    let app = spawn_app().await;
    let id = app.create_user("room@example.com", "custCreate", 2).await;
    let (s, check) = app
        .call(Method::GET, "/v2/users/vanity_name?vanity_name=jills.room", None)
        .await;
    assert_eq!((s, check.clone()), (200, json!({"existed": false})));
    assert_schema("/users/vanity_name", "get", "200", &check);
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{id}"),
            Some(json!({"vanity_name": "jills.room"})),
        )
        .await;
    assert_eq!(s, 204);
    // Names compare without case, across accounts.
    let (_, check) = app
        .call(Method::GET, "/v2/users/vanity_name?vanity_name=Jills.Room", None)
        .await;
    assert_eq!(check, json!({"existed": true}));
    let (_, token) = app.other_account().await;
    let resp = app
        .http
        .get(app.url("/v2/users/vanity_name?vanity_name=jills.room"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<serde_json::Value>().await.unwrap(),
        json!({"existed": true})
    );
    let (s, err) = app.call(Method::GET, "/v2/users/vanity_name", None).await;
    assert_eq!(
        (s, err),
        (400, json!({"code": 300, "message": "Vanity name is required."}))
    );
}

#[tokio::test]
async fn permissions_follow_the_role() {
    let app = spawn_app().await;
    let (s, owner) = app.call(Method::GET, "/v2/users/me/permissions", None).await;
    assert_eq!(s, 200);
    assert_schema("/users/{userId}/permissions", "get", "200", &owner);
    let owner: Vec<String> = serde_json::from_value(owner["permissions"].clone()).unwrap();
    assert!(owner.contains(&"Role:Edit".to_string()) && owner.contains(&"User:Edit".to_string()));
    let member = app.create_user("mem@example.com", "custCreate", 1).await;
    let (_, perms) = app
        .call(Method::GET, &format!("/v2/users/{member}/permissions"), None)
        .await;
    assert_eq!(perms, json!({"permissions": []}));
    app.set_role(&member, "1").await;
    let (_, admin) = app
        .call(Method::GET, &format!("/v2/users/{member}/permissions"), None)
        .await;
    let admin: Vec<String> = serde_json::from_value(admin["permissions"].clone()).unwrap();
    assert!(admin.contains(&"User:Edit".to_string()) && !admin.contains(&"Role:Edit".to_string()));
    assert!(admin.iter().all(|p| owner.contains(p)));
    let (s, err) = app
        .call(Method::GET, "/v2/users/ghost@example.com/permissions", None)
        .await;
    assert_eq!((s, err["code"].clone()), (404, json!(1001)));
}

#[tokio::test]
async fn bulk_features_report_successes_and_failures_per_user() {
    let app = spawn_app().await;
    let a = app.create_user("fa@example.com", "custCreate", 1).await;
    let b = app.create_user("fb@example.com", "custCreate", 1).await;
    let body = json!({"feature_type": "user_type", "feature_value": "2", "users": [
        {"id": a}, {"email": "fb@example.com"}, {"email": "ghost@example.com"}, {"id": "nope"}
    ]});
    let (s, result) = app.call(Method::POST, "/v2/users/features", Some(body)).await;
    assert_eq!(s, 201, "{result}");
    assert_schema("/users/features", "post", "201", &result);
    assert_eq!(
        result,
        json!({"success_user_ids": [a, b], "fail_details": [
            {"user_ids": ["ghost@example.com"], "reason": "User does not exist: ghost@example.com."},
            {"user_ids": ["nope"], "reason": "User does not exist: nope."}
        ]})
    );
    for id in [&a, &b] {
        let (_, user) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
        assert_eq!(user["type"], 2);
    }
    // Type 99 only for ssoCreate users.
    let sso = app.create_user("fsso@example.com", "ssoCreate", 1).await;
    let body = json!({"feature_type": "user_type", "feature_value": "99", "users": [{"id": a}, {"id": sso}]});
    let (_, result) = app.call(Method::POST, "/v2/users/features", Some(body)).await;
    assert_eq!(result["success_user_ids"], json!([sso]));
    assert_eq!(result["fail_details"][0]["user_ids"], json!([a]));
    let body = json!({"feature_type": "plan_united_type", "feature_value": "32", "users": [{"id": b}]});
    let (s, _) = app.call(Method::POST, "/v2/users/features", Some(body)).await;
    assert_eq!(s, 201);
    let (_, user) = app.call(Method::GET, &format!("/v2/users/{b}"), None).await;
    assert_eq!(user["plan_united_type"], "32");
    // Bad input is refused whole.
    let thirty_one: Vec<_> = (0..31).map(|i| json!({"email": format!("u{i}@example.com")})).collect();
    for (body, field) in [
        (
            json!({"feature_type": "teleport", "feature_value": "1", "users": [{"id": a}]}),
            "feature_type",
        ),
        (
            json!({"feature_type": "large_meeting", "feature_value": "33", "users": [{"id": a}]}),
            "feature_value",
        ),
        (
            json!({"feature_type": "large_meeting", "feature_value": "32", "users": thirty_one}),
            "users",
        ),
        (
            json!({"feature_type": "large_meeting", "feature_value": "32", "users": []}),
            "users",
        ),
        (json!({"feature_type": "large_meeting", "feature_value": "32"}), "users"),
    ] {
        let (s, err) = app.call(Method::POST, "/v2/users/features", Some(body.clone())).await;
        assert_eq!((s, err["code"].clone()), (400, json!(300)), "{body}");
        assert_eq!(err["errors"][0]["field"], field, "{err}");
        assert_schema("/users/features", "post", "default", &err);
    }
    let (_, user) = app.call(Method::GET, &format!("/v2/users/{a}"), None).await;
    assert_eq!(user["type"], 2, "nothing changed");
}
