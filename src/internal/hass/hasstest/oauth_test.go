package hasstest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
	"segue/internal/hass/hasstest"
)

const (
	clientID    = "http://segue.local:8095/"
	redirectURI = "http://segue.local:8095/auth/callback?provider_id=homeassistant"
)

func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func postToken(t *testing.T, core *hasstest.Core, form url.Values) (int, map[string]any, http.Header) {
	t.Helper()
	resp, err := http.PostForm(core.URL()+"/auth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("token answer %q is not JSON: %v", raw, err)
		}
	}
	return resp.StatusCode, body, resp.Header
}

func authorize(t *testing.T, core *hasstest.Core, cid, ruri, state string) *http.Response {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {cid}, "redirect_uri": {ruri}, "state": {state}}
	resp, err := noRedirects().Get(core.URL() + "/auth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestAuthorizeRedirectsWithCodeAndState(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	u := core.AddUser(hasstest.User{Username: "gina", IsActive: true})

	if resp := authorize(t, core, clientID, redirectURI, "s1"); resp.StatusCode != http.StatusOK {
		t.Fatalf("without a chosen user the login page shows, got %d", resp.StatusCode)
	}
	core.SetLoginUser(u.ID)
	resp := authorize(t, core, clientID, redirectURI, "a b&c")
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	if loc.Path != "/auth/callback" || q.Get("provider_id") != "homeassistant" || q.Get("state") != "a b&c" || len(q.Get("code")) != 32 {
		t.Fatalf("redirect %s", loc)
	}
	if !strings.Contains(loc.RawQuery, "state=a%20b%26c") {
		t.Fatalf("state not encoded like encodeURIComponent: %s", loc.RawQuery)
	}
	status, body, hdr := postToken(t, core, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "client_id": {clientID}})
	if status != 200 || body["token_type"] != "Bearer" || body["expires_in"] != float64(1800) || body["refresh_token"] == nil || body["access_token"] == nil {
		t.Fatalf("exchange: %d %v", status, body)
	}
	if hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", hdr.Get("Cache-Control"))
	}
	if core.RefreshTokens(u.ID) != 1 {
		t.Fatalf("refresh tokens %d, want 1", core.RefreshTokens(u.ID))
	}
}

func TestAuthorizeRejectsBadClients(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	u := core.AddUser(hasstest.User{Username: "hal", IsActive: true})
	core.SetLoginUser(u.ID)
	cases := []struct{ cid, ruri string }{
		{"http://segue.local:8095/", "http://evil.example/auth/callback"},      // other host
		{"http://segue.local:8095/", "http://segue.local:9999/auth/callback"},  // other port
		{"http://segue.local:8095/", "https://segue.local:8095/auth/callback"}, // other scheme
		{"http://8.8.8.8/", "http://8.8.8.8/cb"},                               // public IP literal
		{"ftp://segue.local/", "ftp://segue.local/cb"},                         // scheme
		{"http://user:pw@segue.local/", "http://user:pw@segue.local/cb"},       // user info
		{"http://segue.local/a/../b", "http://segue.local/cb"},                 // dot segment
		{"http://segue.local/#frag", "http://segue.local/cb"},                  // fragment
	}
	for _, c := range cases {
		resp := authorize(t, core, c.cid, c.ruri, "")
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("client_id %s redirect_uri %s: status %d, want 400", c.cid, c.ruri, resp.StatusCode)
		}
	}
	for _, ok := range []string{"http://192.168.1.20:8095/", "http://127.0.0.1:8095/", "https://music.example.com/"} {
		if resp := authorize(t, core, ok, ok+"cb", ""); resp.StatusCode != http.StatusFound {
			t.Errorf("client_id %s refused: %d", ok, resp.StatusCode)
		}
	}
}

func TestTokenErrorsAreExact(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	core := hasstest.StartCore(t, hasstest.CoreOptions{Clock: clk})
	u := core.AddUser(hasstest.User{Username: "ivy", IsActive: true})
	code := func() string {
		c, err := core.IssueCode(clientID, redirectURI, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	expect := func(name string, form url.Values, wantStatus int, want map[string]any) {
		t.Helper()
		status, body, _ := postToken(t, core, form)
		if status != wantStatus || len(body) != len(want) {
			t.Errorf("%s: %d %v, want %d %v", name, status, body, wantStatus, want)
			return
		}
		for k, v := range want {
			if body[k] != v {
				t.Errorf("%s: %d %v, want %d %v", name, status, body, wantStatus, want)
			}
		}
	}
	invalidCode := map[string]any{"error": "invalid_request", "error_description": "Invalid code"}

	expect("unsupported grant", url.Values{"grant_type": {"password"}}, 400, map[string]any{"error": "unsupported_grant_type"})
	expect("bad client id", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {"not a url"}}, 400,
		map[string]any{"error": "invalid_request", "error_description": "Invalid client id"})
	expect("unknown code", url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "client_id": {clientID}}, 400, invalidCode)

	c := code()
	expect("code for another client", url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {"http://other.local/"}}, 400, invalidCode)
	status, _, _ := postToken(t, core, url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {clientID}})
	if status != 200 {
		t.Fatalf("a code tried with the wrong client must stay usable, got %d", status)
	}
	expect("replayed code", url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {clientID}}, 400, invalidCode)

	c = code()
	clk.Advance(10*time.Minute + time.Second)
	expect("expired code", url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {clientID}}, 400, invalidCode)

	c = code()
	core.SetUserActive(u.ID, false)
	expect("inactive user", url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {clientID}}, 403,
		map[string]any{"error": "access_denied", "error_description": "User is not active"})
}

func TestRefreshAndRevoke(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	u := core.AddUser(hasstest.User{Username: "jo", IsActive: true})
	exchange := func() string {
		c, _ := core.IssueCode(clientID, redirectURI, u.ID)
		_, body, _ := postToken(t, core, url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {clientID}})
		return body["refresh_token"].(string)
	}
	rt := exchange()
	status, body, _ := postToken(t, core, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {clientID}})
	if status != 200 || body["access_token"] == nil || body["refresh_token"] != nil || body["expires_in"] != float64(1800) {
		t.Fatalf("refresh: %d %v", status, body)
	}
	status, body, _ = postToken(t, core, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"http://other.local/"}})
	if status != 400 || body["error"] != "invalid_request" {
		t.Fatalf("refresh with another client: %d %v", status, body)
	}
	// Legacy revoke on /auth/token.
	status, body, _ = postToken(t, core, url.Values{"action": {"revoke"}, "token": {rt}})
	if status != 200 || body != nil {
		t.Fatalf("revoke: %d %v", status, body)
	}
	status, body, _ = postToken(t, core, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {clientID}})
	if status != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("refresh after revoke: %d %v", status, body)
	}
	// /auth/revoke, always 200.
	rt = exchange()
	for _, tok := range []string{rt, "unknown"} {
		resp, err := http.PostForm(core.URL()+"/auth/revoke", url.Values{"token": {tok}})
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("/auth/revoke: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	if n := core.RefreshTokens(u.ID); n != 0 {
		t.Fatalf("refresh tokens left %d, want 0", n)
	}
}
