package delegation_test

import (
	"database/sql"
	"strings"
	"testing"

	"segue/internal/apptest"
	"segue/internal/auth"
	"segue/internal/store"
)

// Acceptance 1 of issue 6: create app → token for an allowed user → allowed
// commands work → refused outside its scopes and for auth/token/create.
func TestDelegatedFlowOverHTTP(t *testing.T) {
	e := start(t, apptest.Options{})
	aliceID := e.user(t, "alice", " Alice@Example.COM ", auth.RoleUser)
	a := e.app(t, map[string]any{"name": "Playlist bot", "scopes": []string{"library.read", "players.read", "config.core.write"},
		"allowed_emails": []string{"alice@example.com"}})

	tr := e.mustToken(t, a, "ALICE@example.com")
	if tr.TokenType != "Bearer" || tr.ExpiresIn <= 0 || tr.ExpiresIn > 3600 {
		t.Fatalf("token response %+v", tr)
	}
	// config.core.write is not granted to the user role, so it is narrowed away.
	if tr.Scope != "library.read players.read" {
		t.Fatalf("scope = %q, want the app's actions narrowed to the user's role", tr.Scope)
	}

	// Checklist 8: header and claims of the delegated kind.
	h, c := decodeJWT(t, tr.AccessToken)
	if h["alg"] != "HS256" || h["typ"] != "at+jwt" {
		t.Fatalf("header %v", h)
	}
	iat, exp := c["iat"].(float64), c["exp"].(float64)
	if c["iss"] != e.App.Tokens.Issuer() || c["user_id"] != aliceID || c["sub"] != aliceID || c["client_id"] != a.ClientID ||
		c["delegated"] != true || c["scope"] != tr.Scope || c["jti"] == "" || exp-iat > 3600 || exp <= iat {
		t.Fatalf("claims %v", c)
	}
	if aud, _ := c["aud"].([]any); len(aud) != 1 || aud[0] != "segue-delegated" {
		t.Fatalf("aud %v", c["aud"])
	}
	if act, _ := c["act"].(map[string]any); act["sub"] != a.ClientID {
		t.Fatalf("act %v", c["act"])
	}

	// Allowed commands run as alice, recorded as the app.
	var who map[string]any
	e.MustCall(t, tr.AccessToken, "test/library/read", nil, &who)
	if who["user_id"] != aliceID || who["app"] != a.ClientID || who["method"] != "delegated" {
		t.Fatalf("principal %v", who)
	}
	e.MustCall(t, tr.AccessToken, "test/players/read", nil, nil)

	// Refused: outside the app's scopes, account/token/admin commands.
	for _, cmd := range []string{"test/library/write", "auth/token/create", "auth/me", "auth/tokens", "auth/logout",
		"auth/users", "auth/user/update", "apps/list", "apps/create"} {
		status, body := e.Call(t, tr.AccessToken, cmd, map[string]any{"name": "x"})
		if status != 403 {
			t.Errorf("%s with a delegated token: %d %s, want 403", cmd, status, body)
		}
	}
	// HTTP account routes refuse it too.
	if status, _ := e.Do(t, "PATCH", "/auth/me", tr.AccessToken, map[string]any{"display_name": "pwned"}); status != 403 {
		t.Errorf("PATCH /auth/me with a delegated token: %d", status)
	}

	// Every delegated action is logged with app and user.
	logs := e.Logs()
	if !strings.Contains(logs, "delegated action") || !strings.Contains(logs, a.ClientID) || !strings.Contains(logs, aliceID) {
		t.Errorf("delegated action not logged with app and user")
	}
	if strings.Contains(logs, a.ClientSecret) || strings.Contains(logs, tr.AccessToken) {
		t.Errorf("a secret reached the log")
	}

	// The same token over the WebSocket.
	ws := apptest.DialWS(t, e.URL, nil)
	if r := ws.Command("auth", map[string]any{"token": tr.AccessToken}); r.ErrorCode != 0 {
		t.Fatalf("ws auth: %d %s", r.ErrorCode, r.Details)
	}
	if r := ws.Command("test/library/read", nil); r.ErrorCode != 0 {
		t.Fatalf("ws allowed command: %d %s", r.ErrorCode, r.Details)
	}
	for _, cmd := range []string{"test/library/write", "auth/token/create", "apps/list"} {
		if r := ws.Command(cmd, map[string]any{"name": "x"}); r.ErrorCode != 22 {
			t.Errorf("ws %s: code %d %s, want 22", cmd, r.ErrorCode, r.Details)
		}
	}
}

// Acceptance 3: the client secret is stored only as a hash.
func TestClientSecretNotStoredInPlainText(t *testing.T) {
	e := start(t, apptest.Options{})
	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read"}})
	db := e.App.DB
	var hash string
	if err := db.R.QueryRow("SELECT secret_hash FROM delegated_apps WHERE client_id = ?", a.ClientID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if hash == a.ClientSecret || strings.Contains(hash, a.ClientSecret) || len(hash) != 64 {
		t.Fatalf("stored secret %q looks like plain text", hash)
	}
	assertNowhere(t, db, a.ClientSecret)
	// apps/list never shows secrets or hashes.
	status, body := e.Call(t, e.admin, "apps/list", nil)
	if status != 200 || strings.Contains(string(body), a.ClientSecret) || strings.Contains(string(body), hash) {
		t.Fatalf("apps/list: %d %s", status, body)
	}
	// rotate_secret: a new secret, the old one stops working.
	var rotated createdApp
	e.MustCall(t, e.admin, "apps/rotate_secret", map[string]any{"client_id": a.ClientID}, &rotated)
	if rotated.ClientSecret == "" || rotated.ClientSecret == a.ClientSecret {
		t.Fatalf("rotate_secret returned %+v", rotated)
	}
	assertNowhere(t, db, rotated.ClientSecret)
}

// assertNowhere scans every column of the delegation tables for a secret.
func assertNowhere(t *testing.T, db *store.DB, secret string) {
	t.Helper()
	for _, table := range []string{"delegated_apps", "delegated_tokens"} {
		rows, err := db.R.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if strings.Contains(v.String, secret) {
					t.Errorf("%s.%s holds the plain secret", table, cols[i])
				}
			}
		}
		rows.Close()
	}
}
