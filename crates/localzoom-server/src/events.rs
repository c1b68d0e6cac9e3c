//! Domain events: what a committed change tells the world. Services record them inside their unit of
//! work (`WriteTx::emit`); the store writes them to the outbox (the `events` table) in the same
//! transaction and hands them to subscribers only after the commit (`Store::subscribe`), so a
//! refused or rolled-back change emits nothing. The webhook worker delivers the outbox.

use serde_json::{json, Map, Value};

macro_rules! event_kinds {
    ($($variant:ident => $name:literal,)*) => {
        /// Every kind of event localzoom emits, named as Zoom's webhooks name them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventKind { $($variant,)* }

        impl EventKind {
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(EventKind::$variant => $name,)* }
            }

            pub fn parse(name: &str) -> Option<EventKind> {
                match name { $($name => Some(EventKind::$variant),)* _ => None }
            }
        }
    };
}

event_kinds! {
    UserCreated => "user.created",
    UserUpdated => "user.updated",
    UserDeleted => "user.deleted",
    UserDisassociated => "user.disassociated",
    UserActivated => "user.activated",
    UserDeactivated => "user.deactivated",
    UserSettingsUpdated => "user.settings_updated",
    UserPresenceStatusUpdated => "user.presence_status_updated",
    UserSignedIn => "user.signed_in",
    UserSignedOut => "user.signed_out",
    MeetingCreated => "meeting.created",
    MeetingUpdated => "meeting.updated",
    MeetingDeleted => "meeting.deleted",
    MeetingStarted => "meeting.started",
    MeetingEnded => "meeting.ended",
    MeetingRegistrationCreated => "meeting.registration_created",
    MeetingRegistrationApproved => "meeting.registration_approved",
    MeetingRegistrationDenied => "meeting.registration_denied",
    MeetingRegistrationCancelled => "meeting.registration_cancelled",
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a change, as Zoom names them: the acting user's email and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub email: String,
    pub id: String,
}

/// One change: its kind, the account it happened in, who made it, the object, and for updates the
/// old values of what changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Given when the event is recorded.
    pub id: String,
    pub kind: EventKind,
    pub account_id: String,
    pub operator: Option<Operator>,
    /// Milliseconds since the epoch, by the test clock.
    pub ts: i64,
    /// The object as Zoom's event shows it; for updates, the changed fields' new values and `id`.
    pub object: Value,
    /// For updates, the changed fields' old values and `id`.
    pub old_object: Option<Value>,
    /// Whatever else the event's payload carries (`creation_type`, `time_stamp`).
    pub extra: Map<String, Value>,
}

impl Event {
    pub fn new(
        kind: EventKind,
        account_id: &str,
        operator: Option<Operator>,
        ts: i64,
        mut payload: Map<String, Value>,
    ) -> Self {
        Event {
            id: String::new(),
            kind,
            account_id: account_id.to_string(),
            operator,
            ts,
            object: payload.remove("object").unwrap_or(Value::Null),
            old_object: payload.remove("old_object"),
            extra: payload,
        }
    }

    /// The body Zoom sends: compact, as Zoom writes it (receivers that re-serialise before
    /// verifying a signature would fail otherwise).
    pub fn body(&self) -> String {
        let mut full = Map::new();
        full.insert("account_id".into(), Value::String(self.account_id.clone()));
        if let Some(op) = &self.operator {
            full.insert("operator".into(), Value::String(op.email.clone()));
            full.insert("operator_id".into(), Value::String(op.id.clone()));
        }
        full.insert("object".into(), self.object.clone());
        if let Some(old) = &self.old_object {
            full.insert("old_object".into(), old.clone());
        }
        full.extend(self.extra.clone());
        json!({"event": self.kind.as_str(), "event_ts": self.ts, "payload": Value::Object(full)}).to_string()
    }
}
