package devicelogin_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/devicelogin"
)

type env struct {
	*apptest.Server[*app.App]
	clk   *clocktest.Fake
	admin string
	alice string // alice's session token (the browser)
}

func start(t *testing.T) *env {
	t.Helper()
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := apptest.Start(t, app.New, apptest.Options{App: app.Options{Clock: clk}})
	e := &env{Server: s, clk: clk, admin: s.Setup(t, "admin", "admin-password-1")}
	s.MustCall(t, e.admin, "auth/user/create", map[string]any{"username": "alice", "password": "user-password-1",
		"email": "alice@example.com"}, nil)
	e.alice = s.Login(t, "alice", "user-password-1")
	return e
}

// form posts a form-encoded request and decodes the JSON answer.
func (e *env) form(t *testing.T, path string, v url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(e.URL+path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q", path, cc)
	}
	body, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
	}
	return resp.StatusCode, out
}

func (e *env) poll(t *testing.T, deviceCode string) (int, map[string]any) {
	t.Helper()
	return e.form(t, "/auth/device/token", url.Values{"grant_type": {devicelogin.DeviceCodeGrant}, "device_code": {deviceCode}})
}

func (e *env) approve(t *testing.T, token, userCode string, yes bool) (int, map[string]any) {
	t.Helper()
	status, body := e.Do(t, "POST", "/auth/device/approve", token, map[string]any{"user_code": userCode, "approve": yes})
	out := map[string]any{}
	_ = json.Unmarshal(body, &out)
	return status, out
}

func (e *env) lookup(t *testing.T, token, userCode string) (int, map[string]any) {
	t.Helper()
	status, body := e.Do(t, "POST", "/auth/device/lookup", token, map[string]any{"user_code": userCode})
	out := map[string]any{}
	_ = json.Unmarshal(body, &out)
	return status, out
}

func (e *env) startDevice(t *testing.T, name string) (deviceCode, userCode string) {
	t.Helper()
	status, r := e.form(t, "/auth/device/code", url.Values{"client_id": {name}})
	if status != 200 {
		t.Fatalf("device code: %d %v", status, r)
	}
	return r["device_code"].(string), r["user_code"].(string)
}

// Issue 4 acceptance 7 over the RFC 8628 endpoints: pending, slow_down, the
// user sees which client asked and confirms, the token arrives exactly once.
func TestDeviceFlowOverHTTP(t *testing.T) {
	e := start(t)
	status, r := e.form(t, "/auth/device/code", url.Values{"client_id": {"Kitchen tablet"}})
	if status != 200 {
		t.Fatalf("device code: %d %v", status, r)
	}
	device, user := r["device_code"].(string), r["user_code"].(string)
	if len(device) < 43 || r["expires_in"] != float64(600) || r["interval"] != float64(5) {
		t.Fatalf("device authorization response %v", r)
	}
	if len(user) != 9 || user[4] != '-' || strings.Trim(strings.ReplaceAll(user, "-", ""), devicelogin.UserCodeAlphabet) != "" {
		t.Fatalf("user code %q", user)
	}
	uri, complete := r["verification_uri"].(string), r["verification_uri_complete"].(string)
	if uri != e.URL+"/device" || complete != uri+"?user_code="+user {
		t.Fatalf("verification URIs %q %q", uri, complete)
	}

	if status, r := e.poll(t, device); status != 400 || r["error"] != "authorization_pending" {
		t.Fatalf("first poll: %d %v", status, r)
	}
	// Too fast: slow_down, and the interval grows by 5 s.
	e.clk.Advance(2 * time.Second)
	if status, r := e.poll(t, device); status != 400 || r["error"] != "slow_down" || r["interval"] != float64(10) {
		t.Fatalf("fast poll: %d %v", status, r)
	}
	e.clk.Advance(10 * time.Second)
	if _, r := e.poll(t, device); r["error"] != "authorization_pending" {
		t.Fatalf("poll at the new interval: %v", r)
	}

	// The browser: not signed in → 401; signed in → sees the client.
	if status, _ := e.lookup(t, "", user); status != 401 {
		t.Fatalf("lookup without sign-in: %d", status)
	}
	if status, _ := e.approve(t, "", user, true); status != 401 {
		t.Fatalf("approve without sign-in: %d", status)
	}
	status, info := e.lookup(t, e.alice, strings.ToLower(strings.ReplaceAll(user, "-", " ")))
	if status != 200 || info["client_name"] != "Kitchen tablet" || info["ip"] != "127.0.0.1" || info["user_code"] != user || info["created_at"] == "" {
		t.Fatalf("lookup: %d %v", status, info)
	}
	if status, r := e.approve(t, e.alice, user, true); status != 200 || r["status"] != "approved" {
		t.Fatalf("approve: %d %v", status, r)
	}
	if status, _ := e.approve(t, e.alice, user, false); status != 409 {
		t.Fatalf("second answer: %d, want 409", status)
	}

	e.clk.Advance(10 * time.Second)
	status, r = e.poll(t, device)
	tok, _ := r["access_token"].(string)
	if status != 200 || tok == "" || r["token_type"] != "Bearer" {
		t.Fatalf("poll after approval: %d %v", status, r)
	}
	var me auth.User
	e.MustCall(t, tok, "auth/me", nil, &me)
	if me.Username != "alice" {
		t.Fatalf("token belongs to %q", me.Username)
	}
	// Exactly once.
	e.clk.Advance(10 * time.Second)
	if status, r := e.poll(t, device); status != 400 || r["error"] != "expired_token" {
		t.Fatalf("second poll: %d %v", status, r)
	}
	// The token is an ordinary, revocable short-lived session token named after the device.
	var toks []auth.TokenInfo
	e.MustCall(t, tok, "auth/tokens", nil, &toks)
	found := false
	for _, ti := range toks {
		found = found || (strings.Contains(ti.Name, "Kitchen tablet") && !ti.IsLongLived)
	}
	if !found {
		t.Fatalf("device token not listed: %+v", toks)
	}
	if strings.Contains(e.Logs(), device) || strings.Contains(e.Logs(), tok) {
		t.Error("a device code or token reached the log")
	}
}

// The same flow through MA's original commands over the WebSocket.
func TestDeviceFlowOverWebSocket(t *testing.T) {
	e := start(t)
	ws := apptest.DialWS(t, e.URL, nil)
	r := ws.Command("auth/authorization_url", map[string]any{"provider_id": "homeassistant", "for_remote_client": true, "device_name": "Pixel 9"})
	if r.ErrorCode != 0 {
		t.Fatalf("authorization_url: %d %s", r.ErrorCode, r.Details)
	}
	var started struct {
		AuthorizationURL string `json:"authorization_url"`
		SessionID        string `json:"session_id"`
		UserCode         string `json:"user_code"`
	}
	if err := json.Unmarshal(r.Result, &started); err != nil {
		t.Fatal(err)
	}
	if len(started.SessionID) < 43 || !strings.HasSuffix(started.AuthorizationURL, "device?user_code="+started.UserCode) {
		t.Fatalf("started %+v", started)
	}
	status := func() map[string]any {
		r := ws.Command("auth/oauth_status", map[string]any{"session_id": started.SessionID})
		if r.ErrorCode != 0 {
			t.Fatalf("oauth_status: %d %s", r.ErrorCode, r.Details)
		}
		out := map[string]any{}
		_ = json.Unmarshal(r.Result, &out)
		return out
	}
	if s := status(); s["status"] != "pending" {
		t.Fatalf("before approval: %v", s)
	}
	e.clk.Advance(time.Second)
	if s := status(); s["status"] != "pending" || s["error"] != "slow_down" {
		t.Fatalf("too fast: %v", s)
	}
	if _, info := e.lookup(t, e.alice, started.UserCode); info["client_name"] != "Pixel 9" {
		t.Fatalf("lookup %v", info)
	}
	if code, _ := e.approve(t, e.alice, started.UserCode, true); code != 200 {
		t.Fatal("approve failed")
	}
	e.clk.Advance(30 * time.Second)
	s := status()
	tok, _ := s["access_token"].(string)
	if s["status"] != "completed" || tok == "" {
		t.Fatalf("after approval: %v", s)
	}
	e.clk.Advance(30 * time.Second)
	if s := status(); s["status"] != "invalid" || s["access_token"] != nil {
		t.Fatalf("second poll: %v", s)
	}
	// The delivered token authenticates the same socket.
	if r := ws.Command("auth", map[string]any{"token": tok}); r.ErrorCode != 0 {
		t.Fatalf("auth with the delivered token: %s", r.Details)
	}
	// An unknown session id is simply invalid.
	if r := ws.Command("auth/oauth_status", map[string]any{"session_id": "nope"}); !strings.Contains(string(r.Result), `"invalid"`) {
		t.Fatalf("unknown session: %s %s", r.Result, r.Details)
	}
	// Without for_remote_client the command is the provider URL command (no provider yet).
	r = ws.Command("auth/authorization_url", map[string]any{"provider_id": "homeassistant", "return_url": "/"})
	if r.ErrorCode != 0 || !strings.Contains(string(r.Result), `"authorization_url":null`) ||
		!strings.Contains(string(r.Result), "Provider does not support OAuth or does not exist") {
		t.Fatalf("non-remote authorization_url: %d %s", r.ErrorCode, r.Result)
	}
}

// Sessions expire after 10 minutes; denial is delivered once.
func TestDeviceFlowExpiryAndDenial(t *testing.T) {
	e := start(t)
	device, user := e.startDevice(t, "TV")
	e.clk.Advance(10*time.Minute + time.Second)
	if status, r := e.poll(t, device); status != 400 || r["error"] != "expired_token" {
		t.Fatalf("expired poll: %d %v", status, r)
	}
	if status, _ := e.approve(t, e.alice, user, true); status != 400 {
		t.Fatalf("approving an expired code: %d, want 400", status)
	}

	device, user = e.startDevice(t, "TV")
	if status, r := e.approve(t, e.alice, user, false); status != 200 || r["status"] != "denied" {
		t.Fatalf("deny: %d %v", status, r)
	}
	if _, r := e.poll(t, device); r["error"] != "access_denied" {
		t.Fatalf("poll after denial: %v", r)
	}
	e.clk.Advance(10 * time.Second)
	if _, r := e.poll(t, device); r["error"] != "invalid_grant" {
		t.Fatalf("poll after denial was delivered: %v", r)
	}

	// Approved but the user is disabled before the client polls: no token.
	device, user = e.startDevice(t, "TV")
	e.approve(t, e.alice, user, true)
	var alice auth.User
	var users []auth.User
	e.MustCall(t, e.admin, "auth/users", nil, &users)
	for _, u := range users {
		if u.Username == "alice" {
			alice = u
		}
	}
	e.MustCall(t, e.admin, "auth/user/disable", map[string]any{"user_id": alice.ID}, nil)
	e.clk.Advance(10 * time.Second)
	if status, r := e.poll(t, device); status != 400 || r["error"] != "access_denied" {
		t.Fatalf("approved by a since-disabled user: %d %v", status, r)
	}
}

// Checklist 39: five wrong codes a minute per IP, then a lockout that even the right code obeys.
func TestUserCodeGuessingLockedOut(t *testing.T) {
	e := start(t)
	_, user := e.startDevice(t, "TV")
	wrong := []string{"BBBB-BBBB", "not a code", "CCCC-CCCC", "", "DDDD-DDDD"}
	for i, w := range wrong {
		status, r := e.lookup(t, e.alice, w)
		if status != 400 {
			t.Fatalf("wrong code %d: %d %v", i, status, r)
		}
	}
	if status, r := e.lookup(t, e.alice, user); status != 429 || r["error"] != "slow_down" {
		t.Fatalf("right code during lockout: %d %v", status, r)
	}
	if status, _ := e.approve(t, e.alice, user, true); status != 429 {
		t.Fatalf("approve during lockout: %d", status)
	}
	e.clk.Advance(15*time.Minute + time.Second)
	_, user = e.startDevice(t, "TV") // the first one has expired meanwhile
	if status, _ := e.lookup(t, e.alice, user); status != 200 {
		t.Fatalf("after the lockout: %d", status)
	}
	// Four wrong in a minute, a pause, four more: never locked.
	for round := 0; round < 2; round++ {
		for i := 0; i < 4; i++ {
			e.lookup(t, e.alice, "BBBB-BBBB")
		}
		e.clk.Advance(61 * time.Second)
	}
	if status, _ := e.lookup(t, e.alice, user); status != 200 {
		t.Fatalf("slow guessing locked out a legitimate user: %d", status)
	}
}

// Only a person signed in to a normal account may approve; delegated tokens may not.
func TestApproveNeedsAPerson(t *testing.T) {
	e := start(t)
	var app struct {
		ClientID, ClientSecret string `json:"-"`
	}
	var created map[string]any
	e.MustCall(t, e.admin, "apps/create", map[string]any{"name": "bot", "scopes": []string{"library.read"},
		"allowed_emails": []string{"alice@example.com"}}, &created)
	app.ClientID, app.ClientSecret = created["client_id"].(string), created["client_secret"].(string)
	resp, err := http.PostForm(e.URL+"/external-api/v1/application/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "scope": {"alice@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	var tr map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	delegated, _ := tr["access_token"].(string)
	if delegated == "" {
		t.Fatalf("delegated token: %v", tr)
	}
	_, user := e.startDevice(t, "TV")
	if status, _ := e.approve(t, delegated, user, true); status != 403 {
		t.Fatalf("approve with a delegated token: %d, want 403", status)
	}
	if status, _ := e.lookup(t, delegated, user); status != 403 {
		t.Fatalf("lookup with a delegated token: %d, want 403", status)
	}
	if status, _ := e.approve(t, "garbage.token.value", user, true); status != 401 {
		t.Fatalf("approve with a bad token: %d, want 401", status)
	}
	// Still pending for the real user.
	if status, _ := e.approve(t, e.alice, user, true); status != 200 {
		t.Fatalf("approve by alice: %d", status)
	}
}

// Bounded memory: a client (IP) may hold only so many pending logins.
func TestPendingLoginsBounded(t *testing.T) {
	e := start(t)
	for i := 0; i < devicelogin.MaxPendingPerIP; i++ {
		e.startDevice(t, "flood")
	}
	status, r := e.form(t, "/auth/device/code", url.Values{"client_id": {"flood"}})
	if status != 429 || r["error"] != "slow_down" {
		t.Fatalf("over the per-IP limit: %d %v", status, r)
	}
	e.clk.Advance(devicelogin.TTL + time.Second)
	if status, _ := e.form(t, "/auth/device/code", url.Values{"client_id": {"later"}}); status != 200 {
		t.Fatalf("after expiry: %d", status)
	}
}

// Malformed requests get OAuth errors, never 500.
func TestDeviceEndpointErrors(t *testing.T) {
	e := start(t)
	if status, r := e.form(t, "/auth/device/token", url.Values{"grant_type": {"client_credentials"}, "device_code": {"x"}}); status != 400 || r["error"] != "unsupported_grant_type" {
		t.Errorf("wrong grant: %d %v", status, r)
	}
	if status, r := e.form(t, "/auth/device/token", url.Values{"grant_type": {devicelogin.DeviceCodeGrant}}); status != 400 || r["error"] != "invalid_request" {
		t.Errorf("missing device_code: %d %v", status, r)
	}
	if status, r := e.poll(t, "made-up"); status != 400 || r["error"] != "invalid_grant" {
		t.Errorf("unknown device code: %d %v", status, r)
	}
	if status, r := e.form(t, "/auth/device/code", url.Values{"client_id": {"a", "b"}}); status != 400 || r["error"] != "invalid_request" {
		t.Errorf("repeated parameter: %d %v", status, r)
	}
	big := strings.Repeat("x", 20<<10)
	if status, _ := e.form(t, "/auth/device/code", url.Values{"client_id": {big}}); status != 413 {
		t.Errorf("oversized body: %d", status)
	}
	if status, _ := e.Do(t, "POST", "/auth/device/approve", e.alice, map[string]any{"user_code": "BBBB-BBBB", "approve": "maybe"}); status != 400 {
		t.Errorf("approve not a boolean: %d", status)
	}
	// JSON bodies work too; client names are cleaned of control characters.
	status, body := e.Do(t, "POST", "/auth/device/code", "", map[string]any{"device_name": "Car\u0000 stereo\u202e"})
	var r map[string]any
	_ = json.Unmarshal(body, &r)
	if status != 200 {
		t.Fatalf("JSON device code: %d %s", status, body)
	}
	if _, info := e.lookup(t, e.alice, r["user_code"].(string)); info["client_name"] != "Car stereo" {
		t.Errorf("client name %q", info["client_name"])
	}
}

// The page is static: what the URL carries is never reflected by the server.
func TestVerificationPage(t *testing.T) {
	e := start(t)
	for _, path := range []string{"/device", "/device?user_code=%3Cscript%3Ealert(1)%3C%2Fscript%3E"} {
		resp, err := http.Get(e.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		page := string(body)
		if strings.Contains(page, "alert(1)") {
			t.Fatalf("%s reflects the query", path)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'self'") || !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
		// Relative URLs only (works under the ingress base path), the shared token key, both colour schemes.
		for _, want := range []string{"'auth/device/lookup'", "'auth/device/approve'", "'auth/login'", "segue_token", "prefers-color-scheme:dark", "textContent"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %s", want)
			}
		}
		for _, bad := range []string{"innerHTML", "fetch('/", "document.write"} {
			if strings.Contains(page, bad) {
				t.Errorf("page uses %s", bad)
			}
		}
	}
}

// clientFrom is an HTTP client whose connections leave from ip (any 127.0.0.0/8
// address works on loopback), so one test can be many clients.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// startFrom asks for a device code from ip and returns the HTTP status.
func (e *env) startFrom(t *testing.T, ip string) int {
	t.Helper()
	resp, err := clientFrom(ip).PostForm(e.URL+"/auth/device/code", url.Values{"client_id": {"flood"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// Issue 11 (low), the attack as run: 50 addresses × 20 POST /auth/device/code
// filled the 1000-entry table and everyone got 503 for ten minutes. Now one
// network (an IPv4 /24) holds at most MaxPendingPerNetwork unconfirmed logins,
// and when addresses from many networks do fill the table, the oldest
// unconfirmed login makes room: a real client is still served.
func TestDeviceCodeFloodDoesNotLockOthersOut(t *testing.T) {
	e := start(t)
	count := func(from func(i int) string) map[int]int {
		got := map[int]int{}
		for i := 0; i < 50; i++ {
			for j := 0; j < 20; j++ {
				got[e.startFrom(t, from(i))]++
			}
		}
		return got
	}
	oneNetwork := count(func(i int) string { return fmt.Sprintf("127.0.9.%d", i+1) })
	if oneNetwork[200] != devicelogin.MaxPendingPerNetwork || oneNetwork[429] != 1000-devicelogin.MaxPendingPerNetwork {
		t.Fatalf("50 addresses of one /24 × 20: %v; want %d admitted, the rest 429", oneNetwork, devicelogin.MaxPendingPerNetwork)
	}

	e.clk.Advance(devicelogin.TTL + time.Second)
	manyNetworks := count(func(i int) string { return fmt.Sprintf("127.%d.1.1", 10+i) })
	if manyNetworks[200] != 1000 {
		t.Fatalf("50 networks × 20: %v", manyNetworks)
	}
	// The table is full of the flood's logins; a real client still starts one,
	// and so does the next flood request (each evicts the oldest unconfirmed).
	device, user := e.startDevice(t, "Living room TV")
	if status, r := e.approve(t, e.alice, user, true); status != 200 {
		t.Fatalf("approving the real client's login: %d %v", status, r)
	}
	if status := e.startFrom(t, "127.99.1.1"); status != 200 {
		t.Fatalf("a flood request after the real login: %d", status)
	}
	e.clk.Advance(devicelogin.DefaultInterval)
	if _, r := e.poll(t, device); r["access_token"] == nil {
		t.Fatalf("the real client's login did not survive the flood: %v", r)
	}
}
