//! Moving users between a master account and its sub accounts.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{read, spawn_app, TestApp};

async fn sub_account(app: &TestApp) -> Value {
    let (s, acct) = app
        .control(
            Method::POST,
            "/_localzoom/accounts",
            json!({"master_account_id": app.creds.account_id}),
        )
        .await;
    assert_eq!(s, 201, "{acct}");
    acct
}

async fn users_of(app: &TestApp, acct: &Value) -> Vec<String> {
    let token = crate::common::token_for(
        &app.http,
        &app.origin,
        acct["account_id"].as_str().unwrap(),
        acct["client_id"].as_str().unwrap(),
        acct["client_secret"].as_str().unwrap(),
    )
    .await;
    let resp = app
        .http
        .get(app.url("/v2/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (_, list) = read(resp).await;
    list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_user_moves_from_the_master_to_a_sub_account_and_between_subs() {
    let app = spawn_app().await;
    let one = sub_account(&app).await;
    let two = sub_account(&app).await;
    let (one_id, two_id) = (one["account_id"].as_str().unwrap(), two["account_id"].as_str().unwrap());
    let id = app.create_user("mover@example.com", "custCreate", 2).await;
    let (s, body) = app
        .call(
            Method::PUT,
            &format!("/v2/accounts/me/users/{id}/account"),
            Some(json!({"account_id": one_id})),
        )
        .await;
    assert_eq!(s, 204, "{body}");
    // Gone from the master, found in the sub account.
    let (s, err) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    assert_eq!((s, err["code"].clone()), (404, json!(1001)));
    assert!(users_of(&app, &one).await.contains(&"mover@example.com".to_string()));
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/v2/accounts/{one_id}/users/mover@example.com/account"),
            Some(json!({"account_id": two_id})),
        )
        .await;
    assert_eq!(s, 204);
    assert!(!users_of(&app, &one).await.contains(&"mover@example.com".to_string()));
    assert!(users_of(&app, &two).await.contains(&"mover@example.com".to_string()));
}

#[tokio::test]
async fn switching_accounts_refuses_what_zoom_refuses() {
    let app = spawn_app().await;
    let sub = sub_account(&app).await;
    let sub_id = sub["account_id"].as_str().unwrap();
    let stranger = app.other_account().await.0;
    let stranger_id = stranger["account_id"].as_str().unwrap();
    let id = app.create_user("stay@example.com", "custCreate", 1).await;
    let path = format!("/v2/accounts/me/users/{id}/account");
    // Owners and admins stay.
    let owner = app.creds.owner_id.clone();
    let (s, err) = app
        .call(
            Method::PUT,
            &format!("/v2/accounts/me/users/{owner}/account"),
            Some(json!({"account_id": sub_id})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(200)), "{err}");
    app.set_role(&id, "1").await;
    let (s, err) = app.call(Method::PUT, &path, Some(json!({"account_id": sub_id}))).await;
    assert_eq!(
        (s, err),
        (
            400,
            json!({"code": 200, "message": "Owners and admins cannot be moved to another account."})
        )
    );
    app.set_role(&id, "2").await;
    // Another master's account, missing accounts and users, bad bodies.
    let (s, err) = app
        .call(Method::PUT, &path, Some(json!({"account_id": stranger_id})))
        .await;
    assert_eq!((s, err["code"].clone()), (404, json!(2001)));
    let (s, err) = app.call(Method::PUT, &path, Some(json!({"account_id": "nope"}))).await;
    assert_eq!((s, err["code"].clone()), (404, json!(2001)));
    let (s, err) = app
        .call(
            Method::PUT,
            &format!("/v2/accounts/{stranger_id}/users/{id}/account"),
            Some(json!({"account_id": sub_id})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (404, json!(2001)));
    let (s, err) = app
        .call(
            Method::PUT,
            "/v2/accounts/me/users/ghost@example.com/account",
            Some(json!({"account_id": sub_id})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (404, json!(1001)));
    let (s, err) = app.call(Method::PUT, &path, Some(json!({}))).await;
    assert_eq!((s, err["errors"][0]["field"].clone()), (400, json!("account_id")));
    let (s, err) = app
        .call(Method::PUT, &path, Some(json!({"account_id": app.creds.account_id})))
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(300)));
    // Nothing moved.
    let (s, _) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    assert_eq!(s, 200);
    // The scope is user:master.
    let limited = app.token_with_scopes(&["user:write:admin"]).await;
    let resp = app
        .http
        .put(app.url(&path))
        .bearer_auth(&limited)
        .json(&json!({"account_id": sub_id}))
        .send()
        .await
        .unwrap();
    let (s, err) = read(resp).await;
    assert_eq!(
        (s, err["message"].clone()),
        (
            400,
            json!("Invalid access token, does not contain scopes:[user:master].")
        )
    );
}
