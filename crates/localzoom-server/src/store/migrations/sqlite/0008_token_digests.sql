-- Tokens are kept as SHA-256 digests from now on; tokens stored in clear before are dropped
-- (clients fetch new ones, as after any expiry).
DELETE FROM access_tokens;
DELETE FROM page_tokens;
