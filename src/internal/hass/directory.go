package hass

import (
	"context"
	"fmt"
	"sync"
	"time"

	"segue/internal/clock"
)

// DefaultDirectoryTTL is how long a config/auth/list answer is reused. Short, because an
// admin demoted in HA must lose admin rights in Segue soon after.
const DefaultDirectoryTTL = 30 * time.Second

// DirectoryOptions configures a Directory.
type DirectoryOptions struct {
	TTL   time.Duration // default DefaultDirectoryTTL
	Clock clock.Clock   // default clock.Real
}

// Directory looks HA users up by id in config/auth/list. It caches the list for TTL; a
// failed refresh is an error, never a stale answer, because the request asking is an
// ingress login that HA vouches for now. What an HA user may do in Segue is auth's rule
// (auth.HAAdminLookup), not this client's.
type Directory struct {
	caller Caller
	ttl    time.Duration
	clock  clock.Clock

	mu        sync.Mutex // also serialises refreshes: concurrent callers share one fetch
	users     map[string]User
	fetchedAt time.Time
}

// NewDirectory builds a user directory over a Caller (the Supervisor-proxied Client).
func NewDirectory(c Caller, opts DirectoryOptions) *Directory {
	if opts.TTL <= 0 {
		opts.TTL = DefaultDirectoryTTL
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	return &Directory{caller: c, ttl: opts.TTL, clock: opts.Clock}
}

// User returns the HA user's entry (name, username, groups) if it exists and is active.
// Unknown ids give ErrUnknownUser and deactivated users ErrUserInactive, so their
// ingress access ends.
func (r *Directory) User(ctx context.Context, haUserID string) (User, error) {
	users, err := r.snapshot(ctx)
	if err != nil {
		return User{}, err
	}
	u, ok := users[haUserID]
	if !ok {
		return User{}, fmt.Errorf("%w: %q", ErrUnknownUser, haUserID)
	}
	if !u.IsActive {
		return User{}, fmt.Errorf("%w: %q", ErrUserInactive, haUserID)
	}
	return u, nil
}

// Invalidate drops the cache so the next lookup asks HA (e.g. after an HA-side change is known).
func (r *Directory) Invalidate() {
	r.mu.Lock()
	r.users = nil
	r.mu.Unlock()
}

func (r *Directory) snapshot(ctx context.Context) (map[string]User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	if r.users != nil && now.Sub(r.fetchedAt) < r.ttl && !now.Before(r.fetchedAt) {
		return r.users, nil
	}
	list, err := ListUsers(ctx, r.caller)
	if err != nil {
		r.users = nil
		return nil, fmt.Errorf("home assistant users: %w", err)
	}
	users := make(map[string]User, len(list))
	for _, u := range list {
		users[u.ID] = u
	}
	r.users, r.fetchedAt = users, now
	return users, nil
}
