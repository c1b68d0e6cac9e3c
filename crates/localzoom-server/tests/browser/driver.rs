//! A headless Chromium driven over WebDriver (Debian's `chromium` and `chromium-driver`).
//! Without them the browser tests are skipped with a message, unless
//! `LOCALZOOM_REQUIRE_BROWSER=1` (as `.ci/run` sets), which makes their absence a failure.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use localzoom_server::testing::TestDatabase;
use localzoom_server::{AccountCredentials, Config, Server};
use serde_json::{json, Value};

/// A localzoom on port 0 with a fresh store (PostgreSQL when `LOCALZOOM_TEST_POSTGRES_URL` is set).
pub struct Localzoom {
    pub origin: String,
    pub creds: AccountCredentials,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    _db: Option<std::sync::Arc<TestDatabase>>,
}

pub async fn localzoom(tweak: impl FnOnce(&mut Config)) -> Localzoom {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::from_env().await.map(std::sync::Arc::new);
    let mut config = Config {
        data_dir: Some(dir.path().to_path_buf()),
        database_url: db.as_ref().map(|d| d.url.clone()),
        port: 0,
        ..Config::default()
    };
    tweak(&mut config);
    let server = Server::new(config).await.expect("server starts");
    let creds = server.credentials().clone();
    let (listener, addr) = localzoom_server::bind(&server).await.unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    Localzoom {
        origin: format!("http://{addr}"),
        creds,
        http: reqwest::Client::new(),
        _dir: dir,
        _db: db,
    }
}

impl Localzoom {
    /// A Server-to-Server token of the default app.
    pub async fn token(&self) -> String {
        let body: Value = self
            .http
            .post(format!("{}/oauth/token", self.origin))
            .basic_auth(&self.creds.client_id, Some(&self.creds.client_secret))
            .form(&[
                ("grant_type", "account_credentials"),
                ("account_id", self.creds.account_id.as_str()),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }
}

/// chromedriver's `POST /session/{id}/se/log` for the browser's console.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &reqwest::Url,
        session: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

pub struct Browser {
    pub client: Client,
    driver: tokio::process::Child,
    shots: PathBuf,
}

fn find(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

impl Browser {
    /// A fresh headless browser at 1280×800, or `None` (skip) when none is installed.
    pub async fn start(test: &str) -> Option<Browser> {
        let driver_bin = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .or_else(|| find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]));
        let chrome_bin = std::env::var_os("CHROME_BIN")
            .map(PathBuf::from)
            .or_else(|| find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]));
        let (Some(driver_bin), Some(chrome_bin)) = (driver_bin, chrome_bin) else {
            assert!(
                std::env::var("LOCALZOOM_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "LOCALZOOM_REQUIRE_BROWSER=1 but chromium or chromedriver is missing (apt-get install chromium chromium-driver)"
            );
            eprintln!("skipping {test}: no chromium/chromedriver (apt-get install chromium chromium-driver)");
            return None;
        };
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = tokio::process::Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let caps = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chrome_bin,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,800", "--no-first-run", "--disable-extensions"]
            }
        });
        let caps = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
                    std::fs::create_dir_all(&shots).unwrap();
                    return Some(Browser { client, driver, shots });
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start a session: {last:?}");
    }

    /// Saves a PNG of the page as `name.png` under the test output directory; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.unwrap();
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Console messages at error level since the last call (chromedriver drains its log).
    pub async fn console_errors(&self) -> Vec<String> {
        let logs = self.client.issue_cmd(BrowserLog).await.unwrap();
        logs.as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}
