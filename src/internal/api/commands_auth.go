package api

import (
	"context"

	"segue/internal/auth"
	"segue/internal/fail"
)

// ProviderInfo is one entry of auth/providers.
type ProviderInfo struct {
	ProviderID       string `json:"provider_id"`
	ProviderType     string `json:"provider_type"`
	RequiresRedirect bool   `json:"requires_redirect"`
}

// AuthDeps are what the auth commands need.
type AuthDeps struct {
	Users  *auth.Users
	Tokens *auth.Tokens
	Login  *auth.Login
	// ExtraProviders lists login providers beyond builtin that are available now.
	ExtraProviders func(ctx context.Context) []ProviderInfo
	// PublishTo sends change events (no secrets) to the sessions to accepts.
	PublishTo func(to func(*auth.Principal) bool, event, objectID string, data any)
}

// Change events for live lists; they carry ids only.
const (
	EventUsersUpdated  = "users_updated"
	EventTokensUpdated = "tokens_updated"
)

// notify tells the user concerned and every user manager that something of userID changed.
func (d AuthDeps) notify(event, userID string) {
	if d.PublishTo == nil {
		return
	}
	d.PublishTo(func(p *auth.Principal) bool { return p.User.ID == userID || p.IsAdmin() }, event, userID, nil)
}

// Providers lists the login providers available now.
func (d AuthDeps) Providers(ctx context.Context) []ProviderInfo {
	out := []ProviderInfo{{ProviderID: "builtin", ProviderType: "builtin"}}
	if d.ExtraProviders != nil {
		out = append(out, d.ExtraProviders(ctx)...)
	}
	return out
}

// LoginUser is the user summary in a login result.
type LoginUser struct {
	UserID      string    `json:"user_id"`
	Username    string    `json:"username"`
	DisplayName *string   `json:"display_name"`
	Role        auth.Role `json:"role"`
}

type loginArgs struct {
	Username   string `json:"username"`
	Password   string `json:"password"`
	ProviderID string `json:"provider_id"`
	DeviceName string `json:"device_name"`
}

type userIDArgs struct {
	UserID string `json:"user_id"`
}

type tokenCreateArgs struct {
	Name   string `json:"name"`
	UserID string `json:"user_id"`
}

type tokenRevokeArgs struct {
	TokenID string `json:"token_id"`
}

// RegisterAuthCommands adds the auth/* commands.
func RegisterAuthCommands(reg *Registry, d AuthDeps) {
	reg.Register(
		Command{Name: "auth/login", Public: true, Args: loginArgs{},
			Description: "Log in with username and password; returns an access token. Send `auth` with it next.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[loginArgs](c)
				if err != nil {
					return nil, err
				}
				if a.ProviderID != "" && a.ProviderID != "builtin" {
					return map[string]any{"success": false, "error": "Provider not supported for this login"}, nil
				}
				name := a.DeviceName
				if name == "" {
					name = "WebSocket Session - " + auth.NormalizeUsername(a.Username)
				}
				tok, u, err := d.Login.Password(ctx, a.Username, a.Password, c.Info.ThrottlePeer(), name)
				if err != nil {
					if fail.Is(err, fail.KindUnavailable) {
						return nil, err
					}
					return map[string]any{"success": false, "error": fail.As(err).Msg}, nil
				}
				return map[string]any{"success": true, "access_token": tok,
					"user": LoginUser{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role}}, nil
			}},
		Command{Name: "auth/providers", Public: true, Description: "List the available login providers.",
			Handler: func(ctx context.Context, c *Call) (any, error) { return d.Providers(ctx), nil }},
		Command{Name: "auth/logout", Description: "Revoke the token of this connection.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				if c.Principal.TokenID == "" {
					return nil, nil
				}
				if err := d.Tokens.Revoke(ctx, c.Principal.TokenID); err != nil && !fail.Is(err, fail.KindNotFound) {
					return nil, err
				}
				return nil, nil
			}},
		Command{Name: "auth/me", Description: "The current user.",
			Handler: func(ctx context.Context, c *Call) (any, error) { return d.Users.Get(ctx, c.Principal.User.ID) }},
		Command{Name: "auth/scopes", Description: "The scopes of every role.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				out := map[auth.Role][]auth.Scope{}
				for _, r := range []auth.Role{auth.RoleAdmin, auth.RoleUser, auth.RoleGuest, auth.RoleService} {
					out[r] = auth.RoleScopes(r).List()
				}
				return out, nil
			}},
		Command{Name: "auth/tokens", Args: userIDArgs{}, Description: "List tokens of the current user, or of user_id (managers).",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[userIDArgs](c)
				if err != nil {
					return nil, err
				}
				target := c.Principal.User.ID
				if a.UserID != "" && a.UserID != target {
					if !c.Principal.IsAdmin() {
						return []auth.TokenInfo{}, nil
					}
					target = a.UserID
				}
				return d.Tokens.List(ctx, target)
			}},
		Command{Name: "auth/token/create", Args: tokenCreateArgs{}, Description: "Create a named long-lived token; returns the token once.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[tokenCreateArgs](c)
				if err != nil {
					return nil, err
				}
				if a.Name == "" || len(a.Name) > 100 {
					return nil, fail.Invalid("Token name must be 1 to 100 characters")
				}
				target := c.Principal.User
				if a.UserID != "" && a.UserID != target.ID {
					if !c.Principal.IsAdmin() {
						return nil, fail.Forbidden("This command requires the %s scope", auth.ScopeUsersManage)
					}
					if target, err = d.Users.Get(ctx, a.UserID); err != nil {
						return nil, err
					}
				}
				if target.Role == auth.RoleGuest {
					return nil, fail.Forbidden("Guest accounts cannot have long-lived tokens")
				}
				tok, _, err := d.Tokens.Issue(ctx, target, a.Name, true)
				if err == nil {
					d.notify(EventTokensUpdated, target.ID)
				}
				return tok, err
			}},
		Command{Name: "auth/token/revoke", Args: tokenRevokeArgs{}, Description: "Revoke a token by id.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				a, err := DecodeArgs[tokenRevokeArgs](c)
				if err != nil {
					return nil, err
				}
				info, err := d.Tokens.Get(ctx, a.TokenID)
				if err != nil {
					return nil, err
				}
				if info.UserID != c.Principal.User.ID && !c.Principal.IsAdmin() {
					return nil, fail.Forbidden("This command requires the %s scope", auth.ScopeUsersManage)
				}
				if err := d.Tokens.Revoke(ctx, a.TokenID); err != nil {
					return nil, err
				}
				d.notify(EventTokensUpdated, info.UserID)
				return nil, nil
			}},
	)
	registerUserCommands(reg, d)
}
