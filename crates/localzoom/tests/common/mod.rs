//! Runs the `localzoom` binary for the binary's test files: start it, read its banner, get a token.

#![allow(dead_code)]

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use localzoom_server::testing::TestDatabase;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Running {
    pub child: Child,
    pub origin: String,
    pub banner: Vec<String>,
}

impl Running {
    pub fn value(&self, label: &str) -> String {
        let line = self
            .banner
            .iter()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {:?}", self.banner));
        line.split_once(':').unwrap().1.trim().to_string()
    }

    pub async fn token(&self) -> String {
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

pub async fn start(args: &[&str], envs: &[(&str, &str)]) -> Running {
    start_logged(args, envs, None).await
}

/// Like `start`, with the server's stderr (its log) written to `log` when given.
pub async fn start_logged(args: &[&str], envs: &[(&str, &str)], log: Option<&Path>) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_localzoom"));
    cmd.arg("serve")
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(match log {
            Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
            None => Stdio::null(),
        })
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
pub async fn start_in(dir: &Path, db: Option<&TestDatabase>) -> Running {
    match db {
        Some(db) => start(&["--database-url", &db.url], &[]).await,
        None => start(&["--data-dir", dir.to_str().unwrap()], &[]).await,
    }
}
