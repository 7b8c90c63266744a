-- Subsonic app-passwords: one random secret per user, AES-256-GCM under an HKDF
-- subkey of the master key file (subsonic.key), bound to user_id as associated data.
-- Deleting a user removes its app-password (cascade); disabling is checked on use.
CREATE TABLE subsonic_app_passwords (
    user_id    TEXT PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
    ciphertext BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
