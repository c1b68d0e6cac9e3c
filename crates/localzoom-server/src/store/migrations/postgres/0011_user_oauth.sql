-- User-level OAuth: OAuth apps' redirect URIs, grants (one user's consent to one app), single-use
-- authorization codes, consent requests awaiting a choice, and device codes. Every code and token
-- is stored as its SHA-256 digest.
ALTER TABLE apps ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '';
ALTER TABLE access_tokens ADD COLUMN grant_id TEXT;
CREATE INDEX access_tokens_grant ON access_tokens (grant_id);

CREATE TABLE oauth_grants (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX oauth_grants_client ON oauth_grants (client_id);

-- A pending authorization request (the consent page) or an issued code: `code` is the digest of
-- the consent id while pending, of the authorization code once a user allowed.
CREATE TABLE oauth_codes (
    code TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    state TEXT,
    code_challenge TEXT,
    challenge_method TEXT,
    user_id TEXT,
    account_id TEXT,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE device_codes (
    device_code TEXT PRIMARY KEY,
    user_code TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    interval_s BIGINT NOT NULL,
    last_poll_ms BIGINT,
    decision TEXT NOT NULL,
    user_id TEXT,
    account_id TEXT
);
