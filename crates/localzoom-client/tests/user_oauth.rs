//! The client's user flow against an embedded localzoom: the authorization URL with PKCE, the code
//! exchange, and a client that rotates its refresh token (once, however many calls race).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use localzoom_client::oauth::UserOAuth;
use localzoom_client::{Client, Error};
use localzoom_server::embedded::LocalZoom;
use serde_json::json;

const CALLBACK: &str = "http://127.0.0.1:9/callback";

#[tokio::test]
async fn the_user_flow_exchanges_a_code_and_rotates_refresh_tokens() {
    let zoom = LocalZoom::start_with_seed(json!({"accounts": [{"default": true,
        "users": [{"email": "ann@example.com", "type": 2}],
        "apps": [{"type": "oauth", "name": "Sync", "client_id": "user-app", "client_secret": "user-secret",
                  "redirect_uris": [CALLBACK], "scopes": ["user:read", "meeting:read"]}]}]}))
    .await
    .unwrap();
    let oauth = UserOAuth::new("user-app", "user-secret").oauth_base(zoom.base_url());
    let request = oauth.authorize_url(CALLBACK);
    // Consent without a browser: localzoom's `login_hint` + `prompt=none`.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http
        .get(format!("{}&login_hint=ann@example.com&prompt=none", request.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let location = reqwest::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert!(request.state_matches(&q["state"]));
    // The exchange proves the PKCE verifier: a request with another verifier fails.
    let mut forged = request.clone();
    forged.code_verifier = "x".repeat(43);
    match oauth.exchange_code(&forged, &q["code"]).await {
        Err(Error::OAuth { status, error, reason }) => {
            assert_eq!(
                (status, error.as_str(), reason.as_str()),
                (400, "invalid_grant", "Invalid code_verifier")
            )
        }
        other => panic!("expected invalid_grant, got {other:?}"),
    }
    let tokens = oauth.exchange_code(&request, &q["code"]).await.unwrap();
    let first_refresh = tokens.refresh_token.clone().unwrap();

    let rotations = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = rotations.clone();
    let client = Arc::new(
        Client::builder()
            .base_url(zoom.base_url())
            .user_refresh_token("user-app", "user-secret", &first_refresh, move |t| {
                seen.lock().unwrap().push(t.to_string())
            })
            .build()
            .unwrap(),
    );
    // Eight calls race for the first access token: one refresh, one rotation.
    let calls = (0..8).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.users().get("me").await })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.unwrap().unwrap().email.as_deref(), Some("ann@example.com"));
    }
    assert_eq!(rotations.lock().unwrap().len(), 1);
    let second = rotations.lock().unwrap()[0].clone();
    assert_ne!(second, first_refresh);
    // An hour later the access token has expired: the client rotates again on its own.
    let clock = zoom.control().advance_clock(3600).await.unwrap();
    assert!(clock["now"].is_string(), "{clock}");
    client.users().get("me").await.unwrap();
    let rotated = rotations.lock().unwrap().clone();
    assert_eq!(rotated.len(), 2, "{rotated:?}");
    assert_ne!(rotated[1], second);

    // Replaying a spent refresh token is refused and revokes the grant: the client's tokens stop.
    assert!(matches!(
        oauth.refresh(&first_refresh).await,
        Err(Error::OAuth { status: 400, .. })
    ));
    match client.users().get("me").await {
        Err(Error::OAuth { error, .. }) => assert_eq!(error, "invalid_grant"),
        other => panic!("expected the grant to be gone, got {other:?}"),
    }
}
