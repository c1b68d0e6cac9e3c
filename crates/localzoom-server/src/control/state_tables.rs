//! The state document's tables: every stored column of what `GET|PUT /_localzoom/state` carries,
//! with its name in the document and its kind.

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Text,
    OptText,
    Int,
    OptInt,
    /// BIGINT 0/1 in the store, a boolean in the document.
    Bool,
    /// TEXT holding JSON in the store, the JSON itself in the document.
    Json,
    /// A space-separated list in the store, an array of strings in the document.
    Words,
    /// Bytes in the store, base64 in the document.
    Bytes,
}

/// A table's exported columns: (column, name in the document, kind).
pub(super) struct Table {
    pub name: &'static str,
    pub cols: &'static [(&'static str, &'static str, Kind)],
}

pub(super) use Kind::*;

pub(super) const ACCOUNTS: Table = Table {
    name: "accounts",
    cols: &[
        ("id", "id", Text),
        ("account_number", "account_number", Int),
        ("plan", "plan", Text),
        ("master_account_id", "master_account_id", OptText),
        ("owner_id", "owner_id", Text),
        ("is_default", "default", Bool),
        ("created_at", "created_at", Int),
    ],
};
pub(super) const APPS: Table = Table {
    name: "apps",
    cols: &[
        ("client_id", "client_id", Text),
        ("client_secret", "client_secret", Text),
        ("name", "name", Text),
        ("kind", "type", Text),
        ("scopes", "scopes", Words),
        ("owner_id", "owner_id", Text),
        ("is_default", "default", Bool),
        ("created_at", "created_at", Int),
        ("secret_token", "secret_token", Text),
        ("redirect_uris", "redirect_uris", Words),
    ],
};
pub(super) const USERS: Table = Table {
    name: "users",
    cols: &[
        ("id", "id", Text),
        ("email", "email", Text),
        ("email_key", "email_key", Text),
        ("type", "type", Int),
        ("role_id", "role_id", Text),
        ("status", "status", Text),
        ("create_action", "create_action", Text),
        ("pmi", "pmi", Int),
        ("vanity_key", "vanity_key", OptText),
        ("created_at", "created_at", Int),
        ("updated_at", "updated_at", Int),
        ("profile", "profile", Json),
    ],
};
pub(super) const SETTINGS: Table = Table {
    name: "user_settings",
    cols: &[("doc", "doc", Json), ("updated_at", "updated_at", Int)],
};
pub(super) const PRESENCE: Table = Table {
    name: "presence",
    cols: &[
        ("signed_in", "signed_in", Bool),
        ("status", "status", Text),
        ("dnd_until", "dnd_until", OptInt),
        ("prior_status", "prior_status", OptText),
        ("updated_at", "updated_at", Int),
    ],
};
pub(super) const PASSWORDS: Table = Table {
    name: "user_passwords",
    cols: &[("hash", "digest", Text), ("updated_at", "updated_at", Int)],
};
pub(super) const ASSISTANTS: Table = Table {
    name: "assistants",
    cols: &[
        ("assistant_id", "assistant_id", Text),
        ("created_at", "created_at", Int),
    ],
};
pub(super) const FILES: Table = Table {
    name: "user_files",
    cols: &[
        ("id", "id", Text),
        ("kind", "kind", Text),
        ("name", "name", Text),
        ("content_type", "content_type", Text),
        ("size", "size", Int),
        ("bytes", "data", Bytes),
        ("created_at", "created_at", Int),
    ],
};
pub(super) const MEETINGS: Table = Table {
    name: "meetings",
    cols: &[
        ("id", "id", Int),
        ("uuid", "uuid", Text),
        ("host_id", "host_id", Text),
        ("type", "type", Int),
        ("status", "status", Text),
        ("start_time", "start_time", OptInt),
        ("created_at", "created_at", Int),
        ("deleted_at", "deleted_at", OptInt),
        ("doc", "doc", Json),
    ],
};
pub(super) const REGISTRANTS: Table = Table {
    name: "registrants",
    cols: &[
        ("id", "id", Text),
        ("email_key", "email_key", Text),
        ("status", "status", Text),
        ("occurrence_ids", "occurrence_ids", Text),
        ("created_at", "created_at", Int),
        ("doc", "doc", Json),
    ],
};
