//! localzoom inside a Rust test, in the spirit of `wiremock`'s `MockServer::start()`: a server on a
//! free port of 127.0.0.1 with a throwaway store, its credentials, and a handle on its control
//! plane. Behind the `embedded` feature, so the default build ships none of it.
//!
//! ```no_run
//! # async fn demo() {
//! use localzoom_server::embedded::LocalZoom;
//! use serde_json::json;
//!
//! let zoom = LocalZoom::start_with_seed(json!({"accounts": [{"default": true,
//!     "users": [{"email": "ann@example.com", "type": 2}]}]})).await.unwrap();
//! // Point the code under test at zoom.base_url() with zoom.credentials().
//! let ann = zoom.seeded()["accounts"][0]["users"]["ann@example.com"].as_str().unwrap();
//! zoom.control().add_fault(json!({"operation": "user", "status": 503, "times": 1})).await.unwrap();
//! let journal = zoom.control().requests("path=/v2/users/*").await.unwrap();
//! zoom.control().reset().await.unwrap();
//! # }
//! ```

use serde_json::Value;
use tokio::sync::oneshot;

use crate::{AccountCredentials, Config, Server};

/// A running localzoom; it stops when dropped.
pub struct LocalZoom {
    base_url: String,
    credentials: AccountCredentials,
    seeded: Value,
    control: Control,
    _stop: oneshot::Sender<()>,
}

/// Why an embedded server could not start or a control call failed.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("localzoom did not start: {0}")]
    Start(String),
    #[error("control plane call failed: {status} {body}")]
    Control { status: u16, body: String },
    #[error("control plane unreachable: {0}")]
    Http(#[from] reqwest::Error),
}

impl LocalZoom {
    /// A server with an empty store (the default account, its owner and app only).
    pub async fn start() -> Result<Self, EmbeddedError> {
        Self::launch(Config::ephemeral(), None).await
    }

    /// A server whose store starts with a seed document (see README, "Seed documents").
    pub async fn start_with_seed(seed: Value) -> Result<Self, EmbeddedError> {
        Self::launch(Config::ephemeral(), Some(seed)).await
    }

    /// A server with a configuration of your own (its port is taken as given; 0 picks a free one).
    pub async fn start_with(config: Config, seed: Option<Value>) -> Result<Self, EmbeddedError> {
        Self::launch(config, seed).await
    }

    async fn launch(config: Config, seed: Option<Value>) -> Result<Self, EmbeddedError> {
        let server = Server::new(config)
            .await
            .map_err(|e| EmbeddedError::Start(e.to_string()))?;
        let seeded = match &seed {
            Some(doc) => crate::control::seed::apply(server.state(), doc)
                .await
                .map_err(|e| EmbeddedError::Start(format!("the seed was refused: {} {:?}", e.message, e.errors)))?,
            None => Value::Null,
        };
        let credentials = server.credentials().clone();
        let (listener, addr) = crate::bind(&server)
            .await
            .map_err(|e| EmbeddedError::Start(e.to_string()))?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.serve_with_shutdown(listener, async {
            let _ = stopped.await;
        }));
        let base_url = format!("http://{addr}");
        Ok(LocalZoom {
            control: Control {
                http: reqwest::Client::new(),
                base_url: base_url.clone(),
            },
            base_url,
            credentials,
            seeded,
            _stop: stop,
        })
    }

    /// `http://127.0.0.1:PORT`: the API is under `/v2`, OAuth under `/oauth`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The default account's id and its Server-to-Server app's credentials.
    pub fn credentials(&self) -> &AccountCredentials {
        &self.credentials
    }

    /// What the seed document created (`{"accounts": [{"id", "users": {email: id}, "meetings": {topic: id}}]}`), or null.
    pub fn seeded(&self) -> &Value {
        &self.seeded
    }

    /// The control plane of this server.
    pub fn control(&self) -> &Control {
        &self.control
    }
}

/// Calls on `/_localzoom`; each returns the answer's JSON (null for 204).
pub struct Control {
    http: reqwest::Client,
    base_url: String,
}

impl Control {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, EmbeddedError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base_url));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        if !(200..300).contains(&status) {
            return Err(EmbeddedError::Control { status, body: text });
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Back to the first start: same credentials, tokens issued before stop working.
    pub async fn reset(&self) -> Result<(), EmbeddedError> {
        self.call(reqwest::Method::POST, "/_localzoom/reset", None)
            .await
            .map(|_| ())
    }

    /// Adds a seed document; answers the ids it created.
    pub async fn seed(&self, doc: Value) -> Result<Value, EmbeddedError> {
        self.call(reqwest::Method::POST, "/_localzoom/seed", Some(doc)).await
    }

    /// The request journal, with a query string of filters (`"path=/v2/users/*&status=201"`).
    pub async fn requests(&self, query: &str) -> Result<Value, EmbeddedError> {
        self.call(reqwest::Method::GET, &format!("/_localzoom/requests?{query}"), None)
            .await
    }

    /// Adds a fault rule (`{"operation", "status", "times", …}`); answers the rule.
    pub async fn add_fault(&self, rule: Value) -> Result<Value, EmbeddedError> {
        self.call(reqwest::Method::POST, "/_localzoom/faults", Some(rule)).await
    }

    /// Removes every fault rule.
    pub async fn clear_faults(&self) -> Result<(), EmbeddedError> {
        self.call(reqwest::Method::DELETE, "/_localzoom/faults", None)
            .await
            .map(|_| ())
    }

    /// Moves the test clock by `seconds` (negative goes back).
    pub async fn advance_clock(&self, seconds: i64) -> Result<Value, EmbeddedError> {
        self.call(
            reqwest::Method::POST,
            "/_localzoom/clock",
            Some(serde_json::json!({ "advance_seconds": seconds })),
        )
        .await
    }

    /// The whole state as a document.
    pub async fn export(&self) -> Result<Value, EmbeddedError> {
        self.call(reqwest::Method::GET, "/_localzoom/state", None).await
    }
}
