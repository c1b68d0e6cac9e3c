//! The unit of work through the API: concurrent updates of one user reach an in-process subscriber
//! once each, in commit order (each event's old values are the previous event's new ones), and
//! refused requests emit nothing.

use std::time::Duration;

use localzoom_server::events::EventKind;
use reqwest::Method;
use serde_json::json;

use crate::common::spawn_app;

#[tokio::test]
async fn concurrent_updates_reach_a_subscriber_once_each_in_commit_order() {
    let app = spawn_app().await;
    let id = app.create_user("chain@example.com", "custCreate", 1).await;
    let mut events = app.store.subscribe();
    let mut calls = Vec::new();
    for i in 0..24 {
        let (http, origin, token, id) = (app.http.clone(), app.origin.clone(), app.token.clone(), id.clone());
        calls.push(tokio::spawn(async move {
            // Every fourth request is refused (a PMI too short): it must emit nothing.
            let body = if i % 4 == 3 {
                json!({"first_name": format!("n{i}"), "pmi": 12})
            } else {
                json!({"first_name": format!("n{i}")})
            };
            let resp = http
                .request(Method::PATCH, format!("{origin}/v2/users/{id}"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            resp.status().as_u16()
        }));
    }
    let mut accepted = 0;
    for c in calls {
        match c.await.unwrap() {
            204 => accepted += 1,
            400 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(accepted, 18);
    let mut chain = Vec::new();
    while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_millis(300), events.recv()).await {
        if e.kind == EventKind::UserUpdated && e.object["id"] == json!(id) {
            let old = e.old_object.as_ref().map(|o| o["first_name"].clone());
            chain.push((old, e.object["first_name"].clone()));
        }
    }
    assert_eq!(chain.len(), 18, "one event a committed change: {chain:?}");
    // Each change starts from the one committed before it.
    for pair in chain.windows(2) {
        assert_eq!(pair[1].0.as_ref(), Some(&pair[0].1), "commit order: {chain:?}");
    }
    let names: std::collections::HashSet<String> = chain.iter().map(|(_, n)| n.as_str().unwrap().to_string()).collect();
    assert_eq!(names.len(), 18);
    assert!(
        names
            .iter()
            .all(|n| n.trim_start_matches('n').parse::<i32>().unwrap() % 4 != 3),
        "refused ones emitted: {names:?}"
    );
    // The stored user is the last event's new value.
    let (_, user) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    assert_eq!(user["first_name"], chain.last().unwrap().1);
}
