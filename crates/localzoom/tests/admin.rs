//! `localzoom admin …` run as a binary against a running `localzoom serve --control-token`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{start, Running};
use serde_json::Value;

const TOKEN: &str = "admin-test-token";

/// Runs `localzoom admin ARGS` against `server`; (exit code, stdout, stderr).
async fn admin(server: &Running, args: &[&str], token: Option<&str>) -> (i32, String, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_localzoom"));
    cmd.arg("admin").args(["--base-url", &server.origin]).args(args);
    cmd.env_remove("LOCALZOOM_CONTROL_TOKEN");
    if let Some(t) = token {
        cmd.env("LOCALZOOM_CONTROL_TOKEN", t);
    }
    let out = cmd.output().await.unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

async fn admin_json(server: &Running, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, out, err) = admin(server, &all, Some(TOKEN)).await;
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|_| panic!("{args:?} printed no JSON: {out}"))
}

#[tokio::test]
async fn admin_commands_drive_the_control_plane() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = start(&["--ephemeral", "--control-token", TOKEN], &[]).await;

    // Without the token: refused, exit 1, Zoom's message.
    let (code, _, err) = admin(&s, &["accounts", "list"], None).await;
    assert_eq!(code, 1);
    assert!(err.contains("[401/401] Control token required."), "{err}");

    // Ids may start with '-' (Zoom's ids are URL-safe base64): they are values, not flags.
    let cases: [&[&str]; 3] = [
        &["apps", "create", "--account", "-no-such-account"],
        &["accounts", "create", "--master", "-no-such-account"],
        &["accounts", "delete", "-no-such-account", "--json"],
    ];
    for args in cases {
        let (code, _, err) = admin(&s, args, Some(TOKEN)).await;
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            !err.contains("unexpected argument") && err.contains("-no-such-account"),
            "{err}"
        );
    }

    // Seed from YAML.
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        "accounts:\n  - default: true\n    users:\n      - {email: ann@example.com, type: 2}\n    meetings:\n      - {host: ann@example.com, topic: Kickoff, type: 2, start_time: '2030-01-01T10:00:00Z'}\n",
    )
    .unwrap();
    let ids = admin_json(&s, &["seed", seed.to_str().unwrap()]).await;
    assert!(ids["accounts"][0]["users"]["ann@example.com"].is_string(), "{ids}");
    let (code, out, _) = admin(&s, &["seed", seed.to_str().unwrap()], Some(TOKEN)).await;
    assert_eq!(code, 1, "the same emails again are refused: {out}");

    // The journal, filtered.
    let token = s.token().await;
    reqwest::Client::new()
        .get(format!("{}/v2/users/ann@example.com", s.origin))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let list = admin_json(&s, &["requests", "--path", "/v2/users/*", "--status", "200"]).await;
    assert_eq!(list["total"], 1, "{list}");
    let (code, table, _) = admin(&s, &["requests", "--method", "GET"], Some(TOKEN)).await;
    assert_eq!(code, 0);
    assert!(
        table.starts_with("ID") && table.contains("/v2/users/ann@example.com"),
        "{table}"
    );

    // Webhooks: the event log holds the seeded user's creation; an endpoint that does not answer
    // Zoom's URL validation is refused.
    let events = admin_json(&s, &["webhooks", "events", "--event", "user.created"]).await;
    assert_eq!(
        events["events"][0]["body"]["payload"]["object"]["email"], "ann@example.com",
        "{events}"
    );
    let client = s.value("client id");
    let (code, _, err) = admin(
        &s,
        &[
            "webhooks",
            "subscribe",
            "--app",
            &client,
            "--url",
            "http://127.0.0.1:1/hook",
            "--event",
            "user.created",
        ],
        Some(TOKEN),
    )
    .await;
    assert_eq!(code, 1);
    assert!(err.contains("URL validation failed"), "{err}");
    assert_eq!(
        admin_json(&s, &["webhooks", "list", "--app", &client]).await["event_subscriptions"],
        serde_json::json!([])
    );
    assert_eq!(
        admin_json(&s, &["webhooks", "deliveries"]).await["deliveries"],
        serde_json::json!([])
    );

    // Fault rules.
    let rule = admin_json(
        &s,
        &[
            "faults",
            "add",
            "--operation",
            "users",
            "--status",
            "503",
            "--times",
            "1",
        ],
    )
    .await;
    assert_eq!(rule["remaining"], 1);
    let rules = admin_json(&s, &["faults", "list"]).await;
    assert_eq!(rules["faults"].as_array().unwrap().len(), 1);
    let resp = reqwest::Client::new()
        .get(format!("{}/v2/users", s.origin))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    admin_json(&s, &["faults", "add", "--path", "/v2/x", "--status", "500"]).await;
    admin_json(&s, &["faults", "clear"]).await;
    assert_eq!(
        admin_json(&s, &["faults", "list"]).await["faults"],
        serde_json::json!([])
    );

    // The clock.
    let clock = admin_json(&s, &["clock", "--set", "2031-01-01T00:00:00Z", "--freeze"]).await;
    assert_eq!(
        (clock["now"].as_str(), clock["frozen"].as_bool()),
        (Some("2031-01-01T00:00:00Z"), Some(true))
    );
    let clock = admin_json(&s, &["clock", "--advance", "2h"]).await;
    assert_eq!(clock["now"], "2031-01-01T02:00:00Z");

    // Accounts and apps.
    let created = admin_json(&s, &["accounts", "create", "--plan", "pro"]).await;
    let id = created["account_id"].as_str().unwrap().to_string();
    let app = admin_json(&s, &["apps", "create", "--account", &id, "--scope", "user:read:admin"]).await;
    let apps = admin_json(&s, &["apps", "list", "--account", &id]).await;
    assert_eq!(apps["apps"].as_array().unwrap().len(), 2, "{apps}");
    admin_json(&s, &["apps", "delete", app["client_id"].as_str().unwrap()]).await;
    let accounts = admin_json(&s, &["accounts", "list"]).await;
    assert_eq!(accounts["accounts"].as_array().unwrap().len(), 2);
    admin_json(&s, &["accounts", "delete", &id]).await;

    // State export, reset, import: the same document back.
    let file = dir.path().join("state.json");
    admin_json(&s, &["state", "export", file.to_str().unwrap()]).await;
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    admin_json(&s, &["reset"]).await;
    let after_reset = admin_json(&s, &["accounts", "list"]).await;
    assert_eq!(after_reset["accounts"].as_array().unwrap().len(), 1);
    admin_json(&s, &["state", "import", file.to_str().unwrap()]).await;
    let (code, again, _) = admin(&s, &["state", "export"], Some(TOKEN)).await;
    assert_eq!(code, 0);
    let again: Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again, exported);
    admin_json(&s, &["requests", "clear"]).await;
    assert_eq!(admin_json(&s, &["requests"]).await["total"], 0);
    s.child.kill().await.unwrap();
}

#[tokio::test]
async fn serve_seed_applies_to_a_new_store_only() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        r#"{"accounts": [{"default": true, "users": [{"email": "seeded@example.com"}]}]}"#,
    )
    .unwrap();
    let data = dir.path().join("data");
    let args = ["--data-dir", data.to_str().unwrap(), "--seed", seed.to_str().unwrap()];
    let mut first = start(&args, &[]).await;
    assert!(first.value("seed").starts_with("applied"), "{:?}", first.banner);
    let token = first.token().await;
    let resp = reqwest::Client::new()
        .get(format!("{}/v2/users/seeded@example.com", first.origin))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    first.child.kill().await.unwrap();
    let mut second = start(&args, &[]).await;
    assert!(second.value("seed").starts_with("not applied"), "{:?}", second.banner);
    second.child.kill().await.unwrap();
    // A refused seed leaves the new store as a first start made it, so the corrected seed applies.
    let fresh = dir.path().join("fresh");
    std::fs::write(
        &seed,
        r#"{"accounts": [{"default": true, "users": [{"email": "ok@example.com"}, {"email": "bad"}]}]}"#,
    )
    .unwrap();
    let args = [
        "serve",
        "--port",
        "0",
        "--data-dir",
        fresh.to_str().unwrap(),
        "--seed",
        seed.to_str().unwrap(),
    ];
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_localzoom"))
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("users[1].email"), "{err}");
    std::fs::write(
        &seed,
        r#"{"accounts": [{"default": true, "users": [{"email": "ok@example.com"}]}]}"#,
    )
    .unwrap();
    let mut third = start(&args[3..], &[]).await;
    assert!(third.value("seed").starts_with("applied"), "{:?}", third.banner);
    third.child.kill().await.unwrap();
    // LOCALZOOM_EPHEMERAL takes the usual spellings of true.
    let mut e = start(&[], &[("LOCALZOOM_EPHEMERAL", "1")]).await;
    assert!(e.value("store").starts_with("ephemeral"), "{:?}", e.banner);
    e.child.kill().await.unwrap();
    // A bad seed file stops the start with one line naming the flag.
    std::fs::write(&seed, "{not json").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_localzoom"))
        .args(["serve", "--ephemeral", "--port", "0", "--seed", seed.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--seed") && err.contains("not valid JSON"), "{err}");
}

/// `localzoom admin apps create --oauth` then `localzoom login`: the device flow end to end, the
/// person's part done by posting the device page's form.
#[tokio::test]
async fn login_runs_the_device_flow_and_saves_tokens_only_when_asked() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut s = start(&["--ephemeral", "--control-token", TOKEN], &[]).await;
    let app = admin_json(
        &s,
        &[
            "apps",
            "create",
            "--oauth",
            "--redirect-uri",
            "http://127.0.0.1:9/cb",
            "--scope",
            "user:read",
        ],
    )
    .await;
    assert_eq!(app["type"], "oauth");
    let saved = dir.path().join("tokens.json");
    let mut login = tokio::process::Command::new(env!("CARGO_BIN_EXE_localzoom"))
        .args(["login", "--oauth-url", &s.origin, "--save"])
        .arg(&saved)
        .env("ZOOM_CLIENT_ID", app["client_id"].as_str().unwrap())
        .env("ZOOM_CLIENT_SECRET", app["client_secret"].as_str().unwrap())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(login.stderr.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    let code = first.rsplit(' ').next().unwrap().to_string();
    assert!(first.contains(&format!("{}/oauth/device", s.origin)), "{first}");
    let owner = s.value("owner");
    let owner_email = owner.split_whitespace().next().unwrap();
    // The person: the page for the code, then Allow as the owner.
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/oauth/device?user_code={code}", s.origin))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "<option value=\"";
    let at = page.find(marker).unwrap_or_else(|| panic!("{page}")) + marker.len();
    let user_id = page[at..].split('"').next().unwrap();
    let resp = http
        .post(format!("{}/oauth/device", s.origin))
        .form(&[("user_code", code.as_str()), ("action", "allow"), ("user", user_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), login.wait())
        .await
        .expect("login finishes within 30 s")
        .unwrap();
    let mut rest = Vec::new();
    while let Some(l) = lines.next_line().await.unwrap() {
        rest.push(l);
    }
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|l| l == &format!("Signed in as {owner_email}.")),
        "{rest:?}"
    );
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut login.stdout.take().unwrap(), &mut out)
        .await
        .unwrap();
    assert_eq!(out, "", "with --save nothing goes to stdout");
    let tokens: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert!(tokens["refresh_token"].is_string() && tokens["access_token"].is_string());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&saved).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let me = http
        .get(format!("{}/v2/users/me", s.origin))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    s.child.kill().await.unwrap();
}
