package store

import (
	"context"
	"database/sql"
	"errors"
)

// Setting reads a setting; ok is false when it is absent.
func (db *DB) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = db.R.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting writes a setting durably.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := db.W.ExecContext(ctx,
		"INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

// SettingOrInit returns the setting, storing init() first if it is absent.
func (db *DB) SettingOrInit(ctx context.Context, key string, init func() string) (string, error) {
	if v, ok, err := db.Setting(ctx, key); err != nil || ok {
		return v, err
	}
	if _, err := db.W.ExecContext(ctx, "INSERT OR IGNORE INTO settings(key, value) VALUES(?, ?)", key, init()); err != nil {
		return "", err
	}
	v, _, err := db.Setting(ctx, key)
	return v, err
}
