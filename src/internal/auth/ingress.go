package auth

import (
	"context"
	"regexp"

	"segue/internal/fail"
)

// RoleSource tells the role of an HA user; the Home Assistant integration
// supplies admins, the default says "user" for everyone.
type RoleSource interface {
	RoleFor(ctx context.Context, haUserID string) (Role, error)
}

// StaticRole is a RoleSource that always answers the same role.
type StaticRole Role

func (r StaticRole) RoleFor(context.Context, string) (Role, error) { return Role(r), nil }

// HAAdminLookup tells whether a Home Assistant user is in HA's admin group (an
// unknown or deactivated user is an error). As a RoleSource it is the one rule
// that maps HA users to Segue roles: HA admin ⇒ Segue admin, anyone else ⇒ user.
type HAAdminLookup func(ctx context.Context, haUserID string) (bool, error)

func (f HAAdminLookup) RoleFor(ctx context.Context, haUserID string) (Role, error) {
	admin, err := f(ctx, haUserID)
	switch {
	case err != nil:
		return "", err
	case admin:
		return RoleAdmin, nil
	default:
		return RoleUser, nil
	}
}

// haUserID is the shape of Home Assistant user ids (uuid4 hex).
var haUserID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ValidHAUserID reports whether id looks like an HA user id.
func ValidHAUserID(id string) bool { return haUserID.MatchString(id) }

// Ingress resolves the HA user named by trusted ingress headers. The caller has
// already checked that the request came through the ingress listener from the
// Supervisor's address.
type Ingress struct {
	users *Users
	roles RoleSource
	// syncRoles makes the role source authoritative for existing users.
	syncRoles bool
	// selfRegistration lets HA users without an account get one (option allow_self_registration).
	selfRegistration bool
}

// NewIngress builds the resolver; roles nil means every new HA user is a plain user
// and stored roles are left alone. selfRegistration false refuses HA users who have
// no linked account yet.
func NewIngress(users *Users, roles RoleSource, selfRegistration bool) *Ingress {
	if roles == nil {
		return &Ingress{users: users, roles: StaticRole(RoleUser), selfRegistration: selfRegistration}
	}
	return &Ingress{users: users, roles: roles, syncRoles: true, selfRegistration: selfRegistration}
}

// Resolve finds or creates the user linked to haID and returns its principal.
func (i *Ingress) Resolve(ctx context.Context, haID, name, displayName string) (*Principal, error) {
	if !ValidHAUserID(haID) {
		return nil, fail.New(fail.KindAuthFailed, "Authentication failed")
	}
	if !i.selfRegistration {
		if _, err := i.users.FindLinked(ctx, ProviderHomeAssistant, haID); fail.Is(err, fail.KindNotFound) {
			return nil, fail.New(fail.KindForbidden, "Self-registration is disabled. Ask an administrator to create an account for you.")
		} else if err != nil {
			return nil, err
		}
	}
	role, err := i.roles.RoleFor(ctx, haID)
	if err != nil {
		return nil, fail.Wrap(fail.KindAuthFailed, err, "Authentication failed")
	}
	username := NormalizeUsername(name)
	if ValidateUsername(username) != nil {
		username = "ha_" + haID[:8]
	}
	var display *string
	if displayName != "" && ValidateDisplayName(displayName) == nil {
		display = &displayName
	}
	u, _, err := i.users.FindOrCreateLinked(ctx, ProviderHomeAssistant, haID, NewUser{Username: username, Role: role, DisplayName: display})
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, fail.New(fail.KindAuthFailed, "Authentication failed")
	}
	if i.syncRoles && u.Role != role {
		if u, err = i.users.Update(ctx, u.ID, Patch{Role: &role}); err != nil {
			return nil, err
		}
	}
	if display != nil && (u.DisplayName == nil || *u.DisplayName != *display) {
		if u2, err := i.users.Update(ctx, u.ID, Patch{DisplayName: display}); err == nil {
			u = u2
		}
	}
	return &Principal{User: u, Scopes: RoleScopes(u.Role), Channel: ChannelIngress, Method: MethodIngress}, nil
}
