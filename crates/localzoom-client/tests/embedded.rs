//! The client against localzoom started inside the test by `localzoom_server::embedded`, with a
//! seed document, a fault rule and the request journal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use localzoom_client::{Client, Error};
use localzoom_server::embedded::LocalZoom;
use serde_json::json;

#[tokio::test]
async fn a_seeded_embedded_localzoom_serves_the_client_and_shows_what_it_sent() {
    let zoom = LocalZoom::start_with_seed(json!({"accounts": [{"default": true,
        "users": [{"email": "ann@example.com", "type": 2, "first_name": "Ann"}]}]}))
    .await
    .unwrap();
    let c = zoom.credentials();
    let client = Client::builder()
        .base_url(zoom.base_url())
        .server_to_server(&c.account_id, &c.client_id, &c.client_secret)
        .build()
        .unwrap();
    let ann_id = zoom.seeded()["accounts"][0]["users"]["ann@example.com"]
        .as_str()
        .unwrap()
        .to_string();
    let ann = client.users().get("ann@example.com").await.unwrap();
    assert_eq!(ann.id.as_deref(), Some(ann_id.as_str()));
    assert_eq!(ann.first_name.as_deref(), Some("Ann"));

    // A fault rule: the next read fails with Zoom's body, the one after succeeds.
    zoom.control()
        .add_fault(json!({"operation": "user", "status": 404, "body": {"code": 1001, "message": "gone"}, "times": 1}))
        .await
        .unwrap();
    match client.users().get(&ann_id).await {
        Err(Error::Api { status, code, .. }) => assert_eq!((status, code), (404, 1001)),
        other => panic!("expected the faulted 404, got {other:?}"),
    }
    client.users().get(&ann_id).await.unwrap();

    // The journal shows what the client sent.
    let journal = zoom
        .control()
        .requests(&format!("path=/v2/users/{ann_id}"))
        .await
        .unwrap();
    assert_eq!(journal["total"], 2, "{journal}");
    assert_eq!(journal["requests"][0]["status"], 200);
    assert_eq!(journal["requests"][1]["status"], 404);

    // Reset: back to the owner alone.
    zoom.control().reset().await.unwrap();
    let state = zoom.control().export().await.unwrap();
    assert_eq!(state["accounts"][0]["users"].as_array().unwrap().len(), 1);
}
