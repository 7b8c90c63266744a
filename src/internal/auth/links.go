package auth

import (
	"context"
	"database/sql"
	"errors"
	"unicode/utf8"

	"segue/internal/fail"
)

// FindLinked returns the user linked to (providerType, providerUserID).
func (s *Users) FindLinked(ctx context.Context, providerType, providerUserID string) (User, error) {
	var id string
	err := s.db.R.QueryRowContext(ctx, `SELECT user_id FROM user_auth_providers
		WHERE provider_type = ? AND provider_user_id = ?`, providerType, providerUserID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fail.NotFound("User not found")
	}
	if err != nil {
		return User{}, fail.Unavailable(err)
	}
	return s.Get(ctx, id)
}

// FindOrCreateLinked returns the user linked to the external identity, creating
// the user and the link in one transaction if absent. Concurrent calls for the
// same identity create exactly one user. The username is taken from n.Username,
// with a suffix when another account already holds it: external identities never
// take over an existing local account by name.
func (s *Users) FindOrCreateLinked(ctx context.Context, providerType, providerUserID string, n NewUser) (User, bool, error) {
	if u, err := s.FindLinked(ctx, providerType, providerUserID); err == nil || !fail.Is(err, fail.KindNotFound) {
		return u, false, err
	}
	if err := n.normalize(); err != nil {
		return User{}, false, err
	}
	id := s.rand.ID()
	created := false
	now := s.clock.Now().UnixMilli()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var existing string
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM user_auth_providers WHERE provider_type = ? AND provider_user_id = ?`,
			providerType, providerUserID).Scan(&existing)
		if err == nil {
			id = existing
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		name, err := freeUsername(ctx, tx, n.Username, providerUserID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users(user_id, username, role, enabled, created_at, display_name,
			avatar_url, email, preferences, player_filter, provider_filter) VALUES(?, ?, ?, 1, ?, ?, ?, NULL, '{}', '[]', '[]')`,
			id, name, string(n.Role), now, n.DisplayName, n.AvatarURL); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_auth_providers(link_id, user_id, provider_type, provider_user_id, created_at)
			VALUES(?, ?, ?, ?, ?)`, s.rand.ID(), id, providerType, providerUserID, now); err != nil {
			return err
		}
		created = true
		return nil
	})
	if err != nil {
		return User{}, false, s.writeError(err)
	}
	u, err := s.Get(ctx, id)
	return u, created, err
}

// withSuffix appends "_"+suffix, shortening name so the result keeps MaxUsernameChars.
func withSuffix(name, suffix string) string {
	keep := MaxUsernameChars - 1 - utf8.RuneCountInString(suffix)
	if keep < 0 {
		keep = 0
	}
	if r := []rune(name); len(r) > keep {
		name = string(r[:keep])
	}
	return name + "_" + suffix
}

func freeUsername(ctx context.Context, tx *sql.Tx, want, externalID string) (string, error) {
	suffix := externalID
	if len(suffix) > 6 {
		suffix = suffix[:6]
	}
	candidates := []string{want, withSuffix(want, suffix), withSuffix(want, externalID)}
	for _, c := range candidates {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE username = ?", c).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return c, nil
		}
	}
	return "", fail.Conflict("No free username for this account")
}

// Link attaches an external identity to an existing user.
func (s *Users) Link(ctx context.Context, userID, providerType, providerUserID string) error {
	_, err := s.db.W.ExecContext(ctx, `INSERT INTO user_auth_providers(link_id, user_id, provider_type, provider_user_id, created_at)
		VALUES(?, ?, ?, ?, ?)`, s.rand.ID(), userID, providerType, providerUserID, s.clock.Now().UnixMilli())
	if err != nil {
		return s.writeError(err)
	}
	return nil
}
