-- Rate-limit counters (one row per account, label and window kind: the current window and its
-- count), lock keys held by requests in flight, and the run-time settings every replica follows
-- (the test clock and the rate-limit switches). Times are unix seconds, the clock in milliseconds.
CREATE TABLE rate_counters (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL
);

CREATE TABLE lock_keys (
    key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE runtime_settings (
    id BIGINT PRIMARY KEY,
    clock_offset_ms BIGINT NOT NULL,
    clock_frozen_at BIGINT,
    rate_limits BIGINT NOT NULL,
    rate_limit_scale DOUBLE PRECISION NOT NULL
);
