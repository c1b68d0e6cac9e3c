-- Accounts, apps, tokens, users and page tokens. Booleans are BIGINT 0/1, times unix seconds.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    account_number BIGINT NOT NULL,
    plan TEXT NOT NULL,
    master_account_id TEXT,
    owner_id TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE apps (
    client_id TEXT PRIMARY KEY,
    client_secret TEXT NOT NULL,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    scopes TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX apps_account ON apps (account_id);

CREATE TABLE access_tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    client_id TEXT,
    account_id TEXT NOT NULL,
    user_id TEXT,
    scopes TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX access_tokens_client ON access_tokens (client_id);

CREATE TABLE users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    type BIGINT NOT NULL,
    role_id TEXT NOT NULL,
    status TEXT NOT NULL,
    create_action TEXT NOT NULL,
    pmi BIGINT NOT NULL,
    vanity_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    profile TEXT NOT NULL,
    CONSTRAINT users_id_key UNIQUE (id),
    CONSTRAINT users_email_key UNIQUE (email_key),
    CONSTRAINT users_pmi_key UNIQUE (pmi),
    CONSTRAINT users_vanity_key UNIQUE (vanity_key)
);
CREATE INDEX users_account_status_seq ON users (account_id, status, seq);

CREATE TABLE page_tokens (
    token TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    query TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX page_tokens_expiry ON page_tokens (expires_at);
