package delegation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"segue/internal/apptest"
	"segue/internal/auth"
	"segue/internal/clock/clocktest"
)

// resign signs claims with the server key and the given typ, as a forger
// holding the key (or a bug minting the wrong kind) would.
func resign(t *testing.T, e *env, claims jwt.MapClaims, typ string) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["typ"] = typ
	key, err := e.App.Tokens.KeyFunc(tok)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claimsOf(t *testing.T, tok string) jwt.MapClaims {
	_, c := decodeJWT(t, tok)
	return jwt.MapClaims(c)
}

func copyClaims(c jwt.MapClaims, change func(jwt.MapClaims)) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	change(out)
	return out
}

// Acceptance 2 of issue 6, token request side: each refusal as specified, and
// unknown email and not-granted email are byte-identical.
func TestTokenRequestRefusals(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := start(t, apptest.Options{App: appOptions(clk)})
	e.user(t, "alice", "alice@example.com", auth.RoleUser)
	e.user(t, "bob", "bob@example.com", auth.RoleUser)
	e.user(t, "carol", "carol@corp.example", auth.RoleUser)
	disabledUser := e.user(t, "dave", "dave@example.com", auth.RoleUser)
	e.MustCall(t, e.admin, "auth/user/disable", map[string]any{"user_id": disabledUser}, nil)

	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read"},
		"allowed_emails": []string{"alice@example.com", "dave@example.com"}, "allowed_domains": []string{"corp.example"}})
	off := e.app(t, map[string]any{"name": "off", "scopes": []string{"library.read"}, "allowed_emails": []string{"alice@example.com"}, "enabled": false})
	gone := e.app(t, map[string]any{"name": "gone", "scopes": []string{"library.read"}, "allowed_emails": []string{"alice@example.com"}})
	e.MustCall(t, e.admin, "apps/delete", map[string]any{"client_id": gone.ClientID}, nil)

	wrongSecret := grant(a, "alice@example.com")
	wrongSecret.Set("client_secret", a.ClientSecret[:len(a.ClientSecret)-2]+"xx")
	badGrant := grant(a, "alice@example.com")
	badGrant.Set("grant_type", "password")
	refresh := grant(a, "alice@example.com")
	refresh.Set("grant_type", "refresh_token")

	cases := []struct {
		name   string
		form   url.Values
		status int
		code   string
	}{
		{"allowed by address", grant(a, "alice@example.com"), 200, ""},
		{"allowed by domain", grant(a, "Carol@Corp.Example"), 200, ""},
		{"wrong secret", wrongSecret, 401, "invalid_client"},
		{"unknown client", grant(createdApp{ClientID: "app_nosuchclient", ClientSecret: a.ClientSecret}, "alice@example.com"), 401, "invalid_client"},
		{"disabled app", grant(off, "alice@example.com"), 401, "invalid_client"},
		{"deleted app", grant(gone, "alice@example.com"), 401, "invalid_client"},
		{"unknown email", grant(a, "nobody@example.com"), 403, "invalid_grant"},
		{"email outside the allow-list", grant(a, "bob@example.com"), 403, "invalid_grant"},
		{"domain outside the allow-list", grant(a, "someone@other.example"), 403, "invalid_grant"},
		{"disabled user", grant(a, "dave@example.com"), 403, "invalid_grant"},
		{"no email", grant(a, ""), 400, "invalid_scope"},
		{"not an email", grant(a, "alice"), 400, "invalid_scope"},
		{"password grant", badGrant, 400, "unsupported_grant_type"},
		{"refresh grant", refresh, 400, "unsupported_grant_type"},
	}
	bodies := map[string]string{}
	for _, c := range cases {
		clk.Advance(6 * time.Minute) // past the throttle's delay, so each case is judged on its own
		status, body := e.tokenForm(t, c.form)
		var tr tokenResponse
		_ = json.Unmarshal(body, &tr)
		if status != c.status || tr.Error != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.code)
		}
		if c.status != 200 && strings.Contains(string(body), "access_token") {
			t.Errorf("%s: refused request carries a token", c.name)
		}
		bodies[c.name] = string(body)
	}
	// Checklist 41: vague on purpose.
	same := []string{"unknown email", "email outside the allow-list", "domain outside the allow-list", "disabled user"}
	for _, n := range same[1:] {
		if bodies[n] != bodies[same[0]] {
			t.Errorf("%q and %q answers differ: %s vs %s", n, same[0], bodies[n], bodies[same[0]])
		}
	}
	for _, n := range []string{"unknown client", "disabled app", "deleted app"} {
		if bodies[n] != bodies["wrong secret"] {
			t.Errorf("%q and wrong secret differ: %s vs %s", n, bodies[n], bodies["wrong secret"])
		}
	}
}

// Acceptance 2, token use side: each broken token refused on POST /api.
func TestDelegatedTokenRefusals(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := start(t, apptest.Options{App: appOptions(clk)})
	aliceID := e.user(t, "alice", "alice@example.com", auth.RoleUser)
	e.user(t, "erin", "erin@example.com", auth.RoleUser)
	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read"},
		"allowed_emails": []string{"alice@example.com", "erin@example.com"}})
	good := e.mustToken(t, a, "alice@example.com").AccessToken
	base := claimsOf(t, good)

	use := func(tok string) int {
		status, _ := e.Call(t, tok, "test/library/read", nil)
		return status
	}
	if use(good) != 200 {
		t.Fatal("the unmodified token must work")
	}
	cases := []struct {
		name string
		tok  string
	}{
		{"not delegated", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { c["delegated"] = false }), "at+jwt")},
		{"delegated claim missing", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { delete(c, "delegated") }), "at+jwt")},
		{"missing user_id", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { delete(c, "user_id") }), "at+jwt")},
		{"missing client_id", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { delete(c, "client_id") }), "at+jwt")},
		{"other user_id on the row", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { c["user_id"] = "someone-else"; c["sub"] = "someone-else" }), "at+jwt")},
		{"wrong audience", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { c["aud"] = []string{auth.SessionAudience} }), "at+jwt")},
		{"audience as string", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { c["aud"] = "segue-other" }), "at+jwt")},
		{"empty audience", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { c["aud"] = []string{} }), "at+jwt")},
		{"no audience", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { delete(c, "aud") }), "at+jwt")},
		{"wrong issuer", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { c["iss"] = "segue:other" }), "at+jwt")},
		{"session typ", resign(t, e, base, "JWT")},
		{"no expiry", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { delete(c, "exp") }), "at+jwt")},
		{"issued in the future", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { c["iat"] = float64(clk.Now().Add(2 * time.Minute).Unix()) }), "at+jwt")},
		{"unknown jti", resign(t, e, copyClaims(base, func(c jwt.MapClaims) { c["jti"] = "no-such-row" }), "at+jwt")},
		{"tampered signature", good[:len(good)-4] + "AAAA"},
	}
	for _, c := range cases {
		if got := use(c.tok); got != 401 {
			t.Errorf("%s: HTTP %d, want 401", c.name, got)
		}
	}

	// Expired: an hour and a minute later (beyond the leeway).
	erinTok := e.mustToken(t, a, "erin@example.com").AccessToken
	clk.Advance(61 * time.Minute)
	if got := use(erinTok); got != 401 {
		t.Errorf("expired token: HTTP %d, want 401", got)
	}

	// User disabled after issue.
	fresh := e.mustToken(t, a, "alice@example.com").AccessToken
	if use(fresh) != 200 {
		t.Fatal("fresh token must work")
	}
	e.MustCall(t, e.admin, "auth/user/disable", map[string]any{"user_id": aliceID}, nil)
	if got := use(fresh); got != 401 {
		t.Errorf("user disabled after issue: HTTP %d, want 401", got)
	}
}

// Disabling, narrowing, rotating or deleting an app kills its tokens at once,
// including a live WebSocket session (checklist 44).
func TestAppChangesKillTokens(t *testing.T) {
	e := start(t, apptest.Options{})
	e.user(t, "alice", "alice@example.com", auth.RoleUser)
	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read", "players.read"}, "allowed_emails": []string{"alice@example.com"}})
	use := func(tok, cmd string) int { s, _ := e.Call(t, tok, cmd, nil); return s }

	// Narrowing scopes applies to tokens already issued.
	tok := e.mustToken(t, a, "alice@example.com").AccessToken
	e.MustCall(t, e.admin, "apps/update", map[string]any{"client_id": a.ClientID, "scopes": []string{"library.read"}}, nil)
	if use(tok, "test/players/read") != 403 || use(tok, "test/library/read") != 200 {
		t.Error("narrowed scopes not applied to an issued token")
	}
	// Removing the user from the allow-list ends it.
	e.MustCall(t, e.admin, "apps/update", map[string]any{"client_id": a.ClientID, "allowed_emails": []string{}}, nil)
	if use(tok, "test/library/read") != 401 {
		t.Error("token still works after its user left the allow-list")
	}
	e.MustCall(t, e.admin, "apps/update", map[string]any{"client_id": a.ClientID, "allowed_emails": []string{"alice@example.com"}}, nil)

	// Disable revokes; enabling again does not revive.
	tok = e.mustToken(t, a, "alice@example.com").AccessToken
	e.MustCall(t, e.admin, "apps/update", map[string]any{"client_id": a.ClientID, "enabled": false}, nil)
	if use(tok, "test/library/read") != 401 {
		t.Error("token works while its app is disabled")
	}
	e.MustCall(t, e.admin, "apps/update", map[string]any{"client_id": a.ClientID, "enabled": true}, nil)
	if use(tok, "test/library/read") != 401 {
		t.Error("re-enabling the app revived a revoked token")
	}

	// Rotation revokes.
	tok = e.mustToken(t, a, "alice@example.com").AccessToken
	var rotated createdApp
	e.MustCall(t, e.admin, "apps/rotate_secret", map[string]any{"client_id": a.ClientID}, &rotated)
	if use(tok, "test/library/read") != 401 {
		t.Error("token works after secret rotation")
	}
	a.ClientSecret = rotated.ClientSecret

	// Delete: HTTP use fails and the live WebSocket is closed.
	tok = e.mustToken(t, a, "alice@example.com").AccessToken
	ws := apptest.DialWS(t, e.URL, nil)
	if r := ws.Command("auth", map[string]any{"token": tok}); r.ErrorCode != 0 {
		t.Fatalf("ws auth: %s", r.Details)
	}
	e.MustCall(t, e.admin, "apps/delete", map[string]any{"client_id": a.ClientID}, nil)
	if use(tok, "test/library/read") != 401 {
		t.Error("token works after its app was deleted")
	}
	_ = ws.C.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		var m map[string]any
		if err := ws.C.ReadJSON(&m); err != nil {
			break // closed, as required
		}
	}
	if status, _ := e.Call(t, e.admin, "apps/delete", map[string]any{"client_id": a.ClientID}); status != 404 {
		t.Errorf("deleting twice: %d, want 404", status)
	}
}

// Acceptance 4 and checklist 9: the two token kinds cannot be confused.
func TestTokenKindsAreExclusive(t *testing.T) {
	e := start(t, apptest.Options{})
	e.user(t, "alice", "alice@example.com", auth.RoleUser)
	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read"}, "allowed_emails": []string{"alice@example.com"}})
	delegated := e.mustToken(t, a, "alice@example.com").AccessToken
	session := e.Login(t, "alice", "user-password-1")
	ctx := context.Background()

	// The session verifier refuses the delegated kind (audience, no session row).
	if _, err := e.App.Tokens.Authenticate(ctx, delegated); err == nil {
		t.Fatal("auth.Tokens accepted a delegated token as a session token")
	}
	// A session token is never a delegated principal, and a session JWT re-typed
	// as at+jwt still fails (audience, no delegated claim, no delegated row).
	var who map[string]any
	e.MustCall(t, session, "test/library/read", nil, &who)
	if who["method"] != "token" || who["app"] != "" {
		t.Fatalf("session token principal %v", who)
	}
	retyped := resign(t, e, claimsOf(t, session), "at+jwt")
	if status, body := e.Call(t, retyped, "test/library/read", nil); status == 200 && strings.Contains(string(body), `"delegated"`) {
		t.Errorf("session claims with the delegated typ became a delegated principal: %s", body)
	}
	// A session JWT carrying the delegated audience and claims but no delegated row.
	forged := resign(t, e, copyClaims(claimsOf(t, session), func(c jwt.MapClaims) {
		c["aud"] = []string{"segue-delegated"}
		c["delegated"] = true
		c["client_id"] = a.ClientID
		c["user_id"] = c["sub"]
		c["act"] = map[string]any{"sub": a.ClientID}
	}), "at+jwt")
	if status, _ := e.Call(t, forged, "test/library/read", nil); status != 401 {
		t.Errorf("session row id in a delegated token: %d, want 401", status)
	}

	// A delegated token cannot mint or refresh anything.
	if status, _ := e.Call(t, delegated, "auth/token/create", map[string]any{"name": "escalate"}); status != 403 {
		t.Errorf("auth/token/create: %d", status)
	}
	req, _ := http.NewRequest("POST", e.URL+"/external-api/v1/application/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}, "scope": {"alice@example.com"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+delegated)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("token endpoint with a delegated bearer: %d, want 401", resp.StatusCode)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {delegated}, "client_id": {a.ClientID}, "client_secret": {a.ClientSecret}}
	if status, _ := e.tokenForm(t, refresh); status != 400 {
		t.Errorf("refresh grant: %d, want 400", status)
	}
}
