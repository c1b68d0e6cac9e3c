//! Presence status: the PUT/GET vocabularies, Do-Not-Disturb and its end, signed-out users, the
//! once-a-minute limit, validation and concurrency. The clock is frozen so seconds are exact.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_schema_with, presence_enums, read, spawn_app, TestApp};

const TOO_MANY: &str = "Too many requests submitted to update the presence status of this user. Please wait for the request to be processed and try again later.";

async fn presence(app: &TestApp, user: &str) -> Value {
    let (s, body) = app
        .call(Method::GET, &format!("/v2/users/{user}/presence_status"), None)
        .await;
    assert_eq!(s, 200, "{body}");
    assert_schema_with(
        "/users/{userId}/presence_status",
        "get",
        "200",
        &body,
        &presence_enums(),
    );
    body
}

async fn put(app: &TestApp, user: &str, body: Value) -> (u16, Value) {
    app.call(Method::PUT, &format!("/v2/users/{user}/presence_status"), Some(body))
        .await
}

#[tokio::test]
async fn every_put_status_reads_back_in_gets_vocabulary() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let id = app.create_user("p@example.com", "custCreate", 2).await;
    assert_eq!(
        presence(&app, &id).await,
        json!({"status": "Available"}),
        "new users are signed in and Available"
    );
    for (put_status, get_status) in [
        ("Away", "Away"),
        ("In_Calendar_Event", "In_A_Calendar_Event"),
        ("Presenting", "Presenting"),
        ("In_A_Zoom_Meeting", "In_A_Meeting"),
        ("On_A_Call", "In_A_Call"),
        ("Out_of_Office", "Out_of_Office"),
        ("Busy", "Busy"),
        ("Available", "Available"),
        ("Do_Not_Disturb", "Do_Not_Disturb"),
        ("Away", "Away"),
        ("Do_No_Disturb", "Do_Not_Disturb"),
    ] {
        let (s, body) = put(&app, &id, json!({"status": put_status})).await;
        assert_eq!((s, body), (204, Value::Null), "{put_status}");
        assert_eq!(presence(&app, &id).await["status"], get_status, "{put_status}");
        app.advance_clock(60).await;
    }
}

#[tokio::test]
async fn dnd_shows_its_end_to_its_own_user_and_ends_by_itself() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let (s, _) = put(&app, "me", json!({"status": "Away"})).await;
    assert_eq!(s, 204);
    app.advance_clock(60).await;
    let (s, _) = put(&app, "me", json!({"status": "Do_Not_Disturb", "duration": 5})).await;
    assert_eq!(s, 204);
    let (_, clock) = read(app.http.get(app.url("/_localzoom/clock")).send().await.unwrap()).await;
    let now = clock["now"].as_str().unwrap().to_string();
    let own = presence(&app, "me").await;
    assert_eq!(own["status"], "Do_Not_Disturb");
    assert_eq!(own["remaining_time"], 5);
    let end = own["end_time"].as_str().unwrap();
    assert!(end > now.as_str() && end.ends_with('Z'), "{end} after {now}");
    // Another caller sees only the status.
    let reader = app.token_with_scopes(&["user:read:admin"]).await;
    let other_view = app.call(Method::GET, "/v2/users/me/presence_status", None).await.1;
    assert_eq!(
        other_view["remaining_time"], 5,
        "the app's owner is `me` for every app of the account"
    );
    let (_, by_id) = read(
        app.http
            .get(app.url(&format!("/v2/users/{}/presence_status", app.creds.owner_id)))
            .bearer_auth(&reader)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(by_id["status"], "Do_Not_Disturb");
    let member = app.create_user("dnd@example.com", "custCreate", 2).await;
    let (s, _) = put(&app, &member, json!({"status": "Do_Not_Disturb"})).await;
    assert_eq!(s, 204);
    assert_eq!(
        presence(&app, &member).await,
        json!({"status": "Do_Not_Disturb"}),
        "not the caller: no end_time"
    );
    app.advance_clock(4 * 60 + 1).await;
    assert_eq!(presence(&app, "me").await["remaining_time"], 1);
    app.advance_clock(59).await;
    assert_eq!(
        presence(&app, "me").await,
        json!({"status": "Away"}),
        "DND over: the status before it returns"
    );
    // The default duration is 20 minutes.
    app.advance_clock(15 * 60 - 1).await;
    assert_eq!(presence(&app, &member).await["status"], "Do_Not_Disturb");
    app.advance_clock(1).await;
    assert_eq!(presence(&app, &member).await["status"], "Available");
}

#[tokio::test]
async fn one_update_per_minute_and_failures_do_not_count() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let id = app.create_user("limit@example.com", "custCreate", 2).await;
    // Failed requests first: none of them uses the minute.
    for bad in [
        json!({"status": "Sleeping"}),
        json!({}),
        json!({"status": 5}),
        json!({"status": "Do_Not_Disturb", "duration": 0}),
    ] {
        let (s, body) = put(&app, &id, bad.clone()).await;
        assert_eq!((s, body["code"].clone()), (400, json!(300)), "{bad}");
    }
    let (s, _) = put(&app, &id, json!({"status": "Busy"})).await;
    assert_eq!(s, 204);
    let (s, body) = put(&app, &id, json!({"status": "Away"})).await;
    assert_eq!((s, body), (429, json!({"code": 429, "message": TOO_MANY})));
    app.advance_clock(59).await;
    assert_eq!(put(&app, &id, json!({"status": "Away"})).await.0, 429);
    assert_eq!(
        presence(&app, &id).await["status"],
        "Busy",
        "refused updates change nothing"
    );
    app.advance_clock(1).await;
    assert_eq!(put(&app, &id, json!({"status": "Away"})).await.0, 204);
    assert_eq!(presence(&app, &id).await["status"], "Away");
    // The limit is per user.
    assert_eq!(put(&app, "me", json!({"status": "Away"})).await.0, 204);
}

#[tokio::test]
async fn signed_out_users_read_offline_and_cannot_be_set() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    let id = app.create_user("out@example.com", "custCreate", 2).await;
    let view = app.set_client(&id, false).await;
    assert_eq!(view, json!({"user_id": id, "signed_in": false, "status": "Offline"}));
    assert_eq!(presence(&app, &id).await, json!({"status": "Offline"}));
    let (s, body) = put(&app, &id, json!({"status": "Available"})).await;
    assert_eq!(
        (s, body),
        (
            400,
            json!({"code": 5301, "message": "Request to update the presence status of this user failed."})
        )
    );
    // Signing in again starts Available, and the failed update did not use the minute.
    app.set_client("out@example.com", true).await;
    assert_eq!(presence(&app, &id).await, json!({"status": "Available"}));
    assert_eq!(put(&app, &id, json!({"status": "Busy"})).await.0, 204);
    // Deactivation signs a user out.
    app.client
        .users()
        .set_status(&id, zoom_types::enums::StatusAction::Deactivate)
        .await
        .unwrap();
    assert_eq!(presence(&app, &id).await, json!({"status": "Offline"}));
    app.advance_clock(60).await;
    assert_eq!(put(&app, &id, json!({"status": "Busy"})).await.0, 400);
    // Control-plane errors.
    let resp = app
        .http
        .put(app.url("/_localzoom/users/ghost/client"))
        .json(&json!({"signed_in": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(read(resp).await.0, 404);
    let resp = app
        .http
        .put(app.url(&format!("/_localzoom/users/{id}/client")))
        .json(&json!({"signed_in": "yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(read(resp).await.0, 400);
}

#[tokio::test]
async fn validation_unknown_and_foreign_users() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    for (body, field) in [
        (json!({"status": "Do_Not_Disturb", "duration": 1441}), "duration"),
        (json!({"status": "Do_Not_Disturb", "duration": "long"}), "duration"),
        (json!({"status": "In_A_Meeting"}), "status"),
        (json!({"status": "available"}), "status"),
        (json!({"duration": 5}), "status"),
    ] {
        let (s, resp) = put(&app, "me", body.clone()).await;
        assert_eq!(s, 400, "{body}");
        assert_eq!(resp["code"], 300);
        assert_eq!(resp["errors"][0]["field"], field, "{body}");
    }
    let (s, resp) = app.call(Method::PUT, "/v2/users/me/presence_status", None).await;
    assert_eq!((s, resp["code"].clone()), (400, json!(300)));
    // Duration is ignored for other statuses, whatever it holds.
    assert_eq!(put(&app, "me", json!({"status": "Busy", "duration": "x"})).await.0, 204);
    for method in [Method::GET, Method::PUT] {
        let (s, body) = app
            .call(
                method.clone(),
                "/v2/users/nobody@example.com/presence_status",
                Some(json!({"status": "Away"})),
            )
            .await;
        assert_eq!(
            (s, body),
            (
                404,
                json!({"code": 1001, "message": "User does not exist: nobody@example.com."})
            )
        );
    }
    let (acct, token) = app.other_account().await;
    let (s, body) = read(
        app.http
            .put(app.url(&format!("/v2/users/{}/presence_status", app.creds.owner_id)))
            .bearer_auth(&token)
            .json(&json!({"status": "Away"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["code"].clone()), (404, json!(1001)));
    let (s, _) = read(
        app.http
            .get(app.url(&format!(
                "/v2/users/{}/presence_status",
                acct["owner_id"].as_str().unwrap()
            )))
            .bearer_auth(&app.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
    // Scopes: a reader cannot write.
    let reader = app.token_with_scopes(&["user:read:admin"]).await;
    let (s, body) = read(
        app.http
            .put(app.url("/v2/users/me/presence_status"))
            .bearer_auth(&reader)
            .json(&json!({"status": "Away"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["code"].clone()), (400, json!(4711)));
}

#[tokio::test]
async fn two_simultaneous_updates_exactly_one_succeeds() {
    let app = spawn_app().await;
    app.freeze_clock().await;
    for round in 0..3 {
        let id = app
            .create_user(&format!("race{round}@example.com"), "custCreate", 2)
            .await;
        let path = format!("/v2/users/{id}/presence_status");
        let a = app.req(Method::PUT, &path).json(&json!({"status": "Away"})).send();
        let b = app.req(Method::PUT, &path).json(&json!({"status": "Busy"})).send();
        let (a, b) = tokio::join!(a, b);
        let (a, b) = (a.unwrap().status().as_u16(), b.unwrap().status().as_u16());
        let mut got = vec![a, b];
        got.sort_unstable();
        assert_eq!(got, vec![204, 429], "round {round}");
        let winner = if a == 204 { "Away" } else { "Busy" };
        assert_eq!(presence(&app, &id).await["status"], winner);
    }
}
