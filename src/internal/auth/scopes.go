package auth

import "sort"

// Scope is a permission a command requires (MA's scope model).
type Scope string

const (
	ScopeAll                  Scope = "*"
	ScopeLibraryRead          Scope = "library.read"
	ScopeLibraryWrite         Scope = "library.write"
	ScopeLibraryManage        Scope = "library.manage"
	ScopePlayersRead          Scope = "players.read"
	ScopePlayersControl       Scope = "players.control"
	ScopeQueuesRead           Scope = "queues.read"
	ScopeQueuesControl        Scope = "queues.control"
	ScopeProvidersRead        Scope = "providers.read"
	ScopeConfigPlayersRead    Scope = "config.players.read"
	ScopeConfigPlayersWrite   Scope = "config.players.write"
	ScopeConfigProvidersRead  Scope = "config.providers.read"
	ScopeConfigProvidersWrite Scope = "config.providers.write"
	ScopeConfigCoreRead       Scope = "config.core.read"
	ScopeConfigCoreWrite      Scope = "config.core.write"
	ScopeUsersRead            Scope = "users.read"
	ScopeUsersManage          Scope = "users.manage"
	ScopeUsersImpersonate     Scope = "users.impersonate"
	ScopeUsersInvite          Scope = "users.invite"
	ScopeSystemRead           Scope = "system.read"
	ScopeSystemManage         Scope = "system.manage"
)

// allScopes lists every concrete scope (without the wildcard).
var allScopes = []Scope{
	ScopeLibraryRead, ScopeLibraryWrite, ScopeLibraryManage, ScopePlayersRead, ScopePlayersControl,
	ScopeQueuesRead, ScopeQueuesControl, ScopeProvidersRead, ScopeConfigPlayersRead, ScopeConfigPlayersWrite,
	ScopeConfigProvidersRead, ScopeConfigProvidersWrite, ScopeConfigCoreRead, ScopeConfigCoreWrite,
	ScopeUsersRead, ScopeUsersManage, ScopeUsersImpersonate, ScopeUsersInvite, ScopeSystemRead, ScopeSystemManage,
}

// ValidScope reports whether s names a known concrete scope.
func ValidScope(s Scope) bool {
	for _, k := range allScopes {
		if k == s {
			return true
		}
	}
	return false
}

// ScopeSet is an immutable set of scopes.
type ScopeSet map[Scope]struct{}

// NewScopeSet builds a set.
func NewScopeSet(scopes ...Scope) ScopeSet {
	s := make(ScopeSet, len(scopes))
	for _, sc := range scopes {
		s[sc] = struct{}{}
	}
	return s
}

// Has reports whether the set grants scope (the wildcard grants all).
func (s ScopeSet) Has(scope Scope) bool {
	if _, ok := s[ScopeAll]; ok {
		return true
	}
	_, ok := s[scope]
	return ok
}

// List returns the scopes sorted.
func (s ScopeSet) List() []Scope {
	out := make([]Scope, 0, len(s))
	for sc := range s {
		out = append(out, sc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Intersect keeps the scopes of s that other grants.
func (s ScopeSet) Intersect(other ScopeSet) ScopeSet {
	out := ScopeSet{}
	if _, ok := s[ScopeAll]; ok {
		for sc := range other {
			out[sc] = struct{}{}
		}
		return out
	}
	for sc := range s {
		if other.Has(sc) {
			out[sc] = struct{}{}
		}
	}
	return out
}

// Role is a user's role.
type Role string

const (
	RoleAdmin   Role = "admin"
	RoleUser    Role = "user"
	RoleGuest   Role = "guest"
	RoleService Role = "service"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	switch r {
	case RoleAdmin, RoleUser, RoleGuest, RoleService:
		return true
	}
	return false
}

var guestScopes = []Scope{ScopeLibraryRead, ScopePlayersRead, ScopePlayersControl, ScopeQueuesRead,
	ScopeQueuesControl, ScopeProvidersRead, ScopeConfigPlayersRead}
var userExtra = []Scope{ScopeLibraryWrite, ScopeConfigProvidersRead, ScopeConfigCoreRead, ScopeUsersInvite, ScopeSystemRead}
var serviceExtra = []Scope{ScopeConfigPlayersWrite, ScopeUsersImpersonate, ScopeUsersRead}

// roleScopes is computed once; ScopeSets are never modified after construction.
var roleScopes = map[Role]ScopeSet{
	RoleAdmin: buildRoleScopes(RoleAdmin), RoleUser: buildRoleScopes(RoleUser),
	RoleGuest: buildRoleScopes(RoleGuest), RoleService: buildRoleScopes(RoleService),
}

// RoleScopes returns the scopes of a role; an unknown role gets none (fail closed).
// The set is shared: callers must not modify it.
func RoleScopes(r Role) ScopeSet {
	if s, ok := roleScopes[r]; ok {
		return s
	}
	return ScopeSet{}
}

func buildRoleScopes(r Role) ScopeSet {
	switch r {
	case RoleAdmin:
		return NewScopeSet(ScopeAll)
	case RoleGuest:
		return NewScopeSet(guestScopes...)
	case RoleUser:
		return NewScopeSet(append(append([]Scope{}, guestScopes...), userExtra...)...)
	case RoleService:
		return NewScopeSet(append(append(append([]Scope{}, guestScopes...), userExtra...), serviceExtra...)...)
	}
	return ScopeSet{}
}
