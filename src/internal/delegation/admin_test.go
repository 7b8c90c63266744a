package delegation_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"segue/internal/apptest"
	"segue/internal/auth"
)

// Checklist 43: emails are normalised and unique, settable by admins and by
// the user (auth/user/update and PATCH /auth/me); tokens name the user id.
func TestUserEmailNormalisedAndUnique(t *testing.T) {
	e := start(t, apptest.Options{})
	aliceID := e.user(t, "alice", "  Alice@X.Example ", auth.RoleUser)
	var u auth.User
	e.MustCall(t, e.admin, "auth/user", map[string]any{"user_id": aliceID}, &u)
	if u.Email == nil || *u.Email != "alice@x.example" {
		t.Fatalf("stored email %v", u.Email)
	}
	// A second user with the same address in another case is refused.
	status, body := e.Call(t, e.admin, "auth/user/create", map[string]any{"username": "alice2", "password": "user-password-1", "email": "ALICE@x.example"})
	if status == 200 {
		t.Fatalf("duplicate email accepted: %s", body)
	}
	bobID := e.user(t, "bob", "", auth.RoleUser)
	if status, _ := e.Call(t, e.admin, "auth/user/update", map[string]any{"user_id": bobID, "email": "alice@X.example"}); status == 200 {
		t.Fatal("admin could give bob alice's email")
	}
	// Admin sets bob's email; bob changes his own through auth/user/update and PATCH /auth/me.
	e.MustCall(t, e.admin, "auth/user/update", map[string]any{"user_id": bobID, "email": "Bob@Y.Example"}, &u)
	if *u.Email != "bob@y.example" {
		t.Fatalf("admin update: %v", *u.Email)
	}
	bob := e.Login(t, "bob", "user-password-1")
	e.MustCall(t, bob, "auth/user/update", map[string]any{"email": " BOB2@y.example"}, &u)
	if *u.Email != "bob2@y.example" {
		t.Fatalf("self update: %v", *u.Email)
	}
	var patched struct {
		User auth.User `json:"user"`
	}
	status, body = e.Do(t, "PATCH", "/auth/me", bob, map[string]any{"email": "Bob3@Y.example"})
	if status != 200 || json.Unmarshal(body, &patched) != nil || *patched.User.Email != "bob3@y.example" {
		t.Fatalf("PATCH /auth/me: %d %s", status, body)
	}
	if status, _ := e.Do(t, "PATCH", "/auth/me", bob, map[string]any{"email": "ALICE@x.example"}); status != 409 {
		t.Fatalf("PATCH /auth/me to a taken email: %d, want 409", status)
	}
	if status, _ := e.Do(t, "PATCH", "/auth/me", bob, map[string]any{"email": "not-an-email"}); status != 400 {
		t.Fatalf("PATCH /auth/me with a bad email: %d, want 400", status)
	}

	// Delegation finds the user whatever the case of the requested email, and
	// the token names the user id, never the email.
	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read"}, "allowed_emails": []string{"ALICE@x.example"}})
	tr := e.mustToken(t, a, "Alice@X.EXAMPLE")
	_, c := decodeJWT(t, tr.AccessToken)
	if c["user_id"] != aliceID || strings.Contains(tr.AccessToken, "alice@") {
		t.Fatalf("claims %v", c)
	}
	for _, v := range c {
		if s, ok := v.(string); ok && strings.Contains(s, "@") {
			t.Fatalf("a claim carries an email: %v", c)
		}
	}
}

// Checklist 45: a client id can never equal a username or user id.
func TestClientIDCannotCollideWithUsers(t *testing.T) {
	e := start(t, apptest.Options{})
	aliceID := e.user(t, "alice", "alice@example.com", auth.RoleUser)
	for _, id := range []string{"alice", "ALICE", "admin", aliceID} {
		status, body := e.Call(t, e.admin, "apps/create", map[string]any{"name": "x", "client_id": id, "scopes": []string{"library.read"}})
		if status != 400 {
			t.Errorf("client_id %q: %d %s, want 400", id, status, body)
		}
	}
	e.app(t, map[string]any{"name": "x", "client_id": "my-bot", "scopes": []string{"library.read"}})
	if status, _ := e.Call(t, e.admin, "apps/create", map[string]any{"name": "y", "client_id": "my-bot"}); status != 400 {
		t.Errorf("duplicate client_id: %d, want 400", status)
	}
	// Bad input is refused with a reason.
	for _, args := range []map[string]any{
		{"name": ""},
		{"name": "x", "scopes": []string{"users.manage"}},
		{"name": "x", "scopes": []string{"*"}},
		{"name": "x", "scopes": []string{"no.such.scope"}},
		{"name": "x", "allowed_emails": []string{"not an email"}},
		{"name": "x", "allowed_domains": []string{"*.example.com"}},
		{"name": "x", "client_id": "a b"},
	} {
		if status, body := e.Call(t, e.admin, "apps/create", args); status != 400 {
			t.Errorf("apps/create %v: %d %s, want 400", args, status, body)
		}
	}
	// Only user managers may manage apps.
	user := e.Login(t, "alice", "user-password-1")
	for _, cmd := range []string{"apps/create", "apps/list", "apps/update", "apps/rotate_secret", "apps/delete"} {
		if status, _ := e.Call(t, user, cmd, map[string]any{"name": "x", "client_id": "my-bot"}); status != 403 {
			t.Errorf("%s by a plain user: %d, want 403", cmd, status)
		}
	}
}

// JSON bodies and HTTP Basic client authentication work; mixing methods does not.
func TestTokenRequestEncodings(t *testing.T) {
	e := start(t, apptest.Options{})
	e.user(t, "alice", "alice@example.com", auth.RoleUser)
	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read"}, "allowed_emails": []string{"alice@example.com"}})
	post := func(ctype, body, authz string) (int, string) {
		req, _ := http.NewRequest("POST", e.URL+"/external-api/v1/application/token", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	js, _ := json.Marshal(map[string]string{"grant_type": "client_credentials", "client_id": a.ClientID, "client_secret": a.ClientSecret, "scope": "alice@example.com"})
	if status, body := post("application/json; charset=utf-8", string(js), ""); status != 200 || !strings.Contains(body, "access_token") {
		t.Errorf("JSON body: %d %s", status, body)
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(a.ClientID)+":"+url.QueryEscape(a.ClientSecret)))
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"alice@example.com"}}.Encode()
	if status, body := post("application/x-www-form-urlencoded", form, basic); status != 200 {
		t.Errorf("Basic auth: %d %s", status, body)
	}
	both := url.Values{"grant_type": {"client_credentials"}, "client_secret": {a.ClientSecret}, "scope": {"alice@example.com"}}.Encode()
	if status, _ := post("application/x-www-form-urlencoded", both, basic); status != 400 {
		t.Errorf("two client authentication methods: %d, want 400", status)
	}
	if status, _ := post("text/plain", form, ""); status != 400 {
		t.Errorf("text/plain: %d, want 400", status)
	}
	if status, _ := post("application/json", `{"grant_type": 1}`, ""); status != 400 {
		t.Errorf("non-string JSON: %d, want 400", status)
	}
	big := bytes.Repeat([]byte("a"), 70<<10)
	if status, _ := post("application/x-www-form-urlencoded", "scope="+string(big), ""); status != 413 {
		t.Errorf("oversized body: %d, want 413", status)
	}
}

// Checklist 25: client-credential failures are throttled per client and per IP.
func TestTokenFailuresThrottled(t *testing.T) {
	e := start(t, apptest.Options{})
	e.user(t, "alice", "alice@example.com", auth.RoleUser)
	a := e.app(t, map[string]any{"name": "bot", "scopes": []string{"library.read"}, "allowed_emails": []string{"alice@example.com"}})
	wrong := grant(a, "alice@example.com")
	wrong.Set("client_secret", "wrong-secret-value")
	var last int
	var retry bool
	for i := 0; i < 5; i++ {
		req, _ := http.NewRequest("POST", e.URL+"/external-api/v1/application/token", strings.NewReader(wrong.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		last = resp.StatusCode
		retry = resp.Header.Get("Retry-After") != ""
	}
	if last != 429 || !retry {
		t.Fatalf("after 5 wrong secrets: %d (Retry-After %v), want 429", last, retry)
	}
	// Even the right secret waits now: guessing cannot continue at full speed.
	if status, _ := e.tokenForm(t, grant(a, "alice@example.com")); status != 429 {
		t.Fatalf("right secret while throttled: %d, want 429", status)
	}
}
