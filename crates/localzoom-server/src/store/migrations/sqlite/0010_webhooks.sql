-- Webhooks: each app's secret token, event subscriptions, the events every committed change
-- emits (written in the change's transaction: the outbox, and the event log), and deliveries.
ALTER TABLE apps ADD COLUMN secret_token TEXT NOT NULL DEFAULT '';

CREATE TABLE event_subscriptions (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    endpoint_url TEXT NOT NULL,
    events TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    validated_at BIGINT NOT NULL
);
CREATE INDEX event_subscriptions_account ON event_subscriptions (account_id);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    event TEXT NOT NULL,
    event_ts BIGINT NOT NULL,
    body TEXT NOT NULL,
    dispatched BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX events_dispatched ON events (dispatched, seq);

CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    event TEXT NOT NULL,
    event_ts BIGINT NOT NULL,
    subscription_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    endpoint_url TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts TEXT NOT NULL,
    next_attempt_at BIGINT,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    body TEXT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
