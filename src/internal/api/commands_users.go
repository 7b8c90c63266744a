package api

import (
	"context"

	"segue/internal/auth"
	"segue/internal/fail"
)

type userCreateArgs struct {
	Username       string    `json:"username"`
	Password       string    `json:"password"`
	Role           auth.Role `json:"role"`
	DisplayName    *string   `json:"display_name"`
	AvatarURL      *string   `json:"avatar_url"`
	Email          *string   `json:"email"`
	PlayerFilter   []string  `json:"player_filter"`
	ProviderFilter []string  `json:"provider_filter"`
}

type userUpdateArgs struct {
	UserID          string         `json:"user_id"`
	Username        *string        `json:"username"`
	DisplayName     *string        `json:"display_name"`
	AvatarURL       *string        `json:"avatar_url"`
	Email           *string        `json:"email"`
	Password        *string        `json:"password"`
	CurrentPassword *string        `json:"current_password"`
	Role            *auth.Role     `json:"role"`
	Preferences     map[string]any `json:"preferences"`
	PlayerFilter    []string       `json:"player_filter"`
	ProviderFilter  []string       `json:"provider_filter"`
}

func registerUserCommands(reg *Registry, d AuthDeps) {
	reg.Register(
		Command{Name: "auth/users", Scope: auth.ScopeUsersRead, Description: "List all users.",
			Handler: func(ctx context.Context, c *Call) (any, error) { return d.Users.List(ctx) }},
		Command{Name: "auth/user", Scope: auth.ScopeUsersRead, Args: userIDArgs{}, Description: "One user by id, or null.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[userIDArgs](c)
				if err != nil {
					return nil, err
				}
				u, err := d.Users.Get(ctx, a.UserID)
				if fail.Is(err, fail.KindNotFound) {
					return nil, nil
				}
				return u, err
			}},
		Command{Name: "auth/user/create", Scope: auth.ScopeUsersManage, Args: userCreateArgs{}, Description: "Create a user.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[userCreateArgs](c)
				if err != nil {
					return nil, err
				}
				if a.Password == "" {
					return nil, fail.Invalid("Password must be at least %d characters", auth.MinPasswordBytes)
				}
				u, err := d.Users.Create(ctx, auth.NewUser{Username: a.Username, Password: a.Password, Role: a.Role,
					DisplayName: a.DisplayName, AvatarURL: a.AvatarURL, Email: a.Email,
					PlayerFilter: a.PlayerFilter, ProviderFilter: a.ProviderFilter})
				if err == nil {
					d.notify(EventUsersUpdated, u.ID)
				}
				return u, err
			}},
		Command{Name: "auth/user/update", Args: userUpdateArgs{},
			Description: "Update a user. Anyone may change their own profile, preferences and password (with current_password); role, filters and other users need users.manage.",
			Handler:     func(ctx context.Context, c *Call) (any, error) { return updateUser(ctx, d, c) }},
		Command{Name: "auth/user/enable", Scope: auth.ScopeUsersManage, Args: userIDArgs{}, Description: "Enable a user.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[userIDArgs](c)
				if err != nil {
					return nil, err
				}
				if err := d.Users.SetEnabled(ctx, a.UserID, true); err != nil {
					return nil, err
				}
				d.notify(EventUsersUpdated, a.UserID)
				return nil, nil
			}},
		Command{Name: "auth/user/disable", Scope: auth.ScopeUsersManage, Args: userIDArgs{}, Description: "Disable a user and end their sessions.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[userIDArgs](c)
				if err != nil {
					return nil, err
				}
				if a.UserID == c.Principal.User.ID {
					return nil, fail.Invalid("You cannot disable your own account")
				}
				if err := d.Users.SetEnabled(ctx, a.UserID, false); err != nil {
					return nil, err
				}
				d.notify(EventUsersUpdated, a.UserID)
				return nil, nil
			}},
		Command{Name: "auth/user/delete", Scope: auth.ScopeUsersManage, Args: userIDArgs{}, Description: "Delete a user, their tokens and links.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[userIDArgs](c)
				if err != nil {
					return nil, err
				}
				if a.UserID == c.Principal.User.ID {
					return nil, fail.Invalid("You cannot delete your own account")
				}
				if err := d.Users.Delete(ctx, a.UserID); err != nil {
					return nil, err
				}
				d.notify(EventUsersUpdated, a.UserID)
				return nil, nil
			}},
	)
}

func updateUser(ctx context.Context, d AuthDeps, c *Call) (auth.User, error) {
	a, err := DecodeArgs[userUpdateArgs](c)
	if err != nil {
		return auth.User{}, err
	}
	self := a.UserID == "" || a.UserID == c.Principal.User.ID
	target := c.Principal.User.ID
	if !self {
		target = a.UserID
	}
	manager := c.Principal.IsAdmin()
	if (!self || a.Role != nil || a.PlayerFilter != nil || a.ProviderFilter != nil) && !manager {
		return auth.User{}, fail.Forbidden("This command requires the %s scope", auth.ScopeUsersManage)
	}
	if self && a.Role != nil && *a.Role != c.Principal.User.Role {
		return auth.User{}, fail.Invalid("You cannot change your own role")
	}
	if _, err := d.Users.Get(ctx, target); err != nil {
		return auth.User{}, err
	}
	if a.Password != nil {
		keep := ""
		if self {
			if a.CurrentPassword == nil {
				return auth.User{}, fail.Invalid("current_password is required to change your password")
			}
			// A login check in all but name: the same throttle and hash queue,
			// so a stolen session cannot use this as an unthrottled oracle.
			u, err := d.Login.Check(ctx, c.Principal.User.Username, *a.CurrentPassword, c.Info.ThrottlePeer())
			if fail.Is(err, fail.KindAuthFailed) || err == nil && u.ID != target {
				return auth.User{}, fail.New(fail.KindAuthFailed, "Current password is incorrect")
			}
			if err != nil {
				return auth.User{}, err
			}
			keep = c.Principal.TokenID
		}
		if err := d.Users.SetPassword(ctx, target, *a.Password, keep); err != nil {
			return auth.User{}, err
		}
	}
	return d.Users.Update(ctx, target, auth.Patch{Username: a.Username, DisplayName: a.DisplayName, AvatarURL: a.AvatarURL,
		Email: a.Email, Role: a.Role, Preferences: a.Preferences, PlayerFilter: a.PlayerFilter, ProviderFilter: a.ProviderFilter})
}
