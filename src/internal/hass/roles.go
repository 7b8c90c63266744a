package hass

import (
	"context"
	"fmt"
	"sync"
	"time"

	"segue/internal/auth"
	"segue/internal/clock"
)

// DefaultRoleTTL is how long a config/auth/list answer is reused. Short, because an admin
// demoted in HA must lose admin rights in Segue soon after.
const DefaultRoleTTL = 30 * time.Second

// RoleSourceOptions configures a RoleSource.
type RoleSourceOptions struct {
	TTL   time.Duration // default DefaultRoleTTL
	Clock clock.Clock   // default clock.Real
}

// RoleSource maps HA user ids to Segue roles from config/auth/list: system-admin ⇒ admin,
// anyone else ⇒ user. It caches the list for TTL; a failed refresh is an error, never a
// stale answer, because the request asking is an ingress login that HA vouches for now.
type RoleSource struct {
	caller Caller
	ttl    time.Duration
	clock  clock.Clock

	mu        sync.Mutex // also serialises refreshes: concurrent callers share one fetch
	users     map[string]User
	fetchedAt time.Time
}

// NewRoleSource builds a role source over a Caller (the Supervisor-proxied Client).
func NewRoleSource(c Caller, opts RoleSourceOptions) *RoleSource {
	if opts.TTL <= 0 {
		opts.TTL = DefaultRoleTTL
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	return &RoleSource{caller: c, ttl: opts.TTL, clock: opts.Clock}
}

// RoleFor returns the role of an HA user. Unknown ids give ErrUnknownUser and
// deactivated users ErrUserInactive, so their ingress access ends.
func (r *RoleSource) RoleFor(ctx context.Context, haUserID string) (auth.Role, error) {
	u, err := r.User(ctx, haUserID)
	if err != nil {
		return "", err
	}
	if u.IsAdmin() {
		return auth.RoleAdmin, nil
	}
	return auth.RoleUser, nil
}

// User returns the HA user's entry (name, username) if it exists and is active.
func (r *RoleSource) User(ctx context.Context, haUserID string) (User, error) {
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
func (r *RoleSource) Invalidate() {
	r.mu.Lock()
	r.users = nil
	r.mu.Unlock()
}

func (r *RoleSource) snapshot(ctx context.Context) (map[string]User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	if r.users != nil && now.Sub(r.fetchedAt) < r.ttl && !now.Before(r.fetchedAt) {
		return r.users, nil
	}
	list, err := ListUsers(ctx, r.caller)
	if err != nil {
		r.users = nil
		return nil, fmt.Errorf("home assistant roles: %w", err)
	}
	users := make(map[string]User, len(list))
	for _, u := range list {
		users[u.ID] = u
	}
	r.users, r.fetchedAt = users, now
	return users, nil
}

// RoleSource is what the ingress login consumes.
var _ auth.RoleSource = (*RoleSource)(nil)
