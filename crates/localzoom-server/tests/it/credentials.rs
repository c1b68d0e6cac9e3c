//! Passwords and the tokens issued for users.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_schema, parse_time, read, spawn_app, TestApp};

async fn inspect(app: &TestApp, token: &str) -> (u16, Value) {
    read(
        app.http
            .get(app.url(&format!("/_localzoom/tokens/{token}")))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn passwords_follow_zooms_policy_and_are_stored_hashed() {
    let app = spawn_app().await;
    let id = app.create_user("pw@example.com", "custCreate", 1).await;
    let path = format!("/v2/users/{id}/password");
    for (password, code, message) in [
        ("a1b2c3", 1124, "Have at least 8 characters"),
        ("zzzzzzzzzz", 1130, "Password can't use the same character."),
        (
            "q123456789",
            1131,
            "Password can't use continuation character.Such as 'abcdef','123456'.",
        ),
        ("onlyletters", 1126, "Have at least 1 number (1, 2, 3...)"),
        ("2468013579", 1125, "Have at least 1 letter (a, b, c...)"),
        (
            "Password123",
            1136,
            "Your password is too easy to guess. Try another one.",
        ),
    ] {
        let (s, err) = app
            .call(Method::PUT, &path, Some(json!({ "password": password })))
            .await;
        assert_eq!(
            (s, err.clone()),
            (400, json!({"code": code, "message": message})),
            "{password}"
        );
    }
    let (s, err) = app
        .call(Method::PUT, &path, Some(json!({"password": "a1".repeat(16)})))
        .await;
    assert_eq!((s, err["errors"][0]["field"].clone()), (400, json!("password")));
    let (s, err) = app.call(Method::PUT, &path, Some(json!({}))).await;
    assert_eq!((s, err["code"].clone()), (400, json!(300)));
    let (s, body) = app
        .call(Method::PUT, &path, Some(json!({"password": "Tr0ub4dor&3"})))
        .await;
    assert_eq!(s, 204, "{body}");
    // The same password again is refused: the stored hash verifies it.
    let (s, err) = app
        .call(Method::PUT, &path, Some(json!({"password": "Tr0ub4dor&3"})))
        .await;
    assert_eq!(
        (s, err),
        (
            400,
            json!({"code": 300, "message": "Your new password can not match the old password."})
        )
    );
    let (s, _) = app
        .call(Method::PUT, &path, Some(json!({"password": "C0rrect-Horse"})))
        .await;
    assert_eq!(s, 204);
    // Form bodies work as JSON does.
    let resp = app
        .req(Method::PUT, &path)
        .form(&[("password", "Battery9Staple")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
}

#[tokio::test]
async fn admins_passwords_and_sso_users_are_refused() {
    let app = spawn_app().await;
    let admin = app.create_user("adm@example.com", "custCreate", 2).await;
    app.set_role(&admin, "1").await;
    let (s, err) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{admin}/password"),
            Some(json!({"password": "Tr0ub4dor&3"})),
        )
        .await;
    assert_eq!(
        (s, err),
        (400, json!({"code": 1117, "message": "Can not update Admin's password"}))
    );
    let sso = app.create_user("sso@example.com", "ssoCreate", 1).await;
    let (s, err) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{sso}/password"),
            Some(json!({"password": "Tr0ub4dor&3"})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(1123)));
    let pending = app.create_user("pend@example.com", "create", 1).await;
    let (s, err) = app
        .call(
            Method::PUT,
            &format!("/v2/users/{pending}/password"),
            Some(json!({"password": "Tr0ub4dor&3"})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(1120)));
    let (s, err) = app
        .call(
            Method::PUT,
            "/v2/users/nobody@example.com/password",
            Some(json!({"password": "Tr0ub4dor&3"})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (404, json!(1001)));
}

#[tokio::test]
async fn user_tokens_expire_and_are_revoked() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let api_user = app.create_user("api@example.com", "custCreate", 2).await;
    let auto = app.create_user("auto@example.com", "autoCreate", 2).await;
    let (s, zak) = app
        .call(Method::GET, &format!("/v2/users/{api_user}/token?type=zak"), None)
        .await;
    assert_eq!(s, 200, "{zak}");
    assert_schema("/users/{userId}/token", "get", "200", &zak);
    let zak = zak["token"].as_str().unwrap().to_string();
    let (s, view) = inspect(&app, &zak).await;
    assert_eq!(s, 200);
    assert_eq!(
        (view["kind"].clone(), view["valid"].clone(), view["user_id"].clone()),
        (json!("zak"), json!(true), json!(api_user))
    );
    // API users' tokens live 90 days by default, others two hours; ttl overrides.
    let issued = parse_time(view["issued_at"].as_str().unwrap());
    assert_eq!(
        parse_time(view["expires_at"].as_str().unwrap()) - issued,
        90 * 24 * 3600
    );
    let (_, t) = app.call(Method::GET, &format!("/v2/users/{auto}/token"), None).await;
    let (_, view) = inspect(&app, t["token"].as_str().unwrap()).await;
    assert_eq!(view["kind"], "token");
    assert_eq!(parse_time(view["expires_at"].as_str().unwrap()) - issued, 7200);
    let (_, short) = app
        .call(
            Method::GET,
            &format!("/v2/users/{auto}/token?type=onbehalf&ttl=60"),
            None,
        )
        .await;
    let short = short["token"].as_str().unwrap().to_string();
    app.advance_clock(60).await;
    let (_, view) = inspect(&app, &short).await;
    assert_eq!(
        (view["valid"].clone(), view["state"].clone()),
        (json!(false), json!("expired"))
    );
    // A user token is no API access token.
    let resp = app
        .http
        .get(app.url("/v2/users/me"))
        .bearer_auth(&zak)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    // Revoking the user's tokens revokes what was issued for that user only.
    let (s, _) = app
        .call(Method::DELETE, &format!("/v2/users/{api_user}/token"), None)
        .await;
    assert_eq!(s, 204);
    let (_, view) = inspect(&app, &zak).await;
    assert_eq!(
        (view["valid"].clone(), view["state"].clone()),
        (json!(false), json!("revoked"))
    );
    assert!(view["revoked_at"].is_string());
    let (_, view) = inspect(&app, t["token"].as_str().unwrap()).await;
    assert_eq!(view["valid"], true);
    // Errors.
    for query in ["type=jwt", "ttl=0", "ttl=31536001", "ttl=soon"] {
        let (s, err) = app
            .call(Method::GET, &format!("/v2/users/{auto}/token?{query}"), None)
            .await;
        assert_eq!((s, err["code"].clone()), (400, json!(300)), "{query}: {err}");
    }
    let (s, _) = app
        .call(Method::GET, &format!("/v2/users/{auto}/token?ttl=31536000"), None)
        .await;
    assert_eq!(s, 200);
    let (s, err) = app.call(Method::GET, "/v2/users/ghost@example.com/token", None).await;
    assert_eq!((s, err["code"].clone()), (404, json!(1001)));
    let (s, err) = inspect(&app, "no-such-token").await;
    assert_eq!((s, err["code"].clone()), (404, json!(404)));
    // A deleted user's tokens are no longer valid.
    app.call(Method::DELETE, &format!("/v2/users/{auto}?action=delete"), None)
        .await;
    let (_, view) = inspect(&app, t["token"].as_str().unwrap()).await;
    assert_eq!(view["state"], "user_deleted");
}

#[tokio::test]
async fn me_zak_lives_five_minutes() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let (s, zak) = app.call(Method::GET, "/v2/users/me/zak", None).await;
    assert_eq!(s, 200, "{zak}");
    assert_schema("/users/me/zak", "get", "200", &zak);
    let token = zak["token"].as_str().unwrap();
    let (_, view) = inspect(&app, token).await;
    assert_eq!(
        (view["kind"].clone(), view["user_id"].clone()),
        (json!("zak"), json!(app.creds.owner_id))
    );
    app.advance_clock(299).await;
    assert_eq!(inspect(&app, token).await.1["valid"], true);
    app.advance_clock(1).await;
    assert_eq!(inspect(&app, token).await.1["valid"], false);
    // The operation's own scope: a token without it gets 4711.
    let limited = app.token_with_scopes(&["user:read:admin"]).await;
    let resp = app
        .http
        .get(app.url("/v2/users/me/zak"))
        .bearer_auth(&limited)
        .send()
        .await
        .unwrap();
    let (s, err) = read(resp).await;
    assert_eq!((s, err["code"].clone()), (400, json!(4711)));
}
