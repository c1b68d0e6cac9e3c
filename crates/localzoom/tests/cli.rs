//! The `localzoom` binary: start-up banner, flags and environment, and durability across `kill -9`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use localzoom_server::testing::TestDatabase;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

struct Running {
    child: Child,
    origin: String,
    banner: Vec<String>,
}

impl Running {
    fn value(&self, label: &str) -> String {
        let line = self
            .banner
            .iter()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {:?}", self.banner));
        line.split_once(':').unwrap().1.trim().to_string()
    }

    async fn token(&self) -> String {
        let resp = reqwest::Client::new()
            .post(format!("{}/oauth/token", self.origin))
            .basic_auth(self.value("client id"), Some(self.value("client secret")))
            .query(&[
                ("grant_type", "account_credentials"),
                ("account_id", &self.value("account id")),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

async fn start(args: &[&str], envs: &[(&str, &str)]) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_localzoom"));
    cmd.arg("serve")
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    for var in [
        "LOCALZOOM_ACCOUNT_ID",
        "LOCALZOOM_CLIENT_ID",
        "LOCALZOOM_CLIENT_SECRET",
        "LOCALZOOM_PORT",
        "LOCALZOOM_DATA_DIR",
        "LOCALZOOM_DATABASE_URL",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = Vec::new();
    let origin = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(origin) = line.strip_prefix("listening on ") {
                return origin.to_string();
            }
            banner.push(line);
        }
        panic!("the server exited before listening: {banner:?}");
    })
    .await
    .expect("the server starts within 30 s");
    Running { child, origin, banner }
}

/// A server on `dir`, or on `db` when the suite runs on PostgreSQL.
async fn start_in(dir: &Path, db: Option<&TestDatabase>) -> Running {
    match db {
        Some(db) => start(&["--database-url", &db.url], &[]).await,
        None => start(&["--data-dir", dir.to_str().unwrap()], &[]).await,
    }
}

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
        ("LOCALZOOM_DATA_DIR", dir.path().to_str().unwrap()),
    ];
    let mut s = start(&[], &envs).await;
    assert_eq!(s.value("account id"), "acct0000000000000000ab");
    assert_eq!(s.value("client id"), "client-from-env");
    assert_eq!(s.value("client secret"), "secret-from-env");
    assert!(s.value("owner").starts_with("boss@example.com"));
    assert!(s.value("store").starts_with(dir.path().to_str().unwrap()));
    s.token().await;
    s.child.kill().await.unwrap();

    let mut e = start(&["--ephemeral"], &[]).await;
    assert!(e.value("store").contains("memory"));
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
    ] {
        let bad = std::process::Command::new(env!("CARGO_BIN_EXE_localzoom"))
            .arg("serve")
            .args(bad_args)
            .output()
            .unwrap();
        assert!(!bad.status.success(), "{bad_args:?} was accepted");
    }
}
