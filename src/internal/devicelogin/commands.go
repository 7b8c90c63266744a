package devicelogin

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"segue/internal/api"
	"segue/internal/fail"
	"segue/internal/feature"
	"segue/internal/httpx"
)

// ProviderURLFunc answers auth/authorization_url for ordinary (redirect)
// logins, e.g. "Sign in with Home Assistant". It receives the call unchanged.
type ProviderURLFunc func(ctx context.Context, call *api.Call) (any, error)

// DefaultProviderURL is MA's answer when no redirect provider is available.
func DefaultProviderURL(ctx context.Context, call *api.Call) (any, error) {
	return map[string]any{"authorization_url": nil, "error": "Provider does not support OAuth or does not exist"}, nil
}

// AuthorizationURLArgs are auth/authorization_url's arguments. Unknown fields
// are tolerated (they belong to the provider hook).
type AuthorizationURLArgs struct {
	ProviderID      string `json:"provider_id"`
	ReturnURL       string `json:"return_url"`
	ForRemoteClient bool   `json:"for_remote_client"`
	DeviceName      string `json:"device_name"`
	ClientName      string `json:"client_name"`
}

// ParseAuthorizationURLArgs decodes the arguments leniently but boundedly.
func ParseAuthorizationURLArgs(raw json.RawMessage) (AuthorizationURLArgs, error) {
	var a AuthorizationURLArgs
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return a, nil
	}
	if len(raw) > 16<<10 {
		return a, fail.Invalid("Invalid arguments: too large")
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, fail.Invalid("Invalid arguments: expected an object with provider_id, return_url, for_remote_client")
	}
	return a, nil
}

type oauthStatusArgs struct {
	SessionID string `json:"session_id"`
}

// AuthorizationURLCommand is auth/authorization_url: the remote-client face of
// the device flow, and the provider hook for everything else.
func (s *Service) AuthorizationURLCommand() api.Command {
	return api.Command{Name: "auth/authorization_url", Public: true, Args: AuthorizationURLArgs{},
		Description: "With for_remote_client: true, start a login for a client that cannot receive redirects: returns " +
			"authorization_url (open it in any browser, sign in, confirm) and session_id (poll auth/oauth_status). " +
			"Otherwise returns the provider's sign-in URL, or null with an error.",
		Handler: func(ctx context.Context, c *api.Call) (any, error) {
			a, err := ParseAuthorizationURLArgs(c.Args)
			if err != nil {
				return nil, err
			}
			if !a.ForRemoteClient {
				return s.d.ProviderURL(ctx, c)
			}
			name := a.DeviceName
			if name == "" {
				name = a.ClientName
			}
			if name == "" {
				name = "Remote client"
			}
			st, err := s.Start(name, httpx.HostOf(c.Info.RemoteAddr), c.Info.Peer)
			if err != nil {
				return nil, err
			}
			uri := s.VerificationURI(c.Info.BaseURL)
			complete := CompleteURI(uri, st.UserCode)
			return map[string]any{"authorization_url": complete, "session_id": st.DeviceCode,
				"user_code": FormatUserCode(st.UserCode), "verification_uri": uri,
				"expires_in": int(st.ExpiresIn / time.Second), "interval": int(st.Interval / time.Second)}, nil
		}}
}

// OAuthStatusCommand is auth/oauth_status: the client's poll.
func (s *Service) OAuthStatusCommand() api.Command {
	return api.Command{Name: "auth/oauth_status", Public: true, Args: oauthStatusArgs{},
		Description: "Poll a login started with auth/authorization_url (for_remote_client): status pending, " +
			"completed (with access_token, delivered once) or invalid.",
		Handler: func(ctx context.Context, c *api.Call) (any, error) {
			a, err := api.DecodeArgs[oauthStatusArgs](c)
			if err != nil {
				return nil, err
			}
			res, tok, interval, err := s.Poll(ctx, a.SessionID, c.Info.ThrottlePeer())
			if err != nil {
				return nil, err
			}
			switch res {
			case Pending:
				return map[string]any{"status": "pending"}, nil
			case SlowDown:
				return map[string]any{"status": "pending", "error": "slow_down", "interval": int(interval / time.Second)}, nil
			case Completed:
				return map[string]any{"status": "completed", "access_token": tok}, nil
			case Denied:
				return map[string]any{"status": "invalid", "error": "access_denied"}, nil
			case Expired:
				return map[string]any{"status": "invalid", "error": "expired_token"}, nil
			}
			return map[string]any{"status": "invalid"}, nil
		}}
}

// Module is what device login adds: its two public commands (the client is not
// signed in yet) and the RFC 8628 endpoints with the verification page.
func (s *Service) Module() feature.Module {
	m := feature.Module{Name: "devicelogin", Commands: []api.Command{s.AuthorizationURLCommand(), s.OAuthStatusCommand()}}
	for pattern, h := range s.routes() {
		m.Routes = append(m.Routes, feature.Handle(pattern, h))
	}
	return m
}

// VerificationURI is the page the user opens: on the configured external URL
// when there is one, else on the origin the client used, else relative.
func (s *Service) VerificationURI(requestBase string) string {
	base := s.d.ExternalURL
	if base == "" {
		base = requestBase
	}
	if base == "" {
		return PagePath
	}
	return strings.TrimRight(base, "/") + "/" + PagePath
}

// CompleteURI adds the user code, so the user need not type it.
func CompleteURI(uri, userCode string) string {
	return uri + "?user_code=" + FormatUserCode(userCode)
}
