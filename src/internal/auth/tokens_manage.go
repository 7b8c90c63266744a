package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"segue/internal/fail"
)

// Get returns one token row.
func (t *Tokens) Get(ctx context.Context, id string) (TokenInfo, error) {
	row := t.db.R.QueryRowContext(ctx, `SELECT token_id, user_id, token_hash, name, created_at, expires_at, last_used_at, is_long_lived
		FROM auth_tokens WHERE token_id = ?`, id)
	info, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return TokenInfo{}, fail.NotFound("Token not found")
	}
	if err != nil {
		return TokenInfo{}, fail.Unavailable(err)
	}
	return info, nil
}

// List returns a user's tokens, newest first (at most 100).
func (t *Tokens) List(ctx context.Context, userID string) ([]TokenInfo, error) {
	_ = t.Flush(ctx) // show current last-used times
	rows, err := t.db.R.QueryContext(ctx, `SELECT token_id, user_id, token_hash, name, created_at, expires_at, last_used_at, is_long_lived
		FROM auth_tokens WHERE user_id = ? ORDER BY created_at DESC LIMIT 100`, userID)
	if err != nil {
		return nil, fail.Unavailable(err)
	}
	defer rows.Close()
	out := []TokenInfo{}
	for rows.Next() {
		info, err := scanToken(rows)
		if err != nil {
			return nil, fail.Unavailable(err)
		}
		out = append(out, info)
	}
	if err := rows.Err(); err != nil {
		return nil, fail.Unavailable(err)
	}
	return out, nil
}

func scanToken(r rowScanner) (TokenInfo, error) {
	var info TokenInfo
	var created, expires int64
	var lastUsed sql.NullInt64
	var longLived int
	if err := r.Scan(&info.ID, &info.UserID, &info.Hash, &info.Name, &created, &expires, &lastUsed, &longLived); err != nil {
		return info, err
	}
	info.CreatedAt, info.ExpiresAt = time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	if lastUsed.Valid {
		v := time.UnixMilli(lastUsed.Int64).UTC()
		info.LastUsedAt = &v
	}
	info.IsLongLived = longLived == 1
	return info, nil
}

// Revoke deletes a token durably and ends the sessions that use it.
func (t *Tokens) Revoke(ctx context.Context, id string) error {
	n, err := t.remove(ctx, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fail.NotFound("Token not found")
	}
	t.kills.notify(Kill{TokenID: id})
	return nil
}

// forgetUser drops cached rows of a user (tokens deleted in bulk, user disabled or deleted).
func (t *Tokens) forgetUser(userID, exceptTokenID string) {
	t.mu.Lock()
	for id, e := range t.byID {
		if e.userID == userID && id != exceptTokenID {
			delete(t.byID, id)
			delete(t.byHash, e.hash)
		}
	}
	t.mu.Unlock()
}

// InsertLegacy stores an opaque token from an older version by its hash (import, tests).
func (t *Tokens) InsertLegacy(ctx context.Context, userID, hash, name string, created, expires time.Time, longLived bool) (string, error) {
	id := t.rand.ID()
	err := t.insert(ctx, TokenInfo{ID: id, UserID: userID, Hash: hash, Name: name, CreatedAt: created, ExpiresAt: expires, IsLongLived: longLived})
	return id, err
}
