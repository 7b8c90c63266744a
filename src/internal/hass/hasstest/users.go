package hasstest

// AdminGroup is HA's administrator group id.
const AdminGroup = "system-admin"

// UserGroup is HA's ordinary users group id.
const UserGroup = "system-users"

// User is an HA user as the fake Core stores it.
type User struct {
	ID              string // 32 hex; generated when empty
	Username        string // "" = no homeassistant credential (OIDC, command_line users)
	Name            string
	IsOwner         bool
	IsActive        bool
	LocalOnly       bool
	SystemGenerated bool
	GroupIDs        []string
	// Password is the homeassistant-provider password (Supervisor /auth); needs Username.
	Password string
}

// IsAdmin reports membership of system-admin.
func (u User) IsAdmin() bool {
	for _, g := range u.GroupIDs {
		if g == AdminGroup {
			return true
		}
	}
	return false
}

// authListEntry renders the user as config/auth/list does (config/auth.py _user_info).
func (u User) authListEntry() map[string]any {
	var username any // null without a homeassistant credential
	creds := []map[string]any{}
	if u.Username != "" {
		username = u.Username
		creds = append(creds, map[string]any{"type": "homeassistant"})
	}
	groups := append([]string{}, u.GroupIDs...)
	return map[string]any{
		"id": u.ID, "username": username, "name": u.Name, "is_owner": u.IsOwner,
		"is_active": u.IsActive, "local_only": u.LocalOnly, "system_generated": u.SystemGenerated,
		"group_ids": groups, "credentials": creds,
	}
}

// currentUserEntry renders the user as auth/current_user does (auth/__init__.py).
func (u User) currentUserEntry() map[string]any {
	creds := []map[string]any{}
	if u.Username != "" {
		creds = append(creds, map[string]any{"auth_provider_type": "homeassistant", "auth_provider_id": nil})
	}
	return map[string]any{
		"id": u.ID, "name": u.Name, "is_owner": u.IsOwner, "is_admin": u.IsAdmin(),
		"credentials": creds, "mfa_modules": []map[string]any{{"id": "totp", "name": "Authenticator app", "enabled": false}},
	}
}
