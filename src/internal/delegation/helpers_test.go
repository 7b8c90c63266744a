package delegation_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"segue/internal/api"
	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/auth"
	"segue/internal/clock/clocktest"
)

func appOptions(clk *clocktest.Fake) app.Options { return app.Options{Clock: clk} }

const adminPassword = "admin-password-1"

// env is a running server with an admin and test commands that need library scopes.
type env struct {
	*apptest.Server[*app.App]
	admin string
}

func start(t *testing.T, o apptest.Options) *env {
	t.Helper()
	s := apptest.Start(t, app.New, o)
	e := &env{Server: s, admin: s.Setup(t, "admin", adminPassword)}
	whoami := func(ctx context.Context, c *api.Call) (any, error) {
		return map[string]any{"user_id": c.Principal.User.ID, "app": c.Principal.AppID, "method": c.Principal.Method}, nil
	}
	s.App.Registry.Register(
		api.Command{Name: "test/library/read", Scope: auth.ScopeLibraryRead, Handler: whoami},
		api.Command{Name: "test/library/write", Scope: auth.ScopeLibraryWrite, Handler: whoami},
		api.Command{Name: "test/players/read", Scope: auth.ScopePlayersRead, Handler: whoami},
	)
	return e
}

// user creates a user with an email and returns its id.
func (e *env) user(t *testing.T, name, email string, role auth.Role) string {
	t.Helper()
	var u auth.User
	e.MustCall(t, e.admin, "auth/user/create", map[string]any{"username": name, "password": "user-password-1",
		"role": role, "email": email}, &u)
	return u.ID
}

type createdApp struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	Scopes       []string `json:"scopes"`
	Enabled      bool     `json:"enabled"`
}

func (e *env) app(t *testing.T, args map[string]any) createdApp {
	t.Helper()
	var a createdApp
	e.MustCall(t, e.admin, "apps/create", args, &a)
	if a.ClientID == "" || len(a.ClientSecret) < 43 {
		t.Fatalf("apps/create returned %+v", a)
	}
	return a
}

// tokenForm posts a form-encoded client-credentials request.
func (e *env) tokenForm(t *testing.T, form url.Values) (int, []byte) {
	t.Helper()
	resp, err := http.Post(e.URL+"/external-api/v1/application/token", "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("token endpoint Cache-Control = %q", cc)
	}
	return resp.StatusCode, body
}

func grant(a createdApp, email string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {a.ClientID},
		"client_secret": {a.ClientSecret}, "scope": {email}}
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
}

func (e *env) mustToken(t *testing.T, a createdApp, email string) tokenResponse {
	t.Helper()
	status, body := e.tokenForm(t, grant(a, email))
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil || status != 200 || tr.AccessToken == "" {
		t.Fatalf("token for %s: %d %s", email, status, body)
	}
	return tr
}

// decodeJWT returns the header and claims of a JWT without verifying it.
func decodeJWT(t *testing.T, tok string) (map[string]any, map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	var h, c map[string]any
	for i, v := range []*map[string]any{&h, &c} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatal(err)
		}
	}
	return h, c
}
