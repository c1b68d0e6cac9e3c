//! The dashboard's reads: pages of users and meetings (newest first, keyset pagination so a page
//! costs the same at 100,000 rows), and what a user's or a meeting's page shows.

use sqlx::{AnyConnection, Row};

use crate::directory::users::UserRow;
use crate::meetings::store::MeetingRow;
use crate::store::{Backend, StoreError};

pub const PAGE: i64 = 50;

/// `%text%` for LIKE, with LIKE's own characters escaped (`\` is the escape).
fn contains(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A user's presence as the list shows it: signed in, status, DND end.
#[derive(Debug, Clone, Default)]
pub struct PresenceLine {
    pub signed_in: bool,
    pub status: String,
    pub dnd_until: Option<i64>,
}

/// Users newest first, `search` in email, name or id; `before` is the last row's `seq` of the
/// previous page. Returns one page and whether more follow.
pub async fn users(
    conn: &mut AnyConnection,
    backend: Backend,
    search: Option<&str>,
    before: Option<i64>,
    now: i64,
) -> Result<(Vec<(UserRow, PresenceLine)>, bool), StoreError> {
    let mut sql = format!("SELECT {} FROM users WHERE seq < $1", crate::directory::users::COLUMNS);
    if search.is_some() {
        let name = match backend {
            Backend::Sqlite => {
                "lower(json_extract(profile, '$.first_name') || ' ' || json_extract(profile, '$.last_name'))"
            }
            Backend::Postgres => "lower((profile::json->>'first_name') || ' ' || (profile::json->>'last_name'))",
        };
        sql.push_str(&format!(
            " AND (email_key LIKE $2 ESCAPE '\\' OR {name} LIKE $2 ESCAPE '\\' OR id = $3)"
        ));
    }
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT {}", PAGE + 1));
    let mut q = sqlx::query(&sql).bind(before.unwrap_or(i64::MAX));
    if let Some(s) = search {
        q = q.bind(contains(s)).bind(s.trim().to_string());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let more = rows.len() as i64 > PAGE;
    let users: Vec<UserRow> = rows
        .iter()
        .take(PAGE as usize)
        .map(crate::directory::users::from_row)
        .collect::<Result<_, _>>()?;
    let mut lines = Vec::with_capacity(users.len());
    for u in users {
        // What the API answers: a user with no presence row yet is signed in and Available.
        let p = crate::presence::service::current(conn, &u.id, now).await?;
        let line = PresenceLine {
            signed_in: p.signed_in,
            status: if p.signed_in {
                p.status
            } else {
                zoom_types::enums::PresenceStatus::Offline
            }
            .as_str()
            .into(),
            dnd_until: p.dnd_until.filter(|_| p.signed_in),
        };
        lines.push((u, line));
    }
    Ok((lines, more))
}

/// How many users there are in all.
pub async fn user_count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await?
        .try_get(0)?)
}

/// The meeting's topic as SQL, per backend (the document is JSON text).
fn topic_expr(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "lower(json_extract(m.doc, '$.topic'))",
        Backend::Postgres => "lower(m.doc::json->>'topic')",
    }
}

/// Meetings (not deleted) newest first, with their host's email; `search` in topic, host email or
/// id; `before` is `(created_at, id)` of the previous page's last row.
pub async fn meetings(
    conn: &mut AnyConnection,
    backend: Backend,
    search: Option<&str>,
    before: Option<(i64, i64)>,
) -> Result<(Vec<(MeetingRow, String)>, bool), StoreError> {
    let cols: Vec<String> = crate::meetings::store::COLUMNS
        .split(", ")
        .map(|c| format!("m.{c}"))
        .collect();
    let mut sql = format!(
        "SELECT {}, u.email FROM meetings m JOIN users u ON u.id = m.host_id \
         WHERE m.deleted_at IS NULL AND (m.created_at < $1 OR (m.created_at = $1 AND m.id < $2))",
        cols.join(", ")
    );
    if search.is_some() {
        sql.push_str(&format!(
            " AND ({} LIKE $3 ESCAPE '\\' OR u.email_key LIKE $3 ESCAPE '\\' OR CAST(m.id AS TEXT) = $4)",
            topic_expr(backend)
        ));
    }
    sql.push_str(&format!(" ORDER BY m.created_at DESC, m.id DESC LIMIT {}", PAGE + 1));
    let (at, id) = before.unwrap_or((i64::MAX, i64::MAX));
    let mut q = sqlx::query(&sql).bind(at).bind(id);
    if let Some(s) = search {
        q = q.bind(contains(s)).bind(s.trim().replace(' ', ""));
    }
    let rows = q.fetch_all(conn).await?;
    let more = rows.len() as i64 > PAGE;
    let out = rows
        .iter()
        .take(PAGE as usize)
        .map(|r| Ok((crate::meetings::store::from_row(r)?, r.try_get::<String, _>(10)?)))
        .collect::<Result<_, StoreError>>()?;
    Ok((out, more))
}

/// A user's settings document, assistants and schedulers (emails), meetings and issued tokens.
pub struct UserExtras {
    pub settings: Option<String>,
    pub assistants: Vec<String>,
    pub schedulers: Vec<String>,
    pub meetings: Vec<(i64, String, String)>,
    pub tokens: Vec<TokenLine>,
    pub grants: Vec<GrantLine>,
}

/// A user's consent to an OAuth app.
pub struct GrantLine {
    pub client_id: String,
    pub app: String,
    pub scopes: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// How many users have a live grant to `client_id`.
pub async fn active_grants(conn: &mut AnyConnection, client_id: &str) -> Result<i64, StoreError> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM oauth_grants WHERE client_id = $1 AND revoked_at IS NULL")
            .bind(client_id)
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}

/// A token issued to a user (only its digest is stored, so only its facts show).
pub struct TokenLine {
    pub kind: String,
    pub client_id: Option<String>,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// A registrant as the meeting page lists it.
pub struct RegistrantLine {
    pub status: String,
    pub email: String,
    pub name: String,
}

pub async fn user_extras(conn: &mut AnyConnection, user_id: &str) -> Result<UserExtras, StoreError> {
    let settings = sqlx::query("SELECT doc FROM user_settings WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<String, _>(0))
        .transpose()?;
    let emails = |sql: &'static str| sqlx::query(sql).bind(user_id.to_string());
    let assistants = emails(
        "SELECT u.email FROM assistants a JOIN users u ON u.id = a.assistant_id WHERE a.user_id = $1 ORDER BY u.email",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    let schedulers = emails(
        "SELECT u.email FROM assistants a JOIN users u ON u.id = a.user_id WHERE a.assistant_id = $1 ORDER BY u.email",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    let meetings = sqlx::query(
        "SELECT id, status, doc FROM meetings WHERE host_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let doc: String = r.try_get(2)?;
        let topic = serde_json::from_str::<serde_json::Value>(&doc)
            .ok()
            .and_then(|d| d["topic"].as_str().map(str::to_string))
            .unwrap_or_default();
        Ok((r.try_get(0)?, r.try_get(1)?, topic))
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let tokens = sqlx::query(
        "SELECT kind, client_id, issued_at, expires_at, revoked_at FROM access_tokens WHERE user_id = $1 \
         ORDER BY issued_at DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(TokenLine {
            kind: r.try_get(0)?,
            client_id: r.try_get(1)?,
            issued_at: r.try_get(2)?,
            expires_at: r.try_get(3)?,
            revoked_at: r.try_get(4)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let grants = sqlx::query(
        "SELECT g.client_id, COALESCE(a.name, ''), g.scopes, g.created_at, g.revoked_at FROM oauth_grants g \
         LEFT JOIN apps a ON a.client_id = g.client_id WHERE g.user_id = $1 ORDER BY g.created_at DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(GrantLine {
            client_id: r.try_get(0)?,
            app: r.try_get(1)?,
            scopes: r.try_get(2)?,
            created_at: r.try_get(3)?,
            revoked_at: r.try_get(4)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(UserExtras {
        grants,
        settings,
        assistants,
        schedulers,
        meetings,
        tokens,
    })
}

/// A meeting's registrants: status, email, name.
pub async fn registrants(conn: &mut AnyConnection, meeting_id: i64) -> Result<Vec<RegistrantLine>, StoreError> {
    sqlx::query("SELECT status, doc FROM registrants WHERE meeting_id = $1 ORDER BY seq")
        .bind(meeting_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            let doc: serde_json::Value = serde_json::from_str(&r.try_get::<String, _>(1)?).unwrap_or_default();
            let name = format!(
                "{} {}",
                doc["first_name"].as_str().unwrap_or_default(),
                doc["last_name"].as_str().unwrap_or_default()
            );
            Ok(RegistrantLine {
                status: r.try_get(0)?,
                email: doc["email"].as_str().unwrap_or_default().to_string(),
                name: name.trim().to_string(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// Rows per table, for the reset confirmation.
pub async fn counts(conn: &mut AnyConnection) -> Result<Vec<(&'static str, i64)>, StoreError> {
    let mut out = Vec::new();
    for (label, table) in [
        ("users", "users"),
        ("meetings", "meetings"),
        ("registrants", "registrants"),
        ("apps", "apps"),
        ("accounts", "accounts"),
        ("tokens", "access_tokens"),
        ("webhook subscriptions", "event_subscriptions"),
        ("webhook deliveries", "deliveries"),
        ("fault rules", "fault_rules"),
    ] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        out.push((label, n));
    }
    Ok(out)
}
