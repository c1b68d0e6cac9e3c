//! Assistants and schedulers: one relation read from both sides.

use reqwest::Method;
use serde_json::json;

use crate::common::{assert_schema, spawn_app};

#[tokio::test]
async fn assistants_and_schedulers_are_two_sides_of_one_relation() {
    let app = spawn_app().await;
    let boss = app.create_user("boss@example.com", "custCreate", 2).await;
    let aide = app.create_user("aide@example.com", "custCreate", 2).await;
    let helper = app.create_user("helper@example.com", "custCreate", 2).await;
    let path = format!("/v2/users/{boss}/assistants");
    // By id and by email; naming one twice, or again later, is harmless.
    let body = json!({"assistants": [{"id": aide}, {"email": "helper@example.com"}, {"email": "AIDE@example.com"}]});
    let (s, added) = app.call(Method::POST, &path, Some(body)).await;
    assert_eq!(s, 201, "{added}");
    assert_schema("/users/{userId}/assistants", "post", "201", &added);
    assert_eq!(added["ids"], format!("{aide},{helper}"));
    let (s, again) = app
        .call(Method::POST, &path, Some(json!({"assistants": [{"id": aide}]})))
        .await;
    assert_eq!((s, again["ids"].clone()), (201, json!(aide)));
    let (s, list) = app
        .call(Method::GET, "/v2/users/boss@example.com/assistants", None)
        .await;
    assert_eq!(s, 200);
    assert_schema("/users/{userId}/assistants", "get", "200", &list);
    assert_eq!(
        list,
        json!({"assistants": [{"id": aide, "email": "aide@example.com"}, {"id": helper, "email": "helper@example.com"}]})
    );
    // The other side: the aide schedules for the boss.
    let (s, sched) = app
        .call(Method::GET, &format!("/v2/users/{aide}/schedulers"), None)
        .await;
    assert_eq!(s, 200);
    assert_schema("/users/{userId}/schedulers", "get", "200", &sched);
    let (_, boss_user) = app.call(Method::GET, &format!("/v2/users/{boss}"), None).await;
    assert_eq!(
        sched,
        json!({"schedulers": [{"id": boss, "email": "boss@example.com", "pmi": boss_user["pmi"]}]})
    );
    // Removing a scheduler removes the assistant on the other side.
    let (s, _) = app
        .call(Method::DELETE, &format!("/v2/users/{aide}/schedulers/{boss}"), None)
        .await;
    assert_eq!(s, 204);
    let (_, list) = app.call(Method::GET, &path, None).await;
    assert_eq!(list["assistants"].as_array().unwrap().len(), 1);
    assert_eq!(list["assistants"][0]["id"], json!(helper));
    let (s, body) = app
        .call(Method::DELETE, &format!("/v2/users/{aide}/schedulers/{boss}"), None)
        .await;
    assert_eq!((s, body["code"].clone()), (404, json!(1001)), "{body}");
    // Removing one assistant, then all.
    app.call(Method::POST, &path, Some(json!({"assistants": [{"id": aide}]})))
        .await;
    let (s, _) = app.call(Method::DELETE, &format!("{path}/{helper}"), None).await;
    assert_eq!(s, 204);
    let (_, sched) = app
        .call(Method::GET, &format!("/v2/users/{helper}/schedulers"), None)
        .await;
    assert_eq!(sched, json!({"schedulers": []}));
    let (s, _) = app.call(Method::DELETE, &path, None).await;
    assert_eq!(s, 204);
    let (_, list) = app.call(Method::GET, &path, None).await;
    assert_eq!(list, json!({"assistants": []}));
    // Deleting all schedulers of an assistant.
    app.call(Method::POST, &path, Some(json!({"assistants": [{"id": aide}]})))
        .await;
    let (s, _) = app
        .call(Method::DELETE, &format!("/v2/users/{aide}/schedulers"), None)
        .await;
    assert_eq!(s, 204);
    let (_, list) = app.call(Method::GET, &path, None).await;
    assert_eq!(list, json!({"assistants": []}));
}

#[tokio::test]
async fn deleting_a_user_removes_their_relations() {
    // About stored state, not the wire: driven through the client.
    let app = spawn_app().await;
    let users = app.client.users();
    let boss = app.create_user("b2@example.com", "custCreate", 2).await;
    let aide = app.create_user("a2@example.com", "custCreate", 2).await;
    let added = users
        .add_assistants(&boss, &[localzoom_client::UserRef::id(&aide)])
        .await
        .unwrap();
    assert_eq!(added, std::slice::from_ref(&aide));
    assert_eq!(users.schedulers(&aide).await.unwrap()[0].id, boss);
    let delete = localzoom_client::DeleteUser {
        action: Some(zoom_types::enums::DeleteAction::Delete),
        ..Default::default()
    };
    users.delete(&aide, &delete).await.unwrap();
    assert!(users.assistants(&boss).await.unwrap().is_empty());
}

#[tokio::test]
async fn assistant_rules_answer_zooms_errors_and_change_nothing() {
    let app = spawn_app().await;
    let boss = app.create_user("lead@example.com", "custCreate", 2).await;
    let basic = app.create_user("basic@example.com", "custCreate", 1).await;
    let path = format!("/v2/users/{boss}/assistants");
    let cases = [
        (
            json!({"assistants": [{"email": "ghost@example.com"}]}),
            400,
            200,
            "Can't find user ghost@example.com.",
        ),
        (
            json!({"assistants": [{"id": boss}]}),
            400,
            200,
            "Can't assign scheduling privilege to yourself.",
        ),
        (json!({"assistants": [{"id": basic}]}), 400, 200, ""),
        (json!({"assistants": [{}]}), 400, 300, "Validation Failed."),
        (json!({"assistants": "x"}), 400, 300, "Validation Failed."),
        (json!({}), 400, 300, "Validation Failed."),
    ];
    for (body, status, code, message) in cases {
        let (s, err) = app.call(Method::POST, &path, Some(body.clone())).await;
        assert_eq!((s, err["code"].clone()), (status, json!(code)), "{body}: {err}");
        assert_schema("/users/{userId}/assistants", "post", "default", &err);
        if !message.is_empty() {
            assert_eq!(err["message"], message);
        }
    }
    let (_, err) = app
        .call(Method::POST, &path, Some(json!({"assistants": [{"id": basic}]})))
        .await;
    assert_eq!(err["message"], format!("User {basic} must be a Pro or Corp user."));
    // A basic user cannot have assistants; another account's user cannot be one.
    let licensed = app.create_user("lic@example.com", "custCreate", 2).await;
    let (s, err) = app
        .call(
            Method::POST,
            &format!("/v2/users/{basic}/assistants"),
            Some(json!({"assistants": [{"id": licensed}]})),
        )
        .await;
    assert_eq!((s, err["code"].clone()), (400, json!(200)));
    let (acct, token) = app.other_account().await;
    let outsider = acct["owner_email"].as_str().unwrap().to_string();
    let (s, err) = app
        .call(
            Method::POST,
            &path,
            Some(json!({"assistants": [{"id": licensed}, {"email": outsider}]})),
        )
        .await;
    assert_eq!(
        (s, err["message"].clone()),
        (
            400,
            json!(format!("User {outsider} doesn't belong to current account."))
        )
    );
    // All or nothing: the valid one named with it was not added.
    let (_, list) = app.call(Method::GET, &path, None).await;
    assert_eq!(list, json!({"assistants": []}));
    // More than 30 in one request, or in all.
    let many: Vec<_> = (0..31).map(|i| json!({"email": format!("m{i}@example.com")})).collect();
    let (s, err) = app.call(Method::POST, &path, Some(json!({"assistants": many}))).await;
    assert_eq!((s, err["errors"][0]["field"].clone()), (400, json!("assistants")));
    // Another account's user is not found from here.
    let resp = app
        .http
        .get(app.url(&format!("/v2/users/{boss}/assistants")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn at_most_thirty_assistants_in_all() {
    let app = spawn_with_many().await;
    let boss = app.create_user("chief@example.com", "custCreate", 2).await;
    let path = format!("/v2/users/{boss}/assistants");
    let first: Vec<_> = (0..20).map(|i| json!({"email": format!("x{i}@example.com")})).collect();
    let (s, body) = app.call(Method::POST, &path, Some(json!({"assistants": first}))).await;
    assert_eq!(s, 201, "{body}");
    let more: Vec<_> = (20..31)
        .map(|i| json!({"email": format!("x{i}@example.com")}))
        .collect();
    let (s, err) = app.call(Method::POST, &path, Some(json!({"assistants": more}))).await;
    assert_eq!(
        (s, err["message"].clone()),
        (400, json!("A user can have at most 30 assistants."))
    );
    let (_, list) = app.call(Method::GET, &path, None).await;
    assert_eq!(list["assistants"].as_array().unwrap().len(), 20);
}

async fn spawn_with_many() -> crate::common::TestApp {
    // 31 licensed users in a row would meet the per-second limit; this test is not about it.
    let app = crate::common::spawn_with(|c| c.rate_limit_scale = 100.0).await;
    for i in 0..31 {
        app.create_user(&format!("x{i}@example.com"), "custCreate", 2).await;
    }
    app
}
