package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/store"
)

// Provider types for user_auth_providers links.
const (
	ProviderBuiltin       = "builtin"
	ProviderHomeAssistant = "homeassistant"
)

// Users manages accounts. Reads of single users go through a cache that every
// write through this type invalidates, so token checks need no database round trip.
type Users struct {
	db     *store.DB
	clock  clock.Clock
	rand   *secrets.Random
	hasher *secrets.Hasher
	kills  *Notifier

	mu    sync.RWMutex
	cache map[string]User
}

// NewUsers builds the user service.
func NewUsers(db *store.DB, clk clock.Clock, rnd *secrets.Random, hasher *secrets.Hasher, kills *Notifier) *Users {
	return &Users{db: db, clock: clk, rand: rnd, hasher: hasher, kills: kills, cache: map[string]User{}}
}

// NewUser is the input of Create.
type NewUser struct {
	Username       string
	Password       string // empty: no password login (HA-linked users)
	Role           Role
	DisplayName    *string
	AvatarURL      *string
	Email          *string
	PlayerFilter   []string
	ProviderFilter []string
}

const userColumns = `user_id, username, role, enabled, created_at, display_name, avatar_url, email,
	preferences, player_filter, provider_filter`

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(r rowScanner) (User, error) {
	var u User
	var created int64
	var enabled int
	var prefs, players, providers string
	var display, avatar, email sql.NullString
	if err := r.Scan(&u.ID, &u.Username, &u.Role, &enabled, &created, &display, &avatar, &email,
		&prefs, &players, &providers); err != nil {
		return u, err
	}
	u.Enabled = enabled == 1
	u.CreatedAt = time.UnixMilli(created).UTC()
	u.DisplayName = nullString(display)
	u.AvatarURL = nullString(avatar)
	u.Email = nullString(email)
	u.Preferences = map[string]any{}
	_ = json.Unmarshal([]byte(prefs), &u.Preferences)
	u.PlayerFilter = []string{}
	_ = json.Unmarshal([]byte(players), &u.PlayerFilter)
	u.ProviderFilter = []string{}
	_ = json.Unmarshal([]byte(providers), &u.ProviderFilter)
	return u, nil
}

func nullString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	v := s.String
	return &v
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (n *NewUser) normalize() error {
	n.Username = NormalizeUsername(n.Username)
	if err := ValidateUsername(n.Username); err != nil {
		return err
	}
	if n.Role == "" {
		n.Role = RoleUser
	}
	if !ValidRole(n.Role) {
		return fail.Invalid("Unknown role %q", string(n.Role))
	}
	if n.DisplayName != nil {
		if err := ValidateDisplayName(*n.DisplayName); err != nil {
			return err
		}
	}
	if n.Email != nil {
		e, err := NormalizeEmail(*n.Email)
		if err != nil {
			return err
		}
		if e == "" {
			n.Email = nil
		} else {
			n.Email = &e
		}
	}
	if n.PlayerFilter == nil {
		n.PlayerFilter = []string{}
	}
	if n.ProviderFilter == nil {
		n.ProviderFilter = []string{}
	}
	return nil
}

// Create adds a user; the password (if any) is hashed before the write transaction.
func (s *Users) Create(ctx context.Context, n NewUser) (User, error) {
	return s.create(ctx, n, nil)
}

// CreateFirstAdmin creates an admin only while no user exists; exactly one of
// any number of concurrent calls succeeds, and setup never reopens.
func (s *Users) CreateFirstAdmin(ctx context.Context, username, password string) (User, error) {
	n := NewUser{Username: username, Password: password, Role: RoleAdmin}
	return s.create(ctx, n, func(tx *sql.Tx) error {
		var users int
		var done sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&users); err != nil {
			return fail.Unavailable(err)
		}
		_ = tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'setup_done'").Scan(&done)
		if users > 0 || done.Valid {
			return fail.Conflict("Setup already completed")
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO settings(key, value) VALUES('setup_done', '1')")
		return err
	})
}

func (s *Users) create(ctx context.Context, n NewUser, guard func(*sql.Tx) error) (User, error) {
	if err := n.normalize(); err != nil {
		return User{}, err
	}
	var hash sql.NullString
	if n.Password != "" {
		if err := ValidatePassword(n.Password); err != nil {
			return User{}, err
		}
		h, err := s.hasher.Hash(ctx, n.Password)
		if err != nil {
			return User{}, fail.Internal(err)
		}
		hash = sql.NullString{String: h, Valid: true}
	}
	id := s.rand.ID()
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if guard != nil {
			if err := guard(tx); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users(user_id, username, role, enabled, created_at, display_name,
			avatar_url, email, password_hash, preferences, player_filter, provider_filter)
			VALUES(?, ?, ?, 1, ?, ?, ?, ?, ?, '{}', ?, ?)`,
			id, n.Username, string(n.Role), now.UnixMilli(), n.DisplayName, n.AvatarURL, n.Email, hash,
			jsonText(n.PlayerFilter), jsonText(n.ProviderFilter))
		if err != nil {
			return err
		}
		if hash.Valid {
			_, err = tx.ExecContext(ctx, `INSERT INTO user_auth_providers(link_id, user_id, provider_type, provider_user_id, created_at)
				VALUES(?, ?, ?, ?, ?)`, s.rand.ID(), id, ProviderBuiltin, id, now.UnixMilli())
		}
		return err
	})
	if err != nil {
		return User{}, s.writeError(err)
	}
	return s.Get(ctx, id)
}

func (s *Users) writeError(err error) error {
	var fe *fail.Error
	if errors.As(err, &fe) {
		return err
	}
	if store.IsUniqueViolation(err) {
		return fail.Conflict("A user with that username or email already exists")
	}
	return fail.Unavailable(err)
}

// Get returns a user by id (cached).
func (s *Users) Get(ctx context.Context, id string) (User, error) {
	s.mu.RLock()
	u, ok := s.cache[id]
	s.mu.RUnlock()
	if ok {
		return u, nil
	}
	u, err := scanUser(s.db.R.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE user_id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fail.NotFound("User not found")
	}
	if err != nil {
		return User{}, fail.Unavailable(err)
	}
	s.mu.Lock()
	s.cache[id] = u
	s.mu.Unlock()
	return u, nil
}

// Lookup finds a user by id or (case-insensitive) username.
func (s *Users) Lookup(ctx context.Context, idOrName string) (User, error) {
	u, err := s.Get(ctx, idOrName)
	if err == nil || !fail.Is(err, fail.KindNotFound) {
		return u, err
	}
	var id string
	err = s.db.R.QueryRowContext(ctx, "SELECT user_id FROM users WHERE username = ?", NormalizeUsername(idOrName)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fail.NotFound("User not found")
	}
	if err != nil {
		return User{}, fail.Unavailable(err)
	}
	return s.Get(ctx, id)
}

// ByEmail finds a user by normalised email.
func (s *Users) ByEmail(ctx context.Context, email string) (User, error) {
	e, err := NormalizeEmail(email)
	if err != nil || e == "" {
		return User{}, fail.NotFound("User not found")
	}
	var id string
	err = s.db.R.QueryRowContext(ctx, "SELECT user_id FROM users WHERE email = ?", e).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fail.NotFound("User not found")
	}
	if err != nil {
		return User{}, fail.Unavailable(err)
	}
	return s.Get(ctx, id)
}

// PasswordHash returns the user and stored hash for a login name; a missing
// user gives an empty hash and a NotFound error.
func (s *Users) PasswordHash(ctx context.Context, username string) (User, string, error) {
	var id string
	var hash sql.NullString
	err := s.db.R.QueryRowContext(ctx, "SELECT user_id, password_hash FROM users WHERE username = ?",
		NormalizeUsername(username)).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", fail.NotFound("User not found")
	}
	if err != nil {
		return User{}, "", fail.Unavailable(err)
	}
	u, err := s.Get(ctx, id)
	return u, hash.String, err
}

// List returns all users except the HA system user, oldest first (at most 1000).
func (s *Users) List(ctx context.Context) ([]User, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE username != ? ORDER BY created_at, username LIMIT 1000", SystemUsername)
	if err != nil {
		return nil, fail.Unavailable(err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fail.Unavailable(err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fail.Unavailable(err)
	}
	return out, nil
}

// Count returns the number of users other than the HA system user.
func (s *Users) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE username != ?", SystemUsername).Scan(&n); err != nil {
		return 0, fail.Unavailable(err)
	}
	return n, nil
}

// SetupDone reports whether first-run setup is closed (a user exists or setup ran).
func (s *Users) SetupDone(ctx context.Context) (bool, error) {
	n, err := s.Count(ctx)
	if err != nil || n > 0 {
		return n > 0, err
	}
	_, ok, err := s.db.Setting(ctx, "setup_done")
	if err != nil {
		return false, fail.Unavailable(err)
	}
	return ok, nil
}

func (s *Users) invalidate(id string) {
	s.mu.Lock()
	delete(s.cache, id)
	s.mu.Unlock()
}
