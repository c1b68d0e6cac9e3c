-- Presence (one row per user once it departs from the default: signed in, Available) and the
-- quota mechanism's events. Times are unix seconds.
CREATE TABLE presence (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    signed_in BIGINT NOT NULL,
    status TEXT NOT NULL,
    dnd_until BIGINT,
    prior_status TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE quota_keys (
    key TEXT PRIMARY KEY
);

CREATE TABLE quota_events (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX quota_events_key_at ON quota_events (key, at);
