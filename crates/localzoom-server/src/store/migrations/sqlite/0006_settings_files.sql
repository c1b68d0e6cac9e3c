-- Users' settings documents (a row once a user departs from the defaults) and their files:
-- profile pictures and virtual backgrounds, bytes kept in the store and deleted with their owner.
CREATE TABLE user_settings (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    doc TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE user_files (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX user_files_user_kind ON user_files (user_id, kind);
