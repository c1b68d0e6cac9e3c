//! `localzoom admin …`: the control plane from the command line (reset, state, seed, the request
//! journal, fault rules, the clock, accounts and apps), as tables or `--json`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{json, Map, Value};

use crate::cli::table;

mod faults;
mod webhooks;

pub use faults::FaultsCommand;
pub use webhooks::WebhooksCommand;

#[derive(Debug, Clone, Args)]
pub struct AdminConnection {
    /// localzoom's origin.
    #[arg(long, env = "LOCALZOOM_URL", default_value = "http://127.0.0.1:9666", global = true)]
    pub base_url: String,

    /// The server's --control-token, when it has one.
    #[arg(long, env = "LOCALZOOM_CONTROL_TOKEN", global = true, hide_env_values = true)]
    pub control_token: Option<String>,

    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Reset the store to its first start (same default credentials), or one account with --account.
    Reset {
        #[arg(long, allow_hyphen_values = true)]
        account: Option<String>,
    },
    /// Export or import the whole state.
    State {
        #[command(subcommand)]
        command: StateCommand,
    },
    /// Add a seed document (JSON, or YAML by extension) to the current state.
    Seed { file: PathBuf },
    /// The request journal: list (filters below), or `requests clear`.
    Requests {
        #[command(subcommand)]
        command: Option<RequestsCommand>,
        #[arg(long)]
        method: Option<String>,
        /// Exact path or a glob (`*` matches anything, `/` included).
        #[arg(long)]
        path: Option<String>,
        #[arg(long)]
        operation: Option<String>,
        #[arg(long)]
        status: Option<u16>,
        #[arg(long, allow_hyphen_values = true)]
        account_id: Option<String>,
        /// RFC 3339 time.
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Fault rules: add, list, delete, clear.
    Faults {
        #[command(subcommand)]
        command: FaultsCommand,
    },
    /// Show the test clock, or move it.
    Clock {
        /// Move forward (or back with a leading -) by a duration: 90s, 15m, 2h, 3d.
        #[arg(long, allow_hyphen_values = true)]
        advance: Option<String>,
        /// Set it to an RFC 3339 time.
        #[arg(long)]
        set: Option<String>,
        #[arg(long, conflicts_with = "unfreeze")]
        freeze: bool,
        #[arg(long)]
        unfreeze: bool,
    },
    /// Accounts: list, create, delete.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Server-to-Server apps: list, create, delete.
    Apps {
        #[command(subcommand)]
        command: AppsCommand,
    },
    /// What the API does not show of a user (any account): client, quotas, lock keys.
    User {
        #[arg(allow_hyphen_values = true)]
        user: String,
    },
    /// Webhooks: subscribe, list, deliveries, retry, events.
    Webhooks {
        #[command(subcommand)]
        command: WebhooksCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Write the state to FILE (or standard output).
    Export { file: Option<PathBuf> },
    /// Replace the whole state with FILE.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum RequestsCommand {
    /// Empty the journal.
    Clear,
    /// How many entries match the filters.
    Count,
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    List,
    /// Create an account (a sub account with --master).
    Create {
        #[arg(long)]
        plan: Option<String>,
        #[arg(long)]
        owner_email: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        master: Option<String>,
    },
    /// Delete a non-default account and everything in it.
    Delete {
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// The apps of an account (the default one without --account).
    List {
        #[arg(long, allow_hyphen_values = true)]
        account: Option<String>,
    },
    /// Create an app holding the given scopes: Server-to-Server, or with --oauth an OAuth app
    /// that users authorize (authorization code or device flow).
    Create {
        /// The account (the default one without it).
        #[arg(long, allow_hyphen_values = true)]
        account: Option<String>,
        /// The app's name (shown on the consent page of OAuth apps).
        #[arg(long)]
        name: Option<String>,
        /// A scope (repeatable).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// An OAuth app (needs --redirect-uri) instead of a Server-to-Server one.
        #[arg(long)]
        oauth: bool,
        /// Where the OAuth app's users are sent back (repeatable).
        #[arg(long = "redirect-uri", requires = "oauth")]
        redirect_uris: Vec<String>,
    },
    /// Delete an app; its tokens stop working.
    Delete {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
    },
}

struct Admin {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

/// A control-plane failure, printed as `[status/code] message`.
struct Failure(String);

impl Admin {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<Value, Failure> {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).query(query);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| Failure(format!("cannot reach {}: {e}", self.base)))?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| Failure(e.to_string()))?;
        let value: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        if status.is_success() {
            return Ok(value);
        }
        let mut message = format!(
            "[{}/{}] {}",
            status.as_u16(),
            value["code"].as_i64().map(|c| c.to_string()).unwrap_or_default(),
            value["message"].as_str().unwrap_or("")
        );
        for e in value["errors"].as_array().into_iter().flatten() {
            message.push_str(&format!(
                "\n  {}: {}",
                e["field"].as_str().unwrap_or(""),
                e["message"].as_str().unwrap_or("")
            ));
        }
        Err(Failure(message))
    }
}

fn read_document(path: &std::path::Path) -> Result<Value, Failure> {
    localzoom_server::control::seed::read_file(path).map_err(Failure)
}

/// A path segment, percent-encoded (ids given on the command line may hold any character).
fn segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `90s`, `15m`, `2h`, `3d`, or plain seconds; a leading `-` goes back.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s),
    };
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = digits.parse().ok()?;
    let mult = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return None,
    };
    Some(sign * n * mult)
}

fn done(json_mode: bool, value: &Value, text: &str) {
    let mut out = std::io::stdout().lock();
    if json_mode {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(value).unwrap_or_default());
    } else {
        let _ = writeln!(out, "{text}");
    }
}

pub async fn run(conn: &AdminConnection, command: AdminCommand) -> ExitCode {
    let admin = Admin {
        http: reqwest::Client::new(),
        base: conn.base_url.trim_end_matches('/').to_string(),
        token: conn.control_token.clone().filter(|t| !t.is_empty()),
    };
    match execute(&admin, conn.json, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(a: &Admin, json_mode: bool, command: AdminCommand) -> Result<(), Failure> {
    use reqwest::Method as M;
    match command {
        AdminCommand::Reset { account } => {
            let query: Vec<(&str, String)> = account.iter().map(|id| ("account_id", id.clone())).collect();
            a.call(M::POST, "/_localzoom/reset", &query, None).await?;
            let what = account
                .map(|id| format!("account {id} reset"))
                .unwrap_or_else(|| "localzoom reset".into());
            done(json_mode, &json!({}), &what);
        }
        AdminCommand::State {
            command: StateCommand::Export { file },
        } => {
            let doc = a.call(M::GET, "/_localzoom/state", &[], None).await?;
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            match file {
                Some(path) => {
                    std::fs::write(&path, text + "\n")
                        .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
                    done(
                        json_mode,
                        &json!({"file": path}),
                        &format!("state written to {}", path.display()),
                    );
                }
                None => println!("{text}"),
            }
        }
        AdminCommand::State {
            command: StateCommand::Import { file },
        } => {
            let doc = read_document(&file)?;
            a.call(M::PUT, "/_localzoom/state", &[], Some(doc)).await?;
            done(
                json_mode,
                &json!({}),
                &format!("state imported from {}", file.display()),
            );
        }
        AdminCommand::Seed { file } => {
            let doc = read_document(&file)?;
            let ids = a.call(M::POST, "/_localzoom/seed", &[], Some(doc)).await?;
            let rows: Vec<Value> = ids["accounts"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|acc| {
                    json!({"id": acc["id"], "users": acc["users"].as_object().map(Map::len).unwrap_or(0),
                           "meetings": acc["meetings"].as_object().map(Map::len).unwrap_or(0)})
                })
                .collect();
            table(
                json_mode,
                &ids,
                &[("account", "/id"), ("users", "/users"), ("meetings", "/meetings")],
                &rows,
            );
        }
        AdminCommand::Requests {
            command: Some(RequestsCommand::Clear),
            ..
        } => {
            a.call(M::DELETE, "/_localzoom/requests", &[], None).await?;
            done(json_mode, &json!({}), "journal cleared");
        }
        AdminCommand::User { user } => {
            let inside = a
                .call(M::GET, &format!("/_localzoom/users/{}", segment(&user)), &[], None)
                .await?;
            let text = serde_json::to_string_pretty(&inside).unwrap_or_default();
            done(json_mode, &inside, &text);
        }
        AdminCommand::Requests {
            command,
            method,
            path,
            operation,
            status,
            account_id,
            since,
            limit,
        } => {
            let mut q: Vec<(&str, String)> = Vec::new();
            let pairs = [
                ("method", method),
                ("path", path),
                ("operation", operation),
                ("account_id", account_id),
                ("since", since),
            ];
            for (k, v) in pairs {
                if let Some(v) = v {
                    q.push((k, v));
                }
            }
            if let Some(s) = status {
                q.push(("status", s.to_string()));
            }
            if let Some(l) = limit {
                q.push(("limit", l.to_string()));
            }
            if matches!(command, Some(RequestsCommand::Count)) {
                let count = a.call(M::GET, "/_localzoom/requests/count", &q, None).await?;
                done(json_mode, &count, &count["count"].to_string());
                return Ok(());
            }
            let list = a.call(M::GET, "/_localzoom/requests", &q, None).await?;
            let rows = list["requests"].as_array().cloned().unwrap_or_default();
            table(
                json_mode,
                &list,
                &[
                    ("id", "/id"),
                    ("at", "/at"),
                    ("method", "/method"),
                    ("path", "/path"),
                    ("status", "/status"),
                    ("operation", "/operation"),
                    ("ms", "/duration_ms"),
                ],
                &rows,
            );
        }
        AdminCommand::Faults { command } => faults::faults(a, json_mode, command).await?,
        AdminCommand::Webhooks { command } => webhooks::webhooks(a, json_mode, command).await?,
        AdminCommand::Clock {
            advance,
            set,
            freeze,
            unfreeze,
        } => {
            let mut body = Map::new();
            if let Some(d) = advance {
                let secs =
                    parse_duration(&d).ok_or_else(|| Failure(format!("--advance {d}: use 90s, 15m, 2h or 3d")))?;
                body.insert("advance_seconds".into(), json!(secs));
            }
            if let Some(at) = set {
                body.insert("now".into(), json!(at));
            }
            if freeze || unfreeze {
                body.insert("frozen".into(), json!(freeze));
            }
            let clock = if body.is_empty() {
                a.call(M::GET, "/_localzoom/clock", &[], None).await?
            } else {
                a.call(M::POST, "/_localzoom/clock", &[], Some(Value::Object(body)))
                    .await?
            };
            let text = format!(
                "{}{}",
                clock["now"].as_str().unwrap_or(""),
                if clock["frozen"] == true { " (frozen)" } else { "" }
            );
            done(json_mode, &clock, &text);
        }
        AdminCommand::Accounts { command } => match command {
            AccountsCommand::List => {
                let list = a.call(M::GET, "/_localzoom/accounts", &[], None).await?;
                let rows = list["accounts"].as_array().cloned().unwrap_or_default();
                table(
                    json_mode,
                    &list,
                    &[
                        ("id", "/id"),
                        ("plan", "/plan"),
                        ("owner", "/owner_id"),
                        ("master", "/master_account_id"),
                        ("default", "/default"),
                    ],
                    &rows,
                );
            }
            AccountsCommand::Create {
                plan,
                owner_email,
                master,
            } => {
                let body = json!({"plan": plan, "owner_email": owner_email, "master_account_id": master});
                let created = a.call(M::POST, "/_localzoom/accounts", &[], Some(body)).await?;
                table(
                    json_mode,
                    &created,
                    &[
                        ("account", "/account_id"),
                        ("client id", "/client_id"),
                        ("client secret", "/client_secret"),
                        ("owner", "/owner_email"),
                    ],
                    std::slice::from_ref(&created),
                );
            }
            AccountsCommand::Delete { id } => {
                a.call(M::DELETE, &format!("/_localzoom/accounts/{}", segment(&id)), &[], None)
                    .await?;
                done(json_mode, &json!({}), &format!("account {id} deleted"));
            }
        },
        AdminCommand::Apps { command } => match command {
            AppsCommand::List { account } => {
                let q: Vec<(&str, String)> = account.into_iter().map(|id| ("account_id", id)).collect();
                let list = a.call(M::GET, "/_localzoom/apps", &q, None).await?;
                let rows = list["apps"].as_array().cloned().unwrap_or_default();
                table(
                    json_mode,
                    &list,
                    &[
                        ("client id", "/client_id"),
                        ("name", "/name"),
                        ("type", "/type"),
                        ("account", "/account_id"),
                    ],
                    &rows,
                );
            }
            AppsCommand::Create {
                account,
                name,
                scopes,
                oauth,
                redirect_uris,
            } => {
                let mut body = json!({"account_id": account, "name": name, "scopes": scopes});
                if oauth {
                    body["type"] = json!("oauth");
                    body["redirect_uris"] = json!(redirect_uris);
                }
                let created = a.call(M::POST, "/_localzoom/apps", &[], Some(body)).await?;
                table(
                    json_mode,
                    &created,
                    &[
                        ("client id", "/client_id"),
                        ("client secret", "/client_secret"),
                        ("type", "/type"),
                        ("account", "/account_id"),
                    ],
                    std::slice::from_ref(&created),
                );
            }
            AppsCommand::Delete { client_id } => {
                a.call(
                    M::DELETE,
                    &format!("/_localzoom/apps/{}", segment(&client_id)),
                    &[],
                    None,
                )
                .await?;
                done(json_mode, &json!({}), &format!("app {client_id} deleted"));
            }
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::parse_duration("90s"), Some(90));
        assert_eq!(super::parse_duration("2h"), Some(7200));
        assert_eq!(super::parse_duration("-1d"), Some(-86400));
        assert_eq!(super::parse_duration("15"), Some(15));
        assert_eq!(super::parse_duration("1y"), None);
    }
}
