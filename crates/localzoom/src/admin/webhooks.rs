//! `localzoom admin webhooks …`: event subscriptions, deliveries and the event log.

use clap::Subcommand;
use serde_json::json;

use super::{segment, Admin, Failure};
use crate::cli::table;

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Subscribe an endpoint to events of an app's account (Zoom's URL validation runs first).
    Subscribe {
        /// The app's client id (the default app's is in the serve banner).
        #[arg(long, allow_hyphen_values = true)]
        app: String,
        #[arg(long)]
        url: String,
        /// An event name, e.g. user.created (repeatable).
        #[arg(long = "event", required = true)]
        events: Vec<String>,
    },
    /// An app's event subscriptions.
    List {
        #[arg(long, allow_hyphen_values = true)]
        app: String,
    },
    /// The delivery log.
    Deliveries {
        #[arg(long)]
        event: Option<String>,
        /// pending, delivered or failed.
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Send a delivery again now.
    Retry {
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
    /// Every event emitted, subscribed or not.
    Events {
        #[arg(long)]
        event: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
    },
}

pub(super) async fn webhooks(a: &Admin, json_mode: bool, command: WebhooksCommand) -> Result<(), Failure> {
    use reqwest::Method as M;
    let delivery_columns: &[(&str, &str)] = &[
        ("id", "/id"),
        ("event", "/event"),
        ("state", "/state"),
        ("endpoint", "/endpoint_url"),
        ("next attempt", "/next_attempt_at"),
    ];
    match command {
        WebhooksCommand::Subscribe { app, url, events } => {
            let path = format!("/_localzoom/apps/{}/event_subscriptions", segment(&app));
            let created = a
                .call(
                    M::POST,
                    &path,
                    &[],
                    Some(json!({"endpoint_url": url, "events": events})),
                )
                .await?;
            table(
                json_mode,
                &created,
                &[
                    ("id", "/id"),
                    ("endpoint", "/endpoint_url"),
                    ("validated", "/validated_at"),
                ],
                std::slice::from_ref(&created),
            );
        }
        WebhooksCommand::List { app } => {
            let path = format!("/_localzoom/apps/{}/event_subscriptions", segment(&app));
            let list = a.call(M::GET, &path, &[], None).await?;
            let rows = list["event_subscriptions"].as_array().cloned().unwrap_or_default();
            table(
                json_mode,
                &list,
                &[("id", "/id"), ("endpoint", "/endpoint_url"), ("events", "/events")],
                &rows,
            );
        }
        WebhooksCommand::Deliveries { event, state, limit } => {
            let mut q: Vec<(&str, String)> = Vec::new();
            if let Some(e) = event {
                q.push(("event", e));
            }
            if let Some(s) = state {
                q.push(("state", s));
            }
            if let Some(l) = limit {
                q.push(("limit", l.to_string()));
            }
            let list = a.call(M::GET, "/_localzoom/webhooks/deliveries", &q, None).await?;
            let rows = list["deliveries"].as_array().cloned().unwrap_or_default();
            table(json_mode, &list, delivery_columns, &rows);
        }
        WebhooksCommand::Retry { id } => {
            let path = format!("/_localzoom/webhooks/deliveries/{}/retry", segment(&id));
            let d = a.call(M::POST, &path, &[], None).await?;
            table(json_mode, &d, delivery_columns, std::slice::from_ref(&d));
        }
        WebhooksCommand::Events { event, limit } => {
            let mut q: Vec<(&str, String)> = Vec::new();
            if let Some(e) = event {
                q.push(("event", e));
            }
            if let Some(l) = limit {
                q.push(("limit", l.to_string()));
            }
            let list = a.call(M::GET, "/_localzoom/webhooks/events", &q, None).await?;
            let rows = list["events"].as_array().cloned().unwrap_or_default();
            table(
                json_mode,
                &list,
                &[
                    ("id", "/id"),
                    ("event", "/event"),
                    ("event ts", "/event_ts"),
                    ("account", "/account_id"),
                ],
                &rows,
            );
        }
    }
    Ok(())
}
