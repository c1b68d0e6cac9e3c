//! The client commands of the `localzoom` binary: users, meetings and registrants against
//! localzoom (the default) or Zoom, printed as tables or, with `--json`, as JSON.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use futures_util::StreamExt;
use localzoom_client::zoom_types::enums::{
    CreateAction, DeleteAction, MeetingListType, PresenceUpdate, RegistrantAction, RegistrantStatus, StatusAction,
    UserStatus,
};
use localzoom_client::zoom_types::meetings::{MeetingRequest, NewRegistrant};
use localzoom_client::zoom_types::users::{CreateUserRequest, NewUserInfo};
use localzoom_client::{Client, DeleteUser, Error, ListMeetings, ListRegistrants, ListUsers, UserRef};
use serde_json::{json, Map, Value};

mod meetings;

pub use meetings::{meetings, registrants, MeetingsCommand, RegistrantsCommand};

/// Where and as whom the commands talk to Zoom.
#[derive(Debug, Clone, Args)]
pub struct Connection {
    /// API origin, without /v2 (localzoom by default; `https://api.zoom.us` for Zoom).
    #[arg(long, env = "ZOOM_BASE_URL", default_value = "http://127.0.0.1:9666", global = true)]
    pub base_url: String,

    /// OAuth origin [default: the base URL; `https://zoom.us` when the base URL is Zoom's].
    #[arg(long, env = "ZOOM_OAUTH_URL", global = true)]
    pub oauth_url: Option<String>,

    /// Server-to-Server app's account id.
    #[arg(
        long,
        env = "ZOOM_ACCOUNT_ID",
        global = true,
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub account_id: Option<String>,

    /// Server-to-Server app's client id.
    #[arg(long, env = "ZOOM_CLIENT_ID", global = true, hide_env_values = true)]
    pub client_id: Option<String>,

    /// Server-to-Server app's client secret.
    #[arg(long, env = "ZOOM_CLIENT_SECRET", global = true, hide_env_values = true)]
    pub client_secret: Option<String>,

    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users (one page, or every page with --all).
    List {
        #[arg(long, value_parser = parse::<UserStatus>)]
        status: Option<UserStatus>,
        #[arg(long)]
        page_size: Option<i64>,
        /// Follow next_page_token to the last page.
        #[arg(long)]
        all: bool,
    },
    /// Show one user (id, email or `me`).
    Get {
        #[arg(allow_hyphen_values = true)]
        user: String,
    },
    /// Create a user.
    Create {
        #[arg(long)]
        email: String,
        /// 1 Basic, 2 Licensed, 4 Unassigned, 99 None (ssoCreate only).
        #[arg(long = "type", default_value_t = 1)]
        user_type: i64,
        #[arg(long, default_value = "custCreate", value_parser = parse::<CreateAction>)]
        action: CreateAction,
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
    },
    /// Change fields of a user: `--set dept=Sales --set pmi=3542471135`.
    Update {
        #[arg(allow_hyphen_values = true)]
        user: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Delete (or disassociate) users.
    Delete {
        #[arg(required = true)]
        users: Vec<String>,
        #[arg(long, default_value = "disassociate", value_parser = parse::<DeleteAction>)]
        action: DeleteAction,
    },
    /// Activate users.
    Activate {
        #[arg(required = true)]
        users: Vec<String>,
    },
    /// Deactivate users.
    Deactivate {
        #[arg(required = true)]
        users: Vec<String>,
    },
    /// Show a user's presence, or set it with --set.
    Presence {
        #[arg(allow_hyphen_values = true)]
        user: String,
        #[arg(long, value_parser = parse::<PresenceUpdate>)]
        set: Option<PresenceUpdate>,
        /// Minutes of Do-Not-Disturb (1–1440).
        #[arg(long)]
        duration: Option<i64>,
    },
}

fn parse<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}

fn client(c: &Connection) -> Result<Client, Error> {
    let missing = |what: &str, var: &str| Error::Config(format!("no {what}: pass --{what} or set {var}"));
    let account = c
        .account_id
        .as_deref()
        .ok_or_else(|| missing("account-id", "ZOOM_ACCOUNT_ID"))?;
    let id = c
        .client_id
        .as_deref()
        .ok_or_else(|| missing("client-id", "ZOOM_CLIENT_ID"))?;
    let secret = c
        .client_secret
        .as_deref()
        .ok_or_else(|| missing("client-secret", "ZOOM_CLIENT_SECRET"))?;
    let base = c.base_url.trim_end_matches('/');
    let oauth = match &c.oauth_url {
        Some(o) => o.clone(),
        None if base == localzoom_client::ZOOM_API_BASE => localzoom_client::ZOOM_OAUTH_BASE.into(),
        None => base.into(),
    };
    Client::builder()
        .api_base(base)
        .oauth_base(&oauth)
        .server_to_server(account, id, secret)
        .build()
}

/// Prints rows as an aligned table (or the JSON when asked).
pub(crate) fn table(json_mode: bool, value: &Value, columns: &[(&str, &str)], rows: &[Value]) {
    let mut out = std::io::stdout().lock();
    if json_mode {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(value).unwrap_or_default());
        return;
    }
    let cell = |row: &Value, key: &str| match row.pointer(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    let widths: Vec<usize> = columns
        .iter()
        .map(|(title, key)| {
            rows.iter()
                .map(|r| cell(r, key).chars().count())
                .chain([title.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(columns.iter().map(|(t, _)| t.to_uppercase()).collect()));
    for r in rows {
        let _ = writeln!(out, "{}", line(columns.iter().map(|(_, k)| cell(r, k)).collect()));
    }
}

/// One record as `field  value` lines.
fn record(json_mode: bool, value: &Value) {
    let mut out = std::io::stdout().lock();
    if json_mode || !value.is_object() {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(value).unwrap_or_default());
        return;
    }
    let map = value.as_object().cloned().unwrap_or_default();
    let width = map.keys().map(String::len).max().unwrap_or(0);
    for (k, v) in map {
        let shown = match v {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let _ = writeln!(out, "{k:<width$}  {shown}");
    }
}

/// Progress on stderr for long listings and bulk operations, when a person is watching.
struct Progress {
    label: &'static str,
    total: Option<u64>,
    done: u64,
    shown: bool,
}

impl Progress {
    fn new(label: &'static str, total: Option<u64>) -> Self {
        Progress {
            label,
            total,
            done: 0,
            shown: std::io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self) {
        self.done += 1;
        if !self.shown {
            return;
        }
        let bar = match self.total {
            Some(total) if total > 0 => {
                let filled = (self.done * 30 / total).min(30) as usize;
                format!(
                    "[{}{}] {}/{total}",
                    "#".repeat(filled),
                    ".".repeat(30 - filled),
                    self.done
                )
            }
            _ => format!("{}", self.done),
        };
        eprint!("\r{} {bar}", self.label);
    }

    fn finish(self) {
        if self.shown && self.done > 0 {
            eprintln!();
        }
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `FIELD=VALUE` pairs as a JSON object; values that parse as JSON (numbers, booleans, objects)
/// are sent as such, anything else as text.
fn assignments(pairs: &[String]) -> Result<Map<String, Value>, Error> {
    let mut out = Map::new();
    for pair in pairs {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| Error::Config(format!("{pair:?} is not FIELD=VALUE")))?;
        let value = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string()));
        out.insert(k.trim().to_string(), value);
    }
    Ok(out)
}

fn report(result: Result<(), Error>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                Error::Api { errors, .. } => {
                    eprintln!("error: {e}");
                    for f in errors {
                        eprintln!("  {}: {}", f.field, f.message);
                    }
                }
                other => eprintln!("error: {other}"),
            }
            ExitCode::FAILURE
        }
    }
}

const USER_COLUMNS: &[(&str, &str)] = &[
    ("id", "/id"),
    ("email", "/email"),
    ("type", "/type"),
    ("status", "/status"),
    ("first name", "/first_name"),
    ("last name", "/last_name"),
];

pub async fn users(c: &Connection, cmd: UsersCommand) -> ExitCode {
    report(run_users(c, cmd).await)
}

async fn run_users(c: &Connection, cmd: UsersCommand) -> Result<(), Error> {
    let client = client(c)?;
    let users = client.users();
    match cmd {
        UsersCommand::List { status, page_size, all } => {
            let opts = ListUsers {
                status,
                page_size,
                ..Default::default()
            };
            let items: Vec<Value> = if all {
                let total = users
                    .list(&ListUsers {
                        page_size: Some(1),
                        ..opts.clone()
                    })
                    .await?
                    .total_records;
                let mut progress = Progress::new("users", u64::try_from(total).ok());
                let mut stream = std::pin::pin!(users.stream(&opts));
                let mut items = Vec::new();
                while let Some(u) = stream.next().await {
                    items.push(to_json(&u?));
                    progress.tick();
                }
                progress.finish();
                items
            } else {
                users.list(&opts).await?.users.iter().map(to_json).collect()
            };
            table(c.json, &Value::Array(items.clone()), USER_COLUMNS, &items);
        }
        UsersCommand::Get { user } => record(c.json, &to_json(&users.get(&user).await?)),
        UsersCommand::Create {
            email,
            user_type,
            action,
            first_name,
            last_name,
        } => {
            let body = CreateUserRequest {
                action: action.to_string(),
                user_info: NewUserInfo {
                    email,
                    user_type,
                    first_name,
                    last_name,
                    ..Default::default()
                },
            };
            record(c.json, &to_json(&users.create(&body).await?));
        }
        UsersCommand::Update { user, set } => {
            let patch = serde_json::from_value(Value::Object(assignments(&set)?))
                .map_err(|e| Error::Config(format!("cannot send these fields: {e}")))?;
            users.update(&user, &patch).await?;
            record(c.json, &json!({"updated": user}));
        }
        UsersCommand::Delete { users: ids, action } => {
            let opts = DeleteUser {
                action: Some(action),
                ..Default::default()
            };
            bulk(c, "delete", &ids, |id| {
                let opts = opts.clone();
                let users = client.users();
                async move { users.delete(&id, &opts).await }
            })
            .await?;
        }
        UsersCommand::Activate { users: ids } => {
            bulk(c, "activate", &ids, |id| {
                let users = client.users();
                async move { users.set_status(&id, StatusAction::Activate).await }
            })
            .await?;
        }
        UsersCommand::Deactivate { users: ids } => {
            bulk(c, "deactivate", &ids, |id| {
                let users = client.users();
                async move { users.set_status(&id, StatusAction::Deactivate).await }
            })
            .await?;
        }
        UsersCommand::Presence { user, set, duration } => {
            if let Some(status) = set {
                users.set_presence(&user, status, duration).await?;
            }
            record(c.json, &to_json(&users.presence(&user).await?));
        }
    }
    Ok(())
}

/// Runs one call per id, with progress; stops at the first error, after reporting what was done.
async fn bulk<F, Fut>(c: &Connection, verb: &str, ids: &[String], call: F) -> Result<(), Error>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let mut progress = Progress::new("users", Some(ids.len() as u64));
    let mut done = Vec::new();
    for id in ids {
        if let Err(e) = call(id.clone()).await {
            progress.finish();
            if !done.is_empty() {
                eprintln!("{verb}d before the error: {}", done.join(", "));
            }
            return Err(e);
        }
        done.push(id.clone());
        progress.tick();
    }
    progress.finish();
    let rows: Vec<Value> = done
        .iter()
        .map(|id| json!({"user": id, "result": format!("{verb}d")}))
        .collect();
    table(
        c.json,
        &Value::Array(rows.clone()),
        &[("user", "/user"), ("result", "/result")],
        &rows,
    );
    Ok(())
}

const MEETING_COLUMNS: &[(&str, &str)] = &[
    ("id", "/id"),
    ("topic", "/topic"),
    ("type", "/type"),
    ("start time", "/start_time"),
    ("duration", "/duration"),
    ("timezone", "/timezone"),
];

const REGISTRANT_COLUMNS: &[(&str, &str)] = &[
    ("id", "/id"),
    ("email", "/email"),
    ("first name", "/first_name"),
    ("last name", "/last_name"),
    ("status", "/status"),
];
