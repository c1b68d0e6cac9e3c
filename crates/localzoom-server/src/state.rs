//! The state every handler shares: the store, the clock and the configuration.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, RwLock};

use axum::http::header::HOST;
use axum::http::HeaderMap;

use crate::clock::Clock;
use crate::config::Config;
use crate::runtime::Switches;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub clock: Clock,
    pub config: Config,
    switches: RwLock<Switches>,
    /// Per-second counters of the rate limiter, when the store is SQLite (one process).
    pub local_counters: crate::ratelimit::store::LocalCounters,
    /// The request journal of this process.
    pub journal: crate::control::journal::Journal,
    /// `http://HOST:PORT` as bound, for URLs in webhook events (which have no request Host).
    pub bound_origin: std::sync::OnceLock<String>,
    /// This process's copy of the stored fault rules.
    pub faults: crate::ratelimit::faults::FaultCache,
    /// Control plane: milliseconds an operation waits while holding its lock key, by operation id.
    latency: RwLock<HashMap<String, u64>>,
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
            switches: RwLock::new(Switches {
                enabled: config.rate_limits.enabled(),
                scale: config.rate_limit_scale,
            }),
            journal: crate::control::journal::Journal::new(config.journal_size as usize),
            faults: Default::default(),
            bound_origin: std::sync::OnceLock::new(),
            config,
            local_counters: Default::default(),
            latency: RwLock::default(),
        }))
    }

    /// The rate-limit switches in force.
    pub fn switches(&self) -> Switches {
        *self.switches.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_switches(&self, s: Switches) {
        *self.switches.write().unwrap_or_else(|p| p.into_inner()) = s;
    }

    pub fn latency_ms(&self, operation: &str) -> u64 {
        let map = self.latency.read().unwrap_or_else(|p| p.into_inner());
        map.get(operation).copied().unwrap_or(0)
    }

    pub fn latencies(&self) -> HashMap<String, u64> {
        self.latency.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Sets (or with 0 clears) an operation's added latency; returns all of them.
    pub fn set_latency_ms(&self, operation: &str, ms: u64) -> HashMap<String, u64> {
        let mut map = self.latency.write().unwrap_or_else(|p| p.into_inner());
        if ms == 0 {
            map.remove(operation);
        } else {
            map.insert(operation.to_string(), ms);
        }
        map.clone()
    }

    /// The origin for URLs handed out: `--public-url`, else `http://` + the request's Host.
    /// The origin for URLs handed out where there is no request: `--public-url`, else the bound address.
    pub fn origin_without_request(&self) -> String {
        match &self.config.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => self
                .bound_origin
                .get()
                .cloned()
                .unwrap_or_else(|| format!("http://{}:{}", self.config.host, self.config.port)),
        }
    }

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
