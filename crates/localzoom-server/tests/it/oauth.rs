//! OAuth: the account_credentials grant, revocation, token expiry and scope checks.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{read, spawn_app, spawn_with, token_for};

#[tokio::test]
async fn token_from_query_string_has_zooms_shape() {
    let app = spawn_app().await;
    let c = &app.creds;
    let resp = app
        .http
        .post(app.url(&format!(
            "/oauth/token?grant_type=account_credentials&account_id={}",
            c.account_id
        )))
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .send()
        .await
        .unwrap();
    let (status, body) = read(resp).await;
    assert_eq!(status, 200);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["api_url"], app.origin.as_str());
    let scope = body["scope"].as_str().unwrap();
    assert!(scope.split(' ').any(|s| s == "user:read:list_users:admin"));
    assert!(scope.split(' ').any(|s| s == "user:write:admin"));
    assert!(
        scope.split(' ').all(|s| s.ends_with(":admin") || s == "user:master"),
        "{scope}"
    );
    assert!(scope.split(' ').any(|s| s == "user:master"));
    // The token works on /v2.
    let (s, _) = read(
        app.http
            .get(app.url("/v2/users"))
            .bearer_auth(body["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn token_from_form_body_and_older_tokens_stay_valid() {
    let app = spawn_app().await;
    let c = &app.creds;
    let resp = app
        .http
        .post(app.url("/oauth/token"))
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", c.account_id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = read(resp).await;
    assert_eq!(status, 200, "{body}");
    let second = body["access_token"].as_str().unwrap();
    assert_ne!(second, app.token);
    for t in [app.token.as_str(), second] {
        let (s, _) = read(
            app.http
                .get(app.url("/v2/users/me"))
                .bearer_auth(t)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200);
    }
}

#[tokio::test]
async fn token_endpoint_errors_use_oauth_shape() {
    let app = spawn_app().await;
    let c = &app.creds;
    type Case<'a> = (String, Option<(&'a str, &'a str)>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            format!(
                "/oauth/token?grant_type=account_credentials&account_id={}",
                c.account_id
            ),
            Some((&c.client_id, "wrong")),
            401,
            "invalid_client",
        ),
        (
            format!(
                "/oauth/token?grant_type=account_credentials&account_id={}",
                c.account_id
            ),
            Some(("nobody", "x")),
            401,
            "invalid_client",
        ),
        (
            format!(
                "/oauth/token?grant_type=account_credentials&account_id={}",
                c.account_id
            ),
            None,
            400,
            "invalid_client",
        ),
        (
            "/oauth/token?account_id=x".to_string(),
            Some((&c.client_id, &c.client_secret)),
            400,
            "invalid_request",
        ),
        (
            "/oauth/token?grant_type=password".to_string(),
            Some((&c.client_id, &c.client_secret)),
            400,
            "unsupported_grant_type",
        ),
        (
            "/oauth/token?grant_type=account_credentials&account_id=other".to_string(),
            Some((&c.client_id, &c.client_secret)),
            400,
            "invalid_request",
        ),
        (
            "/oauth/token?grant_type=account_credentials".to_string(),
            Some((&c.client_id, &c.client_secret)),
            400,
            "invalid_request",
        ),
    ];
    for (path, auth, want_status, want_error) in cases {
        let mut r = app.http.post(app.url(&path));
        if let Some((id, secret)) = auth {
            r = r.basic_auth(id, Some(secret));
        }
        let (status, body) = read(r.send().await.unwrap()).await;
        assert_eq!(status, want_status, "{path}: {body}");
        assert_eq!(body["error"], want_error, "{path}: {body}");
        assert!(body["reason"].as_str().is_some_and(|r| !r.is_empty()));
        assert_eq!(body.as_object().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn revoked_expired_malformed_and_missing_tokens_get_124() {
    let app = spawn_app().await;
    let c = &app.creds;
    let other = token_for(&app.http, &app.origin, &c.account_id, &c.client_id, &c.client_secret).await;
    let resp = app
        .http
        .post(app.url(&format!("/oauth/revoke?token={other}")))
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .send()
        .await
        .unwrap();
    let (s, body) = read(resp).await;
    assert_eq!((s, body), (200, json!({"status": "success"})));
    let expect = |body: Value, msg: &str| assert_eq!(body, json!({"code": 124, "message": msg}));
    let (s, body) = read(
        app.http
            .get(app.url("/v2/users"))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401);
    expect(body, "Invalid access token.");
    // The unrevoked token is unaffected.
    assert_eq!(app.call(Method::GET, "/v2/users", None).await.0, 200);
    let (s, body) = read(
        app.http
            .get(app.url("/v2/users"))
            .bearer_auth("garbage")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401);
    expect(body, "Invalid access token.");
    let (s, body) = read(app.http.get(app.url("/v2/users")).send().await.unwrap()).await;
    assert_eq!(s, 401);
    expect(body, "Invalid access token.");
    let (s, body) = read(
        app.http
            .get(app.url("/v2/users"))
            .header("Authorization", "Basic abc")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401);
    expect(body, "Invalid access token.");
    // Expiry follows the clock: valid at 3599 s, expired at 3600 s. Frozen before the token is
    // issued, so no second boundary passes between issue and check.
    app.freeze_clock().await;
    let fresh = token_for(&app.http, &app.origin, &c.account_id, &c.client_id, &c.client_secret).await;
    let get = |t: String| {
        let req = app.http.get(app.url("/v2/users")).bearer_auth(t);
        async move { read(req.send().await.unwrap()).await }
    };
    app.advance_clock(3599).await;
    assert_eq!(get(fresh.clone()).await.0, 200);
    app.advance_clock(1).await;
    let (s, body) = get(fresh).await;
    assert_eq!(s, 401);
    expect(body, "Access token is expired.");
}

#[tokio::test]
async fn revoking_another_clients_token_is_refused() {
    let app = spawn_app().await;
    let (acct, _) = app.other_account().await;
    let resp = app
        .http
        .post(app.url(&format!("/oauth/revoke?token={}", app.token)))
        .basic_auth(
            acct["client_id"].as_str().unwrap(),
            Some(acct["client_secret"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    let (s, body) = read(resp).await;
    assert_eq!(s, 400);
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(app.call(Method::GET, "/v2/users", None).await.0, 200);
}

#[tokio::test]
async fn missing_scopes_get_4711_naming_them() {
    let app = spawn_app().await;
    let meeting_only = app.token_with_scopes(&["meeting:read:admin"]).await;
    let (s, body) = read(
        app.http
            .get(app.url("/v2/users"))
            .bearer_auth(&meeting_only)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        body,
        json!({"code": 4711, "message": "Invalid access token, does not contain scopes:[user:read:list_users:admin]."})
    );
    // A read scope reads but does not write.
    let reader = app.token_with_scopes(&["user:read:admin"]).await;
    let (s, _) = read(
        app.http
            .get(app.url("/v2/users/me"))
            .bearer_auth(&reader)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let (s, body) = read(
        app.http
            .patch(app.url("/v2/users/me"))
            .bearer_auth(&reader)
            .json(&json!({"first_name": "X"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(body["code"], 4711);
    assert_eq!(
        body["message"],
        "Invalid access token, does not contain scopes:[user:update:user,user:update:user:admin]."
    );
    // Granular scopes are enough on their own.
    let granular = app.token_with_scopes(&["user:update:user:admin"]).await;
    let (s, _) = read(
        app.http
            .patch(app.url("/v2/users/me"))
            .bearer_auth(&granular)
            .json(&json!({"first_name": "X"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 204);
    // And nothing was written by the refused call: the name is the granted one.
    assert_eq!(
        app.client.users().get("me").await.unwrap().first_name.as_deref(),
        Some("X")
    );
}

#[tokio::test]
async fn me_is_the_apps_owner() {
    let app = spawn_app().await;
    let me = app.client.users().get("me").await.unwrap();
    assert_eq!(me.id.as_deref(), Some(app.creds.owner_id.as_str()));
    assert_eq!(me.email.as_deref(), Some("owner@localzoom.local"));
    assert_eq!(me.role_name.as_deref(), Some("Owner"));
    assert_eq!(me.role_id.as_deref(), Some("0"));
    assert_eq!(me.user_type, 2);
}

#[tokio::test]
async fn fixed_credentials_win_and_generated_ones_survive_restarts() {
    let (config, _dir, db) = crate::common::fresh_config().await;
    let first = localzoom_server::Server::new(config.clone())
        .await
        .unwrap()
        .credentials()
        .clone();
    let again = localzoom_server::Server::new(config.clone())
        .await
        .unwrap()
        .credentials()
        .clone();
    assert_eq!(
        (
            &first.account_id,
            &first.client_id,
            &first.client_secret,
            &first.owner_id
        ),
        (
            &again.account_id,
            &again.client_id,
            &again.client_secret,
            &again.owner_id
        )
    );
    let mut fixed = config.clone();
    fixed.account_id = Some("fixedAccountId0000000a".into());
    fixed.client_id = Some("fixedClientId".into());
    fixed.client_secret = Some("fixedSecret".into());
    let app = crate::common::start(fixed, tempfile::tempdir().unwrap(), db).await;
    assert_eq!(app.creds.account_id, "fixedAccountId0000000a");
    assert_eq!(app.creds.client_id, "fixedClientId");
    assert_eq!(app.creds.owner_id, first.owner_id, "the owner moves with the account");
    let me = app.client.users().get("me").await.unwrap();
    assert_eq!(me.account_id.as_deref(), Some("fixedAccountId0000000a"));
}

#[tokio::test]
async fn urls_handed_out_follow_public_url() {
    let app = spawn_with(|c| c.public_url = Some("https://zoom.example.test/".into())).await;
    let token = app.client.fetch_token().await.unwrap();
    assert_eq!(token.api_url, "https://zoom.example.test");
    let me = app.client.users().get("me").await.unwrap();
    assert_eq!(
        me.personal_meeting_url,
        Some(format!("https://zoom.example.test/j/{}", me.pmi.unwrap()))
    );
}
