package delegation

import (
	"context"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
)

type createArgs struct {
	ClientID       string       `json:"client_id"`
	Name           string       `json:"name"`
	Scopes         []auth.Scope `json:"scopes"`
	AllowedEmails  []string     `json:"allowed_emails"`
	AllowedDomains []string     `json:"allowed_domains"`
	Enabled        *bool        `json:"enabled"`
}

type updateArgs struct {
	ClientID       string       `json:"client_id"`
	Name           *string      `json:"name"`
	Scopes         []auth.Scope `json:"scopes"`
	AllowedEmails  []string     `json:"allowed_emails"`
	AllowedDomains []string     `json:"allowed_domains"`
	Enabled        *bool        `json:"enabled"`
}

type clientIDArgs struct {
	ClientID string `json:"client_id"`
}

// Created is the result of apps/create and apps/rotate_secret: the secret is shown this once.
type Created struct {
	App
	ClientSecret string `json:"client_secret"`
}

// commands are the apps/* admin commands (users.manage; never to delegated principals).
func (s *Service) commands() []api.Command {
	return []api.Command{
		api.Command{Name: "apps/create", Scope: auth.ScopeUsersManage, Args: createArgs{},
			Description: "Register an external application that may request delegated tokens for the listed users " +
				"(allowed_emails, allowed_domains) limited to scopes. Returns client_id and client_secret; the secret is shown only once.",
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				a, err := api.DecodeArgs[createArgs](c)
				if err != nil {
					return nil, err
				}
				app, secret, err := s.Create(ctx, NewApp(a))
				if err != nil {
					return nil, err
				}
				s.d.Log.WithField("client_id", app.ClientID).WithField("by", c.Principal.User.ID).Info("external application created")
				return Created{App: app, ClientSecret: secret}, nil
			}},
		api.Command{Name: "apps/list", Scope: auth.ScopeUsersManage, Description: "List external applications (never their secrets).",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return s.List(ctx) }},
		api.Command{Name: "apps/update", Scope: auth.ScopeUsersManage, Args: updateArgs{},
			Description: "Change an application's name, scopes, allowed users or enabled flag. Live sessions of its tokens end; disabling revokes them.",
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				a, err := api.DecodeArgs[updateArgs](c)
				if err != nil {
					return nil, err
				}
				app, err := s.Update(ctx, a.ClientID, AppPatch{Name: a.Name, Scopes: a.Scopes, AllowedEmails: a.AllowedEmails,
					AllowedDomains: a.AllowedDomains, Enabled: a.Enabled})
				if err == nil {
					s.d.Log.WithField("client_id", app.ClientID).WithField("by", c.Principal.User.ID).Info("external application updated")
				}
				return app, err
			}},
		api.Command{Name: "apps/rotate_secret", Scope: auth.ScopeUsersManage, Args: clientIDArgs{},
			Description: "Replace an application's secret (shown once) and revoke every token it holds.",
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				a, err := api.DecodeArgs[clientIDArgs](c)
				if err != nil {
					return nil, err
				}
				secret, err := s.RotateSecret(ctx, a.ClientID)
				if err != nil {
					return nil, err
				}
				app, err := s.Get(ctx, a.ClientID)
				if err != nil {
					return nil, err
				}
				s.d.Log.WithField("client_id", app.ClientID).WithField("by", c.Principal.User.ID).Info("external application secret rotated")
				return Created{App: app, ClientSecret: secret}, nil
			}},
		api.Command{Name: "apps/delete", Scope: auth.ScopeUsersManage, Args: clientIDArgs{},
			Description: "Delete an application; its tokens stop working at once.",
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				a, err := api.DecodeArgs[clientIDArgs](c)
				if err != nil {
					return nil, err
				}
				if a.ClientID == "" {
					return nil, fail.Invalid("client_id is required")
				}
				if err := s.Delete(ctx, a.ClientID); err != nil {
					return nil, err
				}
				s.d.Log.WithField("client_id", a.ClientID).WithField("by", c.Principal.User.ID).Info("external application deleted")
				return nil, nil
			}},
	}
}
