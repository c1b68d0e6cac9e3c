//! The state every handler shares: the store, the clock and the configuration.

use std::ops::Deref;
use std::sync::Arc;

use axum::http::header::HOST;
use axum::http::HeaderMap;

use crate::clock::Clock;
use crate::config::Config;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub clock: Clock,
    pub config: Config,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        AppState(Arc::new(Inner {
            store,
            clock: Clock::default(),
            config,
        }))
    }

    /// The origin for URLs handed out: `--public-url`, else `http://` + the request's Host.
    pub fn public_origin(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.config.public_url {
            return url.trim_end_matches('/').to_string();
        }
        let host = headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}:{}", self.config.host, self.config.port));
        format!("http://{host}")
    }
}
