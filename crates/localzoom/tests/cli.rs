//! The `localzoom` binary: start-up banner, flags and environment, and durability across `kill -9`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{start, start_in, Running};
use localzoom_server::testing::TestDatabase;
use serde_json::{json, Value};
use tokio::process::Command;

#[tokio::test]
async fn prints_the_real_port_and_a_working_token_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::from_env().await;
    let mut s = start_in(dir.path(), db.as_ref()).await;
    assert!(s.origin.starts_with("http://127.0.0.1:"));
    assert_ne!(s.origin, "http://127.0.0.1:0");
    let curl = s.value("get a token");
    assert!(
        curl.contains(&s.origin) && curl.contains(&s.value("account id")),
        "{curl}"
    );
    assert!(s.value("owner").starts_with("owner@localzoom.local"));
    let token = s.token().await;
    let resp = reqwest::Client::new()
        .get(format!("{}/v2/users/me", s.origin))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    s.child.kill().await.unwrap();
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::from_env().await;
    let mut first = start_in(dir.path(), db.as_ref()).await;
    let token = first.token().await;
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{}/v2/users", first.origin))
        .bearer_auth(&token)
        .json(&json!({"action": "custCreate", "user_info": {"email": "durable@example.com", "type": 2, "first_name": "Dura"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let patched = http
        .patch(format!("{}/v2/users/{id}", first.origin))
        .bearer_auth(&token)
        .json(&json!({"last_name": "Ble", "dept": "Storage"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 204);
    // A user's OAuth grant: app, consent (prompt=none), code exchanged for a refresh token.
    let app: Value = http
        .post(format!("{}/_localzoom/apps", first.origin))
        .json(&json!({"type": "oauth", "redirect_uris": ["http://127.0.0.1:9/cb"], "scopes": ["user:read"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (app_id, app_secret) = (
        app["client_id"].as_str().unwrap().to_string(),
        app["client_secret"].as_str().unwrap().to_string(),
    );
    let owner_email = first.value("owner").split_whitespace().next().unwrap().to_string();
    let consent = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/oauth/authorize", first.origin))
        .query(&[
            ("response_type", "code"),
            ("client_id", app_id.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("login_hint", owner_email.as_str()),
            ("prompt", "none"),
        ])
        .send()
        .await
        .unwrap();
    let location = consent.headers()["location"].to_str().unwrap().to_string();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let exchange = |origin: String, form: Vec<(&'static str, String)>| {
        let req = http
            .post(format!("{origin}/oauth/token"))
            .basic_auth(&app_id, Some(&app_secret))
            .form(&form);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }
    };
    let (st, grant) = exchange(
        first.origin.clone(),
        vec![
            ("grant_type", "authorization_code".into()),
            ("code", code),
            ("redirect_uri", "http://127.0.0.1:9/cb".into()),
        ],
    )
    .await;
    assert_eq!(st, 200, "{grant}");
    let refresh = grant["refresh_token"].as_str().unwrap().to_string();
    // The test clock is state too: frozen ten minutes ahead, it stays so across the crash.
    let clock: Value = http
        .post(format!("{}/_localzoom/clock", first.origin))
        .json(&json!({"frozen": true, "advance_seconds": 600}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // SIGKILL right after the acknowledgement: no graceful shutdown, no flush.
    first.child.kill().await.unwrap();
    let ids = (
        first.value("account id"),
        first.value("client id"),
        first.value("client secret"),
    );

    let mut second = start_in(dir.path(), db.as_ref()).await;
    assert_eq!(
        ids,
        (
            second.value("account id"),
            second.value("client id"),
            second.value("client secret")
        )
    );
    // The token issued before the crash is still valid; so is a new one.
    let old = http
        .get(format!("{}/v2/users/{id}", second.origin))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 200);
    let user: Value = old.json().await.unwrap();
    assert_eq!(
        (
            user["first_name"].as_str(),
            user["last_name"].as_str(),
            user["dept"].as_str()
        ),
        (Some("Dura"), Some("Ble"), Some("Storage"))
    );
    assert_eq!(user["email"], "durable@example.com");
    let after: Value = http
        .get(format!("{}/_localzoom/clock", second.origin))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after, clock);
    // The grant survived: its refresh token rotates once, then the spent one is refused.
    let (st, next) = exchange(
        second.origin.clone(),
        vec![
            ("grant_type", "refresh_token".into()),
            ("refresh_token", refresh.clone()),
        ],
    )
    .await;
    assert_eq!(st, 200, "{next}");
    assert_ne!(next["refresh_token"].as_str(), Some(refresh.as_str()));
    let (st, again) = exchange(
        second.origin.clone(),
        vec![("grant_type", "refresh_token".into()), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!((st, again["error"].as_str()), (400, Some("invalid_grant")));
    second.child.kill().await.unwrap();
}

#[tokio::test]
async fn environment_fixes_credentials_and_ephemeral_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let envs = [
        ("LOCALZOOM_ACCOUNT_ID", "acct0000000000000000ab"),
        ("LOCALZOOM_CLIENT_ID", "client-from-env"),
        ("LOCALZOOM_CLIENT_SECRET", "secret-from-env"),
        ("LOCALZOOM_OWNER_EMAIL", "boss@example.com"),
        ("LOCALZOOM_SECRET_TOKEN", "hooks-secret-from-env"),
        ("LOCALZOOM_DATA_DIR", dir.path().to_str().unwrap()),
    ];
    let mut s = start(&[], &envs).await;
    assert_eq!(s.value("account id"), "acct0000000000000000ab");
    assert_eq!(s.value("client id"), "client-from-env");
    assert_eq!(s.value("client secret"), "secret-from-env");
    assert!(s.value("secret token").starts_with("hooks-secret-from-env"));
    assert!(s.value("owner").starts_with("boss@example.com"));
    assert!(s.value("store").starts_with(dir.path().to_str().unwrap()));
    s.token().await;
    s.child.kill().await.unwrap();

    let mut e = start(&["--ephemeral"], &[]).await;
    assert!(e.value("store").starts_with("ephemeral"));
    let token = e.token().await;
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{}/v2/users", e.origin))
        .bearer_auth(&token)
        .json(&json!({"action": "custCreate", "user_info": {"email": "gone@example.com", "type": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let account = e.value("account id");
    e.child.kill().await.unwrap();
    let mut again = start(&["--ephemeral"], &[]).await;
    assert_ne!(again.value("account id"), account, "an ephemeral store starts empty");
    again.child.kill().await.unwrap();
}

#[test]
fn help_texts_name_every_flag_and_variable() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_localzoom"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--host",
        "--port",
        "--data-dir",
        "--ephemeral",
        "--database-url",
        "--public-url",
        "--owner-email",
        "--account-id",
        "--client-id",
        "--client-secret",
        "--max-body-bytes",
        "--rate-limits",
        "--rate-limit-scale",
        "--db-max-connections",
        "--db-timeout-ms",
        "LOCALZOOM_RATE_LIMITS",
        "LOCALZOOM_RATE_LIMIT_SCALE",
        "LOCALZOOM_PORT",
        "LOCALZOOM_DATA_DIR",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    for bad_args in [
        ["--port", "x"],
        ["--rate-limits", "maybe"],
        ["--rate-limit-scale", "0"],
        ["--rate-limit-scale", "many"],
        ["--db-max-connections", "0"],
        ["--db-timeout-ms", "5"],
    ] {
        let bad = std::process::Command::new(env!("CARGO_BIN_EXE_localzoom"))
            .arg("serve")
            .args(bad_args)
            .output()
            .unwrap();
        assert!(!bad.status.success(), "{bad_args:?} was accepted");
    }
}

/// Runs `localzoom ARGS` as a client of `server`, credentials from ZOOM_* variables.
async fn client_cmd(server: &Running, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_localzoom"))
        .args(args)
        .env("ZOOM_BASE_URL", &server.origin)
        .env("ZOOM_ACCOUNT_ID", server.value("account id"))
        .env("ZOOM_CLIENT_ID", server.value("client id"))
        .env("ZOOM_CLIENT_SECRET", server.value("client secret"))
        .env_remove("ZOOM_OAUTH_URL")
        .output()
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[tokio::test]
async fn the_cli_manages_users_with_tables_and_json() {
    let mut s = start(&["--ephemeral"], &[]).await;
    let (code, out, err) = client_cmd(
        &s,
        &[
            "users",
            "create",
            "--email",
            "cli@example.com",
            "--type",
            "2",
            "--first-name",
            "Cli",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let id = out
        .lines()
        .find_map(|l| l.strip_prefix("id"))
        .map(|v| v.trim().to_string())
        .unwrap();
    for i in 0..3 {
        let email = format!("bulk{i}@example.com");
        assert_eq!(client_cmd(&s, &["users", "create", "--email", &email]).await.0, 0);
    }
    // A table by default: a header and one line per user.
    let (code, out, _) = client_cmd(&s, &["users", "list", "--all"]).await;
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("EMAIL"), "{out}");
    assert_eq!(lines.len(), 1 + 5, "{out}");
    assert!(out.contains("cli@example.com"));
    // JSON for scripts.
    let (_, out, _) = client_cmd(&s, &["users", "get", "cli@example.com", "--json"]).await;
    let user: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (user["id"].as_str(), user["first_name"].as_str()),
        (Some(id.as_str()), Some("Cli"))
    );
    // Update, bulk deactivate, presence.
    let (code, _, err) = client_cmd(
        &s,
        &["users", "update", &id, "--set", "dept=Sales", "--set", "use_pmi=true"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = client_cmd(&s, &["users", "get", &id, "--json"]).await;
    let user: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (user["dept"].as_str(), user["use_pmi"].as_bool()),
        (Some("Sales"), Some(true))
    );
    let (code, out, _) = client_cmd(
        &s,
        &[
            "users",
            "deactivate",
            "bulk0@example.com",
            "bulk1@example.com",
            "--json",
        ],
    )
    .await;
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap().as_array().unwrap().len(),
        2
    );
    let (_, out, _) = client_cmd(&s, &["users", "list", "--status", "inactive", "--json"]).await;
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap().as_array().unwrap().len(),
        2
    );
    let (code, out, _) = client_cmd(&s, &["users", "presence", &id, "--set", "Away", "--json"]).await;
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["status"], "Away");
    // Zoom's errors: code and message on stderr, non-zero exit.
    let (code, out, err) = client_cmd(&s, &["users", "get", "ghost@example.com"]).await;
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        err.contains("[404/1001] User does not exist: ghost@example.com."),
        "{err}"
    );
    let (code, _, err) = client_cmd(&s, &["users", "update", &id, "--set", "pmi=12"]).await;
    assert_eq!(code, 1);
    assert!(
        err.contains("[400/300] Validation Failed.") && err.contains("pmi: Invalid field."),
        "{err}"
    );
    // Bad usage is clap's error (exit 2); missing credentials are said plainly.
    let (code, _, _) = client_cmd(&s, &["users", "list", "--status", "sleeping"]).await;
    assert_eq!(code, 2);
    let out = Command::new(env!("CARGO_BIN_EXE_localzoom"))
        .args(["users", "list", "--base-url", &s.origin])
        .env_remove("ZOOM_ACCOUNT_ID")
        .env_remove("ZOOM_CLIENT_ID")
        .env_remove("ZOOM_CLIENT_SECRET")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ZOOM_ACCOUNT_ID"));
    s.child.kill().await.unwrap();
}

#[tokio::test]
async fn the_cli_runs_the_registration_workflow() {
    let mut s = start(&["--ephemeral"], &[]).await;
    let (code, out, err) = client_cmd(
        &s,
        &[
            "meetings",
            "create",
            "me",
            "--topic",
            "Launch",
            "--start-time",
            "2036-01-05T10:00:00Z",
            "--approval-type",
            "1",
            "--json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let meeting: Value = serde_json::from_str(&out).unwrap();
    let id = meeting["id"].as_i64().unwrap().to_string();
    let (_, out, _) = client_cmd(&s, &["meetings", "list", "me"]).await;
    assert!(out.contains("Launch") && out.contains(&id), "{out}");
    for who in ["ann", "bob"] {
        let email = format!("{who}@example.com");
        let (code, _, err) = client_cmd(&s, &["registrants", "add", &id, "--email", &email, "--first-name", who]).await;
        assert_eq!(code, 0, "{err}");
    }
    let (_, out, _) = client_cmd(&s, &["registrants", "list", &id, "--status", "pending", "--json"]).await;
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap().as_array().unwrap().len(),
        2
    );
    assert_eq!(
        client_cmd(
            &s,
            &["registrants", "approve", &id, "ann@example.com", "bob@example.com"]
        )
        .await
        .0,
        0
    );
    assert_eq!(
        client_cmd(&s, &["registrants", "cancel", &id, "bob@example.com"])
            .await
            .0,
        0
    );
    let (_, out, _) = client_cmd(&s, &["registrants", "list", &id]).await;
    assert!(
        out.contains("ann@example.com") && !out.contains("bob@example.com"),
        "{out}"
    );
    let (_, out, _) = client_cmd(&s, &["registrants", "list", &id, "--status", "denied", "--json"]).await;
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()[0]["email"],
        "bob@example.com"
    );
    let (code, _, err) = client_cmd(&s, &["registrants", "deny", &id, "nobody@example.com"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("[400/300]"), "{err}");
    assert_eq!(
        client_cmd(&s, &["meetings", "update", &id, "--set", "topic=Relaunch"])
            .await
            .0,
        0
    );
    let (_, out, _) = client_cmd(&s, &["meetings", "get", &id, "--json"]).await;
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["topic"], "Relaunch");
    assert_eq!(client_cmd(&s, &["meetings", "delete", &id]).await.0, 0);
    let (code, _, err) = client_cmd(&s, &["meetings", "get", &id]).await;
    assert_eq!(code, 1);
    assert!(err.contains("3001"), "{err}");
    s.child.kill().await.unwrap();
}
