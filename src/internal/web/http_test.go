package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"segue/internal/app"
	"segue/internal/apptest"
)

// Acceptance 6 of issue 2: exactly one of 50 concurrent setups wins.
func TestConcurrentSetupOneWins(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	var wins, losses atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			status, body := s.Do(t, "POST", "/setup", "", map[string]string{"username": "admin" + string(rune('a'+i%26)) + "x", "password": "password-123"})
			if status == 200 {
				wins.Add(1)
			} else if status == 403 && strings.Contains(string(body), "Setup already completed") {
				losses.Add(1)
			} else {
				t.Errorf("unexpected answer %d %s", status, body)
			}
		}(i)
	}
	wg.Wait()
	if wins.Load() != 1 || losses.Load() != 49 {
		t.Fatalf("wins=%d losses=%d", wins.Load(), losses.Load())
	}
	if status, _ := s.Do(t, "GET", "/setup", "", nil); status != 403 {
		t.Fatalf("setup page after setup: %d", status)
	}
}

func TestSetupValidation(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	cases := []struct {
		body   any
		status int
		msg    string
	}{
		{map[string]string{"username": "a", "password": "password-123"}, 400, "Username must be at least 2 characters"},
		{map[string]string{"username": "admin", "password": "short"}, 400, "Password must be at least 8 characters"},
		{map[string]string{"username": "admin", "password": "password-123", "return_url": "https://evil.example/"}, 400, "Invalid return_url"},
	}
	for _, c := range cases {
		status, body := s.Do(t, "POST", "/setup", "", c.body)
		if status != c.status || !strings.Contains(string(body), c.msg) {
			t.Errorf("%v: %d %s", c.body, status, body)
		}
	}
	var ok struct {
		RedirectTo string `json:"redirect_to"`
	}
	s.PostJSON(t, "/setup", "", map[string]string{"username": "admin", "password": "password-123", "return_url": "musicassistant://auth/callback"}, &ok)
	if !strings.HasPrefix(ok.RedirectTo, "musicassistant://auth/callback?code=") || !strings.HasSuffix(ok.RedirectTo, "&onboard=true") {
		t.Fatalf("redirect_to %q", ok.RedirectTo)
	}
}

func TestRootRedirectsToSetupThenServes(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "setup" {
		t.Fatalf("before setup: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, _ := s.Do(t, "POST", "/api", "", map[string]string{"command": "info"}); status != 503 {
		t.Fatalf("/api before setup: %d", status)
	}
	s.Setup(t, "admin", "password-123")
	resp, err = client.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("after setup: %d", resp.StatusCode)
	}
}

// Acceptance 7 of issue 2 over HTTP: identical bodies, and the 4th bad password waits.
func TestLoginThrottledOverHTTP(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	s.Setup(t, "admin", "password-123")
	login := func(user, pw string) (int, string) {
		status, body := s.Do(t, "POST", "/auth/login", "", map[string]any{"credentials": map[string]string{"username": user, "password": pw}})
		return status, string(body)
	}
	_, unknown := login("nobody", "password-123")
	_, wrong := login("admin", "wrong-password")
	if unknown != wrong {
		t.Fatalf("unknown user and wrong password differ:\n%s\n%s", unknown, wrong)
	}
	// The client IP now has two failures; the third is still answered normally.
	status, body := login("admin", "wrong-password")
	if status != 401 {
		t.Fatalf("3rd failure: %d %s", status, body)
	}
	status, body = login("admin", "password-123")
	if status != 429 || !strings.Contains(body, "Too many failed attempts") {
		t.Fatalf("4th attempt: %d %s", status, body)
	}
}

func TestJSONRPCErrors(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	admin := s.Setup(t, "admin", "password-123")
	raw := func(body, token string) (int, string) {
		req, _ := http.NewRequest("POST", s.URL+"/api", strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	cases := []struct {
		body, token string
		status      int
		text        string
	}{
		{"", admin, 400, "Body required"},
		{"{", admin, 400, "Invalid JSON"},
		{`{"args":{}}`, admin, 400, "Invalid JSON: missing required field"},
		{`{"command":"nope"}`, admin, 400, "Invalid Command: nope"},
		{`{"command":"auth/me"}`, "", 401, "Authentication required"},
		{`{"command":"auth/me"}`, "garbage-token-garbage-token", 401, "Authentication failed"},
		{`{"command":"auth/user/create","args":{"username":"x","password":"password-123"}}`, admin, 400, "Username must be at least 2 characters"},
		{`{"command":"info"}`, admin, 200, `"server_id"`},
		{`{"command":"time"}`, "", 200, ""},
		{`{"command":"auth/user/delete","args":{"user_id":"nope"}}`, admin, 404, "User not found"},
	}
	for _, c := range cases {
		status, body := raw(c.body, c.token)
		if status != c.status || !strings.Contains(body, c.text) {
			t.Errorf("%s: got %d %q, want %d %q", c.body, status, body, c.status, c.text)
		}
	}
	big := `{"command":"info","args":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`
	if status, _ := raw(big, admin); status != 413 {
		t.Errorf("2 MiB body: %d, want 413", status)
	}
	status, _ := s.Do(t, "POST", "/auth/login", "", map[string]string{"x": strings.Repeat("a", 100<<10)})
	if status != 413 {
		t.Errorf("100 KiB login body: %d, want 413", status)
	}
}

func TestPublicListenerIgnoresIdentityHeaders(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true})
	s.Setup(t, "admin", "password-123")
	for _, name := range []string{"X-Remote-User-Id", "x-remote-user-id", "X_Remote_User_Id", "X-REMOTE-USER-ID", "x_remote_user_id"} {
		req, _ := http.NewRequest("GET", s.URL+"/auth/me", nil)
		req.Header[name] = []string{"0123456789abcdef0123456789abcdef"}
		req.Header["X-Remote-User-Name"] = []string{"admin"}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("public listener with %s: %d, want 401", name, resp.StatusCode)
		}
	}
}

// Acceptance 5 of issue 2: only the trusted peer with the header logs in, on the ingress listener.
func TestIngressMatrix(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true})
	s.Setup(t, "admin", "password-123")
	from := func(src string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
		return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	}
	const id = "0123456789abcdef0123456789abcdef"
	cases := []struct {
		name    string
		base    string
		src     string
		headers map[string]string
		want    int
	}{
		{"trusted peer with header", s.IngressURL, "127.0.0.1", map[string]string{"X-Remote-User-Id": id, "X-Remote-User-Name": "kim"}, 200},
		{"trusted peer without header", s.IngressURL, "127.0.0.1", nil, 401},
		{"trusted peer with empty header", s.IngressURL, "127.0.0.1", map[string]string{"X-Remote-User-Id": ""}, 401},
		{"trusted peer with malformed id", s.IngressURL, "127.0.0.1", map[string]string{"X-Remote-User-Id": "admin"}, 401},
		{"other peer with header", s.IngressURL, "127.0.0.2", map[string]string{"X-Remote-User-Id": id, "X-Remote-User-Name": "kim"}, 401},
		{"public listener, trusted peer, header", s.URL, "127.0.0.1", map[string]string{"X-Remote-User-Id": id}, 401},
		{"public listener, underscore spelling", s.URL, "127.0.0.1", map[string]string{"X_Remote_User_Id": id}, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", c.base+"/auth/me", nil)
			for k, v := range c.headers {
				req.Header[k] = []string{v}
			}
			resp, err := from(c.src).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.want {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
			if c.want == 200 {
				var u struct {
					Username string `json:"username"`
					Role     string `json:"role"`
				}
				_ = json.Unmarshal(body, &u)
				if u.Username != "kim" || u.Role != "user" {
					t.Fatalf("ingress user %+v", u)
				}
			}
		})
	}
	// A new HA id under concurrent requests creates exactly one user.
	const newID = "fedcba9876543210fedcba9876543210"
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", s.IngressURL+"/auth/me", nil)
			req.Header.Set("X-Remote-User-Id", newID)
			req.Header.Set("X-Remote-User-Name", "admin") // same name as the local admin
			resp, err := from("127.0.0.1").Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("concurrent ingress: %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	var n int
	if err := s.App.DB.R.QueryRow("SELECT count(*) FROM user_auth_providers WHERE provider_type = 'homeassistant' AND provider_user_id = ?", newID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("links for the new HA id: %d %v", n, err)
	}
	var name string
	_ = s.App.DB.R.QueryRow("SELECT u.username FROM users u JOIN user_auth_providers l ON l.user_id = u.user_id WHERE l.provider_user_id = ?", newID).Scan(&name)
	if name == "admin" {
		t.Fatal("an HA user took over the local admin by name")
	}
}

func TestIngressWebSocketAuthenticatedAtConnect(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true})
	s.Setup(t, "admin", "password-123")
	h := http.Header{}
	h.Set("X-Remote-User-Id", "00112233445566778899aabbccddeeff")
	h.Set("X-Remote-User-Name", "lee")
	ws := apptest.DialWS(t, s.IngressURL, h)
	r := ws.Command("auth/me", nil)
	if r.ErrorCode != 0 || !bytes.Contains(r.Result, []byte(`"lee"`)) {
		t.Fatalf("ingress socket: %+v", r)
	}
}

func TestHealthz(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	if status, body := s.Do(t, "GET", "/healthz", "", nil); status != 200 || string(body) != "ok\n" {
		t.Fatalf("healthz: %d %q", status, body)
	}
	s.App.DB.R.Close()
	if status, _ := s.Do(t, "GET", "/healthz", "", nil); status != 503 {
		t.Fatalf("healthz with a closed database: %d", status)
	}
}

// Issue 11 item 5: a session token never travels to a loopback listener or a
// look-alike deep link; Segue's own pages get no secret in the URL; only the
// exact MA deep link gets the token it expects.
func TestLoginRedirectTargets(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	s.Setup(t, "admin", "password-123")
	login := func(ret string) (int, string) {
		var out struct {
			RedirectTo string `json:"redirect_to"`
		}
		status := s.PostJSON(t, "/auth/login", "", map[string]any{"credentials": map[string]string{"username": "admin", "password": "password-123"}, "return_url": ret}, &out)
		return status, out.RedirectTo
	}
	for _, bad := range []string{"http://localhost:9999/cb", "http://127.0.0.1:9999/cb", "musicassistant:evil", "musicassistant://auth/callback/x"} {
		if status, to := login(bad); status != 400 || to != "" {
			t.Errorf("return_url %q: %d %q", bad, status, to)
		}
	}
	if status, to := login("/"); status != 200 || to != "/" {
		t.Errorf("own page: %d %q, want the page without a code", status, to)
	}
	if status, to := login("musicassistant://auth/callback"); status != 200 || !strings.HasPrefix(to, "musicassistant://auth/callback?code=ey") {
		t.Errorf("MA deep link: %d %q, want the token in code", status, to)
	}
}

// Issue 11 item 8: the public listener may not be framed by other sites; the
// ingress listener stays frameable by Home Assistant's sidebar.
func TestFramingPerListener(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true})
	s.Setup(t, "admin", "password-123")
	for _, path := range []string{"/info", "/"} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("public %s: X-Frame-Options %q", path, resp.Header.Get("X-Frame-Options"))
		}
	}
	resp, err := http.Get(s.URL + "/info")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); csp != "frame-ancestors 'self'" {
		t.Errorf("public /info CSP %q", csp)
	}
	resp, err = http.Get(s.IngressURL + "/info")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Frame-Options") != "" || strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors") {
		t.Errorf("ingress listener forbids framing: %v", resp.Header)
	}
}
