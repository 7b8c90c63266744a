package auth

import (
	"context"
	"database/sql"
	"strings"

	"segue/internal/fail"
)

// Patch is a partial update; nil fields are left alone.
type Patch struct {
	Username       *string
	DisplayName    *string
	AvatarURL      *string
	Email          *string
	Role           *Role
	Preferences    map[string]any
	PlayerFilter   []string
	ProviderFilter []string
}

// Update applies a patch. Role changes end the user's live sessions so they
// re-authenticate with the new scopes.
func (s *Users) Update(ctx context.Context, id string, p Patch) (User, error) {
	before, err := s.Get(ctx, id)
	if err != nil {
		return User{}, err
	}
	var sets []string
	var args []any
	if p.Username != nil {
		name := NormalizeUsername(*p.Username)
		if err := ValidateUsername(name); err != nil {
			return User{}, err
		}
		sets, args = append(sets, "username = ?"), append(args, name)
	}
	if p.DisplayName != nil {
		if err := ValidateDisplayName(*p.DisplayName); err != nil {
			return User{}, err
		}
		sets, args = append(sets, "display_name = ?"), append(args, nullIfEmpty(*p.DisplayName))
	}
	if p.AvatarURL != nil {
		if len(*p.AvatarURL) > 2048 {
			return User{}, fail.Invalid("Avatar URL is too long")
		}
		sets, args = append(sets, "avatar_url = ?"), append(args, nullIfEmpty(*p.AvatarURL))
	}
	if p.Email != nil {
		e, err := NormalizeEmail(*p.Email)
		if err != nil {
			return User{}, err
		}
		sets, args = append(sets, "email = ?"), append(args, nullIfEmpty(e))
	}
	if p.Role != nil {
		if !ValidRole(*p.Role) {
			return User{}, fail.Invalid("Unknown role %q", string(*p.Role))
		}
		sets, args = append(sets, "role = ?"), append(args, string(*p.Role))
	}
	if p.Preferences != nil {
		if !jsonDepthWithin(p.Preferences, MaxStoredJSONDepth) {
			return User{}, fail.Invalid("Preferences are nested too deeply (at most %d levels)", MaxStoredJSONDepth)
		}
		b := jsonText(p.Preferences)
		if len(b) > 64<<10 {
			return User{}, fail.Invalid("Preferences are too large")
		}
		sets, args = append(sets, "preferences = ?"), append(args, b)
	}
	if p.PlayerFilter != nil {
		sets, args = append(sets, "player_filter = ?"), append(args, jsonText(p.PlayerFilter))
	}
	if p.ProviderFilter != nil {
		sets, args = append(sets, "provider_filter = ?"), append(args, jsonText(p.ProviderFilter))
	}
	if len(sets) == 0 {
		return before, nil
	}
	args = append(args, id)
	_, err = s.db.W.ExecContext(ctx, "UPDATE users SET "+strings.Join(sets, ", ")+" WHERE user_id = ?", args...)
	s.invalidate(id)
	if err != nil {
		return User{}, s.writeError(err)
	}
	if p.Role != nil && *p.Role != before.Role {
		s.kills.notify(Kill{UserID: id})
	}
	return s.Get(ctx, id)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SetEnabled enables or disables a user; disabling ends every live session at once.
func (s *Users) SetEnabled(ctx context.Context, id string, enabled bool) error {
	v := 0
	if enabled {
		v = 1
	}
	res, err := s.db.W.ExecContext(ctx, "UPDATE users SET enabled = ? WHERE user_id = ?", v, id)
	s.invalidate(id)
	if err != nil {
		return fail.Unavailable(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fail.NotFound("User not found")
	}
	if !enabled {
		s.kills.notify(Kill{UserID: id})
	}
	return nil
}

// Delete removes a user, its links and tokens (cascade), and ends its sessions.
func (s *Users) Delete(ctx context.Context, id string) error {
	res, err := s.db.W.ExecContext(ctx, "DELETE FROM users WHERE user_id = ?", id)
	s.invalidate(id)
	if err != nil {
		return fail.Unavailable(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fail.NotFound("User not found")
	}
	s.kills.notify(Kill{UserID: id})
	return nil
}

// SetPassword stores a new password hash and revokes every token of the user
// except keepTokenID, ending those sessions.
func (s *Users) SetPassword(ctx context.Context, id, password, keepTokenID string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return fail.Internal(err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE user_id = ?", hash, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM auth_tokens WHERE user_id = ? AND token_id != ?", id, keepTokenID)
		return err
	})
	s.invalidate(id)
	if err != nil {
		return fail.Unavailable(err)
	}
	s.kills.notify(Kill{UserID: id, ExceptTokenID: keepTokenID, PasswordChanged: true})
	return nil
}

// SetPasswordHashOnly re-hashes a verified password with current parameters
// (upgrade on login); it revokes nothing.
func (s *Users) SetPasswordHashOnly(ctx context.Context, id, password string) error {
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	_, err = s.db.W.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE user_id = ?", hash, id)
	return err
}
