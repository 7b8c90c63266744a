package apppass

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/store"
)

// Deps are what the service needs.
type Deps struct {
	DB     *store.DB
	Users  *auth.Users
	Random *secrets.Random
	Clock  clock.Clock
	// KeyPath is the master key file (data dir / KeyFile).
	KeyPath string
	// KeyMustExist refuses to create a missing key file (`segue user` must not
	// make keys the server has never used).
	KeyMustExist bool
}

// Service reveals, rotates and checks app-passwords.
type Service struct {
	db     *store.DB
	users  *auth.Users
	rand   *secrets.Random
	clock  clock.Clock
	sealer *secrets.Sealer
	// dummy is a ciphertext opened for unknown users, so that they cost the same
	// work as a real user whose secret is not cached yet.
	dummy, dummyAAD []byte

	mu sync.RWMutex
	// byName maps a normalised username to its decrypted credential.
	byName map[string]*Credential
	// epoch counts invalidations; a load that raced one is not cached, so a
	// rotated or revoked secret can never come back from a stale read.
	epoch uint64
}

// Credential is a user's decrypted app-password (memory only).
type Credential struct {
	UserID   string
	Username string
	Secret   string
}

// Open loads the master key and checks it. The owner forwards kills to Forget.
func Open(ctx context.Context, d Deps) (*Service, error) {
	rr := randomReader{d.Random}
	if d.KeyMustExist {
		if _, err := os.Stat(d.KeyPath); err != nil {
			return nil, fmt.Errorf("the Subsonic key file %s is missing or unreadable (start segue serve once to create it): %w", d.KeyPath, err)
		}
	}
	sealer, err := loadSealer(ctx, d.DB, d.KeyPath, rr)
	if err != nil {
		return nil, err
	}
	s := &Service{db: d.DB, users: d.Users, rand: d.Random, clock: d.Clock, sealer: sealer,
		byName: map[string]*Credential{}}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	s.dummyAAD = []byte(d.Random.ID())
	if s.dummy, err = sealer.Seal([]byte(generate(d.Random)), s.dummyAAD); err != nil {
		return nil, err
	}
	return s, nil
}

// Forget drops a user's cached secret (rotate, disable, delete, role or password change).
func (s *Service) Forget(userID string) {
	s.mu.Lock()
	s.epoch++
	for name, c := range s.byName {
		if c.UserID == userID {
			delete(s.byName, name)
		}
	}
	s.mu.Unlock()
}

// Reveal returns the user's app-password, creating it on first access.
func (s *Service) Reveal(ctx context.Context, userID string) (string, error) {
	if _, err := s.users.Get(ctx, userID); err != nil {
		return "", err
	}
	ct, err := s.ciphertext(ctx, userID)
	if fail.Is(err, fail.KindNotFound) {
		if err := s.store(ctx, userID, false); err != nil {
			return "", err
		}
		ct, err = s.ciphertext(ctx, userID)
	}
	if err != nil {
		return "", err
	}
	return s.open(ct, userID)
}

// Rotate replaces the user's app-password; the old one stops working at once.
func (s *Service) Rotate(ctx context.Context, userID string) (string, error) {
	if _, err := s.users.Get(ctx, userID); err != nil {
		return "", err
	}
	if err := s.store(ctx, userID, true); err != nil {
		return "", err
	}
	s.Forget(userID)
	ct, err := s.ciphertext(ctx, userID)
	if err != nil {
		return "", err
	}
	return s.open(ct, userID)
}

// store writes a new sealed secret: replacing the current one, or only if none exists
// (two concurrent first reveals then agree on one password).
func (s *Service) store(ctx context.Context, userID string, replace bool) error {
	ct, err := s.sealer.Seal([]byte(generate(s.rand)), []byte(userID))
	if err != nil {
		return fail.Internal(err)
	}
	q := `INSERT INTO subsonic_app_passwords(user_id, ciphertext, created_at) VALUES(?, ?, ?) ON CONFLICT(user_id) DO NOTHING`
	if replace {
		q = `INSERT INTO subsonic_app_passwords(user_id, ciphertext, created_at) VALUES(?, ?, ?)
			ON CONFLICT(user_id) DO UPDATE SET ciphertext = excluded.ciphertext, created_at = excluded.created_at`
	}
	if _, err := s.db.W.ExecContext(ctx, q, userID, ct, s.clock.Now().UnixMilli()); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fail.Unavailable(err)
		}
		// The user row vanished between the check and the write (foreign key).
		if _, gerr := s.users.Get(ctx, userID); fail.Is(gerr, fail.KindNotFound) {
			return gerr
		}
		return fail.Unavailable(err)
	}
	return nil
}

func (s *Service) ciphertext(ctx context.Context, userID string) ([]byte, error) {
	var ct []byte
	err := s.db.R.QueryRowContext(ctx, "SELECT ciphertext FROM subsonic_app_passwords WHERE user_id = ?", userID).Scan(&ct)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fail.NotFound("No app-password yet")
	}
	if err != nil {
		return nil, fail.Unavailable(err)
	}
	return ct, nil
}

// open decrypts a row's ciphertext; the user id is the associated data, so a
// ciphertext copied from another user's row fails here.
func (s *Service) open(ct []byte, userID string) (string, error) {
	pt, err := s.sealer.Open(ct, []byte(userID))
	if err != nil {
		return "", fail.Wrap(fail.KindInternal, err, "The app-password could not be decrypted")
	}
	return string(pt), nil
}

// ErrUndecryptable wraps a stored ciphertext that does not open (tampered or moved row).
var ErrUndecryptable = errors.New("stored app-password does not decrypt for its user")

// Lookup returns the user and app-password for a login name: from memory, or
// from the database (one query) and a decryption. found is false for an unknown
// user or a user without an app-password; those cost a dummy decryption so they
// take the same work as a first lookup of a real user. The user comes from
// auth.Users (cached too), so a rename or deletion is seen at once; checking
// Enabled is the caller's job.
func (s *Service) Lookup(ctx context.Context, username string) (u auth.User, secret string, found bool, err error) {
	name := auth.NormalizeUsername(username)
	s.mu.RLock()
	cached := s.byName[name]
	epoch := s.epoch
	s.mu.RUnlock()
	if cached != nil {
		u, err = s.users.Get(ctx, cached.UserID)
		switch {
		case err == nil && u.Username == name:
			return u, cached.Secret, true, nil
		case err == nil || fail.Is(err, fail.KindNotFound):
			s.Forget(cached.UserID) // renamed or deleted: load again by name
			s.mu.RLock()
			epoch = s.epoch
			s.mu.RUnlock()
		default:
			return auth.User{}, "", false, err
		}
	}
	var userID string
	var ct []byte
	err = s.db.R.QueryRowContext(ctx, `SELECT u.user_id, a.ciphertext FROM users u
		LEFT JOIN subsonic_app_passwords a ON a.user_id = u.user_id WHERE u.username = ?`, name).Scan(&userID, &ct)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, "", false, fail.Unavailable(err)
	}
	if err != nil || ct == nil {
		_, _ = s.sealer.Open(s.dummy, s.dummyAAD)
		return auth.User{}, "", false, nil
	}
	pt, oerr := s.sealer.Open(ct, []byte(userID))
	if oerr != nil {
		return auth.User{}, "", false, fmt.Errorf("user %s: %w", userID, ErrUndecryptable)
	}
	u, err = s.users.Get(ctx, userID)
	if fail.Is(err, fail.KindNotFound) {
		return auth.User{}, "", false, nil
	}
	if err != nil {
		return auth.User{}, "", false, err
	}
	c := &Credential{UserID: userID, Username: name, Secret: string(pt)}
	s.mu.Lock()
	if s.epoch == epoch {
		s.byName[name] = c
	}
	s.mu.Unlock()
	return u, c.Secret, true, nil
}
