//! Webhooks as Zoom sends them. Every committed change records its event in the same transaction
//! (`emit`, into the `events` table: the outbox and the event log), so a refused or rolled-back
//! change emits nothing. A background worker (`worker`) turns committed events into deliveries for
//! the subscriptions of the event's account, signs them with the app's secret token, and retries
//! failures at +5, +20 and +60 minutes by the test clock. Subscriptions, deliveries and the event
//! log are under `/_localzoom` (`routes`).

pub mod routes;
pub mod store;
pub mod worker;

use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::directory::users::UserRow;
pub use crate::events::Operator;
use crate::events::{Event, EventKind};
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};

/// Lower-case hex of HMAC-SHA256(`secret`, `message`).
pub fn hmac_hex(secret: &str, message: &[u8]) -> String {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(message);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Zoom's `x-zm-signature`: `v0=` + hex HMAC-SHA256(secret, "v0:{timestamp}:{body}").
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!("v0={}", hmac_hex(secret, format!("v0:{timestamp}:{body}").as_bytes()))
}

/// The operator behind a caller's `me` (a Server-to-Server token's `me` is the app's owner).
pub async fn operator(tx: &mut WriteTx, me: Option<&str>) -> Result<Option<Operator>, StoreError> {
    let Some(me) = me else { return Ok(None) };
    let row = sqlx::query("SELECT email FROM users WHERE id = $1")
        .bind(me)
        .fetch_optional(tx.conn())
        .await?;
    Ok(match row {
        Some(r) => Some(Operator {
            email: sqlx::Row::try_get(&r, 0)?,
            id: me.to_string(),
        }),
        None => None,
    })
}

/// Records `kind` for `account_id` in the change's unit of work: written to the outbox with the
/// change, delivered only if it commits.
pub async fn emit(
    tx: &mut WriteTx,
    state: &AppState,
    account_id: &str,
    kind: EventKind,
    operator: Option<Operator>,
    payload: Map<String, Value>,
) -> Result<(), StoreError> {
    tx.emit(Event::new(kind, account_id, operator, state.clock.now_ms(), payload))
        .await
}

/// A user as user events show one.
pub fn user_object(u: &UserRow) -> Value {
    json!({
        "id": u.id,
        "first_name": u.profile.first_name,
        "last_name": u.profile.last_name,
        "display_name": u.profile.display_name,
        "email": u.email,
        "type": u.user_type,
    })
}

/// `{"object": …}` as a payload map.
pub fn object(o: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("object".into(), o);
    m
}

/// The fields that differ between two JSON objects, as (old values, new values), recursively
/// for nested objects; both sides carry `id` when given. `None` when nothing changed.
pub fn changes(old: &Value, new: &Value, id: Option<Value>) -> Option<(Map<String, Value>, Map<String, Value>)> {
    fn walk(old: &Value, new: &Value) -> Option<(Value, Value)> {
        match (old, new) {
            (Value::Object(o), Value::Object(n)) => {
                let (mut before, mut after) = (Map::new(), Map::new());
                let keys: std::collections::BTreeSet<&String> = o.keys().chain(n.keys()).collect();
                for k in keys {
                    let (ov, nv) = (o.get(k).unwrap_or(&Value::Null), n.get(k).unwrap_or(&Value::Null));
                    if let Some((b, a)) = walk(ov, nv) {
                        before.insert(k.clone(), b);
                        after.insert(k.clone(), a);
                    }
                }
                (!after.is_empty()).then_some((Value::Object(before), Value::Object(after)))
            }
            (o, n) if o == n => None,
            (o, n) => Some((o.clone(), n.clone())),
        }
    }
    let (Value::Object(mut before), Value::Object(mut after)) = walk(old, new)? else {
        return None;
    };
    if let Some(id) = id {
        before.insert("id".into(), id.clone());
        after.insert("id".into(), id);
    }
    Some((before, after))
}

/// `{"object": new, "old_object": old}` for an update.
pub fn update_payload(old: Map<String, Value>, new: Map<String, Value>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("object".into(), Value::Object(new));
    m.insert("old_object".into(), Value::Object(old));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checklist's test vector (Zoom's .NET SDK tests).
    #[test]
    fn signatures_match_zooms_test_vector() {
        let body = r#"{"payload":{"plainToken":"xys8n8PGS7mAU0m5-YJjRA"},"event_ts":1720705455858,"event":"endpoint.url_validation"}"#;
        assert_eq!(
            signature("4fv1RkqGQUq5sWbEz6hA5A", 1720705455, body),
            "v0=93a1a675965ceb9c5a50c5dfb31f20e50f763be37a54ef74cd2d16a1a8e5c0d6"
        );
        assert_eq!(
            hmac_hex("4fv1RkqGQUq5sWbEz6hA5A", b"xys8n8PGS7mAU0m5-YJjRA"),
            "2fffc6a967dde4f68024025a5bd991c5ae1e5313b4e6365be4883e3e81d479b3"
        );
    }

    #[test]
    fn changes_hold_only_what_differs() {
        let old = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": "x"});
        let new = json!({"a": 1, "b": {"c": 5, "d": 3}, "e": "y"});
        let (before, after) = changes(&old, &new, Some(json!("id1"))).unwrap();
        assert_eq!(Value::Object(before), json!({"b": {"c": 2}, "e": "x", "id": "id1"}));
        assert_eq!(Value::Object(after), json!({"b": {"c": 5}, "e": "y", "id": "id1"}));
        assert!(changes(&old, &old, None).is_none());
    }
}
