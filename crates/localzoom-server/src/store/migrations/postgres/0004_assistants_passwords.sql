-- Scheduling privileges (a user's assistants; read the other way, an assistant's schedulers) and
-- password hashes (argon2 PHC strings). Both go with their users.
CREATE TABLE assistants (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assistant_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, assistant_id)
);
CREATE INDEX assistants_assistant ON assistants (assistant_id);

CREATE TABLE user_passwords (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX access_tokens_user ON access_tokens (user_id);
