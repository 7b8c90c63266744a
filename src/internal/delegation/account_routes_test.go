package delegation_test

import (
	"testing"

	"segue/internal/apptest"
	"segue/internal/auth"
)

// Delegated tokens reach no account route or scope-less command (checklist 42),
// and the session verifier refuses their type (checklist 9).
func TestDelegatedTokenKeptOffAccountRoutes(t *testing.T) {
	e := start(t, apptest.Options{})
	e.user(t, "alice", "alice@example.com", auth.RoleUser)
	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read"}, "allowed_emails": []string{"alice@example.com"}})
	tok := e.mustToken(t, a, "alice@example.com").AccessToken
	for _, r := range []struct{ method, path string }{{"GET", "/auth/me"}, {"POST", "/auth/logout"}, {"PATCH", "/auth/me"}} {
		if status, body := e.Do(t, r.method, r.path, tok, map[string]any{}); status != 403 {
			t.Errorf("%s %s with a delegated token: %d %s, want 403", r.method, r.path, status, body)
		}
	}
	if status, body := e.Call(t, tok, "config/onboard_complete", nil); status != 403 {
		t.Errorf("config/onboard_complete with a delegated token: %d %s, want 403", status, body)
	}
	if _, err := e.App.Tokens.Authenticate(t.Context(), tok); err == nil {
		t.Error("the session token verifier accepted a delegated token")
	}
	// The token still works where it is granted.
	e.MustCall(t, tok, "test/library/read", nil, nil)
}
