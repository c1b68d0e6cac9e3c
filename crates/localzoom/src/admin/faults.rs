//! `localzoom admin faults …`: fault rules.

use clap::Subcommand;
use serde_json::{json, Map, Value};

use super::{done, segment, Admin, Failure};
use crate::cli::table;

#[derive(Debug, Subcommand)]
pub enum FaultsCommand {
    /// Add a rule: matching requests wait, fail, or lose their connection.
    Add {
        #[arg(long)]
        method: Option<String>,
        #[arg(long)]
        path: Option<String>,
        #[arg(long)]
        operation: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        account_id: Option<String>,
        #[arg(long)]
        status: Option<u16>,
        /// The answer's JSON body (default: Zoom's body for the status).
        #[arg(long)]
        body: Option<String>,
        /// A response header, NAME:VALUE (repeatable).
        #[arg(long = "header")]
        headers: Vec<String>,
        #[arg(long)]
        latency_ms: Option<u64>,
        #[arg(long)]
        drop_connection: bool,
        #[arg(long)]
        times: Option<i64>,
        #[arg(long)]
        probability: Option<f64>,
        #[arg(long)]
        seed: Option<u64>,
    },
    /// List the rules.
    List,
    /// Delete one rule.
    Delete {
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
    /// Delete every rule.
    Clear,
}

pub(super) async fn faults(a: &Admin, json_mode: bool, command: FaultsCommand) -> Result<(), Failure> {
    use reqwest::Method as M;
    let columns: &[(&str, &str)] = &[
        ("id", "/id"),
        ("method", "/method"),
        ("path", "/path"),
        ("operation", "/operation"),
        ("status", "/status"),
        ("latency ms", "/latency_ms"),
        ("drop", "/drop_connection"),
        ("probability", "/probability"),
        ("seed", "/seed"),
        ("remaining", "/remaining"),
    ];
    match command {
        FaultsCommand::Add {
            method,
            path,
            operation,
            account_id,
            status,
            body,
            headers,
            latency_ms,
            drop_connection,
            times,
            probability,
            seed,
        } => {
            let mut rule = json!({
                "method": method, "path": path, "operation": operation, "account_id": account_id, "status": status,
                "latency_ms": latency_ms, "drop_connection": drop_connection, "times": times, "probability": probability, "seed": seed,
            });
            if let Some(b) = body {
                rule["body"] = serde_json::from_str(&b).map_err(|e| Failure(format!("--body is not JSON: {e}")))?;
            }
            if !headers.is_empty() {
                let mut h = Map::new();
                for pair in headers {
                    let (k, v) = pair
                        .split_once(':')
                        .ok_or_else(|| Failure(format!("--header {pair}: use NAME:VALUE")))?;
                    h.insert(k.trim().to_string(), json!(v.trim()));
                }
                rule["headers"] = Value::Object(h);
            }
            let created = a.call(M::POST, "/_localzoom/faults", &[], Some(rule)).await?;
            table(json_mode, &created, columns, std::slice::from_ref(&created));
        }
        FaultsCommand::List => {
            let list = a.call(M::GET, "/_localzoom/faults", &[], None).await?;
            let rows = list["faults"].as_array().cloned().unwrap_or_default();
            table(json_mode, &list, columns, &rows);
        }
        FaultsCommand::Delete { id } => {
            a.call(M::DELETE, &format!("/_localzoom/faults/{}", segment(&id)), &[], None)
                .await?;
            done(json_mode, &json!({}), &format!("fault rule {id} deleted"));
        }
        FaultsCommand::Clear => {
            a.call(M::DELETE, "/_localzoom/faults", &[], None).await?;
            done(json_mode, &json!({}), "fault rules cleared");
        }
    }
    Ok(())
}
