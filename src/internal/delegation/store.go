package delegation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/store"
)

// NewApp is the input of Create.
type NewApp struct {
	// ClientID is optional; empty draws a random one.
	ClientID       string
	Name           string
	Scopes         []auth.Scope
	AllowedEmails  []string
	AllowedDomains []string
	Enabled        *bool
}

// AppPatch is a partial update; nil fields are left alone.
type AppPatch struct {
	Name           *string
	Scopes         []auth.Scope
	AllowedEmails  []string
	AllowedDomains []string
	Enabled        *bool
}

const appColumns = "client_id, name, scopes, allowed_emails, allowed_domains, enabled, created_at, updated_at"

type rowScanner interface{ Scan(dest ...any) error }

func scanApp(r rowScanner) (App, error) {
	var a App
	var scopes, emails, domains string
	var enabled int
	var created, updated int64
	if err := r.Scan(&a.ClientID, &a.Name, &scopes, &emails, &domains, &enabled, &created, &updated); err != nil {
		return a, err
	}
	a.Scopes, a.AllowedEmails, a.AllowedDomains = []auth.Scope{}, []string{}, []string{}
	// A row that does not decode grants nothing (fail closed).
	_ = json.Unmarshal([]byte(scopes), &a.Scopes)
	_ = json.Unmarshal([]byte(emails), &a.AllowedEmails)
	_ = json.Unmarshal([]byte(domains), &a.AllowedDomains)
	a.Enabled = enabled == 1
	a.CreatedAt, a.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return a, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Create registers an application and returns it with its secret, which is
// shown this once and stored only as a hash.
func (s *Service) Create(ctx context.Context, n NewApp) (App, string, error) {
	name, err := normalizeName(n.Name)
	if err != nil {
		return App{}, "", err
	}
	scopes, err := normalizeScopes(n.Scopes)
	if err != nil {
		return App{}, "", err
	}
	emails, err := normalizeEmails(n.AllowedEmails)
	if err != nil {
		return App{}, "", err
	}
	domains, err := normalizeDomains(n.AllowedDomains)
	if err != nil {
		return App{}, "", err
	}
	chosen := n.ClientID != ""
	if chosen && !validClientID(n.ClientID) {
		return App{}, "", fail.Invalid("client_id must be %d to %d characters of letters, digits, '.', '_' or '-'", minClientID, maxClientID)
	}
	enabled := n.Enabled == nil || *n.Enabled
	secret := newSecret(s.d.Random)
	now := s.d.Clock.Now().UnixMilli()
	for attempt := 0; ; attempt++ {
		id := n.ClientID
		if !chosen {
			id = "app_" + s.d.Random.Alnum(22)
		}
		err = s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
			// RFC 9700 §4.15: a client id must never be mistaken for a user.
			var clash int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE user_id = ? OR username = ?",
				id, auth.NormalizeUsername(id)).Scan(&clash); err != nil {
				return fail.Unavailable(err)
			}
			if clash > 0 {
				return errClientIDTaken
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO delegated_apps(client_id, name, secret_hash, scopes, allowed_emails,
				allowed_domains, enabled, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, name, hashSecret(secret), jsonText(scopes), jsonText(emails), jsonText(domains), boolInt(enabled), now, now)
			if store.IsUniqueViolation(err) {
				return errClientIDTaken
			}
			if err != nil {
				return fail.Unavailable(err)
			}
			return nil
		})
		if errors.Is(err, errClientIDTaken) && !chosen && attempt < 3 {
			continue
		}
		if errors.Is(err, errClientIDTaken) {
			return App{}, "", fail.Invalid("That client_id is already in use by a user or another application")
		}
		if err != nil {
			return App{}, "", err
		}
		app, err := s.Get(ctx, id)
		return app, secret, err
	}
}

var errClientIDTaken = errors.New("client id taken")

// Get returns one application (cached).
func (s *Service) Get(ctx context.Context, clientID string) (App, error) {
	s.mu.Lock()
	a, ok := s.apps[clientID]
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return a, nil
	}
	if !validClientID(clientID) {
		return App{}, fail.NotFound("Application not found")
	}
	a, err := scanApp(s.d.DB.R.QueryRowContext(ctx, "SELECT "+appColumns+" FROM delegated_apps WHERE client_id = ?", clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return App{}, fail.NotFound("Application not found")
	}
	if err != nil {
		return App{}, fail.Unavailable(err)
	}
	s.mu.Lock()
	if gen == s.gen {
		s.apps[clientID] = a
	}
	s.mu.Unlock()
	return a, nil
}

// List returns every application, oldest first.
func (s *Service) List(ctx context.Context) ([]App, error) {
	rows, err := s.d.DB.R.QueryContext(ctx, "SELECT "+appColumns+" FROM delegated_apps ORDER BY created_at, client_id LIMIT 1000")
	if err != nil {
		return nil, fail.Unavailable(err)
	}
	defer rows.Close()
	out := []App{}
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, fail.Unavailable(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fail.Unavailable(err)
	}
	return out, nil
}

// Update applies a patch. Any change ends the live sessions of the app's tokens
// so they re-authenticate under the new rules; disabling also revokes them.
func (s *Service) Update(ctx context.Context, clientID string, p AppPatch) (App, error) {
	if _, err := s.Get(ctx, clientID); err != nil {
		return App{}, err
	}
	var sets []string
	var args []any
	if p.Name != nil {
		name, err := normalizeName(*p.Name)
		if err != nil {
			return App{}, err
		}
		sets, args = append(sets, "name = ?"), append(args, name)
	}
	if p.Scopes != nil {
		scopes, err := normalizeScopes(p.Scopes)
		if err != nil {
			return App{}, err
		}
		sets, args = append(sets, "scopes = ?"), append(args, jsonText(scopes))
	}
	if p.AllowedEmails != nil {
		emails, err := normalizeEmails(p.AllowedEmails)
		if err != nil {
			return App{}, err
		}
		sets, args = append(sets, "allowed_emails = ?"), append(args, jsonText(emails))
	}
	if p.AllowedDomains != nil {
		domains, err := normalizeDomains(p.AllowedDomains)
		if err != nil {
			return App{}, err
		}
		sets, args = append(sets, "allowed_domains = ?"), append(args, jsonText(domains))
	}
	if p.Enabled != nil {
		sets, args = append(sets, "enabled = ?"), append(args, boolInt(*p.Enabled))
	}
	if len(sets) == 0 {
		return s.Get(ctx, clientID)
	}
	sets, args = append(sets, "updated_at = ?"), append(args, s.d.Clock.Now().UnixMilli())
	revoke := p.Enabled != nil && !*p.Enabled
	var ids []string
	err := s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if ids, err = tokenIDs(ctx, tx, clientID); err != nil {
			return err
		}
		q := "UPDATE delegated_apps SET "
		for i, set := range sets {
			if i > 0 {
				q += ", "
			}
			q += set
		}
		if _, err := tx.ExecContext(ctx, q+" WHERE client_id = ?", append(args, clientID)...); err != nil {
			return err
		}
		if revoke {
			_, err = tx.ExecContext(ctx, "DELETE FROM delegated_tokens WHERE client_id = ?", clientID)
		}
		return err
	})
	s.forgetApp(clientID)
	if err != nil {
		return App{}, fail.Unavailable(err)
	}
	s.endSessions(ids)
	return s.Get(ctx, clientID)
}

// RotateSecret replaces the secret and revokes every token issued under the old one.
func (s *Service) RotateSecret(ctx context.Context, clientID string) (string, error) {
	if _, err := s.Get(ctx, clientID); err != nil {
		return "", err
	}
	secret := newSecret(s.d.Random)
	var ids []string
	err := s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if ids, err = tokenIDs(ctx, tx, clientID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE delegated_apps SET secret_hash = ?, updated_at = ? WHERE client_id = ?",
			hashSecret(secret), s.d.Clock.Now().UnixMilli(), clientID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM delegated_tokens WHERE client_id = ?", clientID)
		return err
	})
	s.forgetApp(clientID)
	if err != nil {
		return "", fail.Unavailable(err)
	}
	s.endSessions(ids)
	return secret, nil
}

// Delete removes an application; its token rows go with it (cascade), so every
// token it holds stops working at once.
func (s *Service) Delete(ctx context.Context, clientID string) error {
	var ids []string
	var n int64
	err := s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if ids, err = tokenIDs(ctx, tx, clientID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM delegated_apps WHERE client_id = ?", clientID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	s.forgetApp(clientID)
	if err != nil {
		return fail.Unavailable(err)
	}
	if n == 0 {
		return fail.NotFound("Application not found")
	}
	s.endSessions(ids)
	return nil
}

func tokenIDs(ctx context.Context, tx *sql.Tx, clientID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT token_id FROM delegated_tokens WHERE client_id = ?", clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// secretHash reads the stored hash of an enabled or disabled app; found is false for unknown ids.
func (s *Service) secretHash(ctx context.Context, clientID string) (hash string, found bool, err error) {
	if !validClientID(clientID) {
		return "", false, nil
	}
	err = s.d.DB.R.QueryRowContext(ctx, "SELECT secret_hash FROM delegated_apps WHERE client_id = ?", clientID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fail.Unavailable(err)
	}
	return hash, true, nil
}

// PruneExpired deletes token rows past their expiry (housekeeping; rows are also checked on use).
func (s *Service) PruneExpired(ctx context.Context) error {
	_, err := s.d.DB.W.ExecContext(ctx, "DELETE FROM delegated_tokens WHERE expires_at < ?", s.d.Clock.Now().UnixMilli())
	return err
}

func newSecret(r *secrets.Random) string { return r.Token(32) }

func hashSecret(secret string) string { return secrets.SHA256Hex(secret) }
