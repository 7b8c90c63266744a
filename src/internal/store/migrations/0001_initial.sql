-- Settings, users, provider links and tokens. Times are unix milliseconds (UTC).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    user_id         TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role            TEXT NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    display_name    TEXT,
    avatar_url      TEXT,
    email           TEXT UNIQUE,
    password_hash   TEXT,
    preferences     TEXT NOT NULL DEFAULT '{}',
    player_filter   TEXT NOT NULL DEFAULT '[]',
    provider_filter TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE user_auth_providers (
    link_id          TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    provider_type    TEXT NOT NULL,
    provider_user_id TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (provider_type, provider_user_id)
);
CREATE INDEX idx_user_auth_providers_user ON user_auth_providers(user_id);

CREATE TABLE auth_tokens (
    token_id      TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    is_long_lived INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_tokens_user ON auth_tokens(user_id);
