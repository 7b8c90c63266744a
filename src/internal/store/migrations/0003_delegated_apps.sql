-- External applications that may obtain delegated tokens for users (client
-- credentials + the user's email), and the delegated token rows (jti) so that
-- deleting an app, rotating its secret or deleting a user kills its tokens at once.
-- Times are unix milliseconds (UTC).
CREATE TABLE delegated_apps (
    client_id       TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    -- SHA-256 (hex) of a 256-bit random secret; the secret itself is never stored.
    secret_hash     TEXT NOT NULL,
    scopes          TEXT NOT NULL DEFAULT '[]',
    allowed_emails  TEXT NOT NULL DEFAULT '[]',
    allowed_domains TEXT NOT NULL DEFAULT '[]',
    enabled         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE delegated_tokens (
    token_id   TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES delegated_apps(client_id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX idx_delegated_tokens_client ON delegated_tokens(client_id);
CREATE INDEX idx_delegated_tokens_user ON delegated_tokens(user_id);
CREATE INDEX idx_delegated_tokens_expires ON delegated_tokens(expires_at);
