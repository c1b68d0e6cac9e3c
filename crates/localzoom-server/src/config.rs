//! One `Config` for the server: every CLI flag of `localzoom serve` and its `LOCALZOOM_*` variable.
//! The defaults run with no flags at all.

use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LOCALZOOM_HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on (0 picks a free one; the real port is printed).
    #[arg(long, env = "LOCALZOOM_PORT", default_value_t = 9666)]
    pub port: u16,

    /// Directory holding the SQLite store [default: $XDG_DATA_HOME/localzoom, i.e. ~/.local/share/localzoom].
    #[arg(long, env = "LOCALZOOM_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Throwaway state: the store lives in a private temporary directory that is removed at exit
    /// (nothing is written to the data directory).
    #[arg(long, env = "LOCALZOOM_EPHEMERAL", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub ephemeral: bool,

    /// Database URL: `sqlite://PATH` (default: a file under the data directory) or `postgres://…`.
    #[arg(long, env = "LOCALZOOM_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Origin used in URLs the server hands out (`api_url`, …) [default: the request's Host].
    #[arg(long, env = "LOCALZOOM_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Email of the default account's owner, used when the account is first created.
    #[arg(long, env = "LOCALZOOM_OWNER_EMAIL", default_value = "owner@localzoom.local")]
    pub owner_email: String,

    /// Fix the default account's id (wins over the stored one).
    #[arg(long, env = "LOCALZOOM_ACCOUNT_ID")]
    pub account_id: Option<String>,

    /// Fix the default Server-to-Server app's client id (wins over the stored one).
    #[arg(long, env = "LOCALZOOM_CLIENT_ID")]
    pub client_id: Option<String>,

    /// Fix the default Server-to-Server app's client secret (wins over the stored one).
    #[arg(long, env = "LOCALZOOM_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,

    /// Fix the default app's webhook secret token (wins over the stored one).
    #[arg(long, env = "LOCALZOOM_SECRET_TOKEN", hide_env_values = true, value_parser = parse_secret_token)]
    pub secret_token: Option<String>,

    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "LOCALZOOM_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Zoom's rate limits (per-second, daily, per-resource and lock keys); `off` never answers 429.
    /// Changeable at run time through `/_localzoom/ratelimits`.
    #[arg(long, env = "LOCALZOOM_RATE_LIMITS", value_enum, default_value = "on")]
    pub rate_limits: RateLimitMode,

    /// Multiplies every numeric rate limit (e.g. 1000 for load tests); counting still runs.
    #[arg(long, env = "LOCALZOOM_RATE_LIMIT_SCALE", default_value_t = 1.0, value_parser = parse_scale)]
    pub rate_limit_scale: f64,

    /// Most database connections the server opens [default: 8 for SQLite, 16 for PostgreSQL].
    #[arg(long, env = "LOCALZOOM_DB_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_max_connections: Option<u32>,

    /// How long a request waits for a database connection before it is answered 503, in milliseconds.
    #[arg(long, env = "LOCALZOOM_DB_TIMEOUT_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    pub db_timeout_ms: u64,

    /// Require `Authorization: Bearer TOKEN` on the control plane (`/_localzoom/*`, but the health check).
    #[arg(long, env = "LOCALZOOM_CONTROL_TOKEN", hide_env_values = true)]
    pub control_token: Option<String>,

    /// Requests kept in the request journal (`/_localzoom/requests`), newest first; 0 turns it off.
    #[arg(long, env = "LOCALZOOM_JOURNAL_SIZE", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub journal_size: u64,

    /// A seed document (JSON, or YAML by extension) applied when the store is new (every start with --ephemeral).
    #[arg(long, env = "LOCALZOOM_SEED")]
    pub seed: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RateLimitMode {
    On,
    Off,
}

impl RateLimitMode {
    pub fn enabled(self) -> bool {
        self == RateLimitMode::On
    }
}

/// A webhook secret token: 1 to 64 letters, digits, `-` or `_` (Zoom's are 22 URL-safe characters).
pub fn valid_secret_token(t: &str) -> bool {
    (1..=64).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn parse_secret_token(s: &str) -> Result<String, String> {
    if valid_secret_token(s) {
        Ok(s.to_string())
    } else {
        Err("expected 1 to 64 letters, digits, '-' or '_'".to_string())
    }
}

fn parse_scale(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if crate::runtime::valid_scale(v) => Ok(v),
        _ => Err(format!(
            "expected a number above 0 and at most {}",
            crate::runtime::MAX_SCALE
        )),
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 9666,
            data_dir: None,
            ephemeral: false,
            database_url: None,
            public_url: None,
            owner_email: "owner@localzoom.local".into(),
            account_id: None,
            client_id: None,
            client_secret: None,
            secret_token: None,
            max_body_bytes: 16 * 1024 * 1024,
            rate_limits: RateLimitMode::On,
            rate_limit_scale: 1.0,
            db_max_connections: None,
            db_timeout_ms: 30_000,
            control_token: None,
            journal_size: 1000,
            seed: None,
        }
    }
}

impl Config {
    /// A config for tests and embedding: in-memory store, port 0.
    pub fn ephemeral() -> Self {
        Self {
            ephemeral: true,
            port: 0,
            ..Self::default()
        }
    }

    /// The data directory: the flag, else `$XDG_DATA_HOME/localzoom`, else `~/.local/share/localzoom`.
    pub fn resolved_data_dir(&self) -> PathBuf {
        if let Some(dir) = &self.data_dir {
            return dir.clone();
        }
        if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(xdg).join("localzoom");
        }
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        home.join(".local").join("share").join("localzoom")
    }
}
