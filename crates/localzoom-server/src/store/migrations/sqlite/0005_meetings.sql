-- Meetings (soft-deleted, so `recover` can bring them back) and their registrants. What is
-- searched or unique has a column; the rest of each is one JSON document. Times are unix seconds.
CREATE TABLE meetings (
    id BIGINT PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    host_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type BIGINT NOT NULL,
    status TEXT NOT NULL,
    start_time BIGINT,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT,
    doc TEXT NOT NULL
);
CREATE INDEX meetings_host ON meetings (host_id, id);

CREATE TABLE registrants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    email_key TEXT NOT NULL,
    status TEXT NOT NULL,
    -- ',id,id,' of the occurrences registered for; '' is every occurrence.
    occurrence_ids TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    doc TEXT NOT NULL,
    CONSTRAINT registrants_meeting_email_key UNIQUE (meeting_id, email_key)
);
CREATE INDEX registrants_meeting_status ON registrants (meeting_id, status, seq);
