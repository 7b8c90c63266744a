package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/hass/hasstest"
)

func rawPost(t *testing.T, url, contentType, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// Issue 11 item 6, the attack as run: a page on another site auto-submits a
// text/plain form whose body is JSON to a fresh server's /setup. Neither that
// nor any other cross-site shape creates the admin; Segue's own setup page
// (same origin, JSON) and a native client (no browser headers) still do.
func TestSetupRefusesCrossSiteRequests(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	body := `{"username":"mallory","password":"password-123"}`
	evil := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	attacks := []struct {
		name, contentType string
		header            map[string]string
		status            int
	}{
		{"text/plain form carrying JSON", "text/plain", evil, 403},
		{"urlencoded form", "application/x-www-form-urlencoded", evil, 403},
		{"cross-site JSON", "application/json", evil, 403},
		{"page on another port of this host", "text/plain", map[string]string{"Origin": "http://localhost:9999", "Sec-Fetch-Site": "same-site"}, 403},
		{"older browser: Origin only", "text/plain", map[string]string{"Origin": "https://evil.example"}, 403},
		{"text/plain without browser headers", "text/plain", nil, 400},
	}
	for _, a := range attacks {
		if status, got := rawPost(t, s.URL+"/setup", a.contentType, body, a.header); status != a.status || !strings.Contains(got, `"success":false`) {
			t.Errorf("%s: %d %s; want %d", a.name, status, got, a.status)
		}
	}
	if status, _ := s.Do(t, "GET", "/setup", "", nil); status != 200 {
		t.Fatalf("setup is no longer open after the attacks: %d", status)
	}

	own := map[string]string{"Origin": s.URL, "Sec-Fetch-Site": "same-origin"}
	status, got := rawPost(t, s.URL+"/setup", "application/json", `{"username":"admin","password":"password-123"}`, own)
	var ok struct {
		Success bool `json:"success"`
		User    struct {
			Username string `json:"username"`
		} `json:"user"`
	}
	if status != 200 || json.Unmarshal([]byte(got), &ok) != nil || !ok.Success || ok.User.Username != "admin" {
		t.Fatalf("the setup page's own request: %d %s", status, got)
	}
}

// A native client sends no browser headers and still sets up (cmd/segue's
// SIGTERM test and the MA apps do); /auth/login stays open to native clients
// and to MA web frontends on other origins, which it answers with CORS: it
// carries no ambient authority (the token comes back to the caller only).
func TestNativeClientsAndLoginUnaffected(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	if status, got := rawPost(t, s.URL+"/setup", "application/json", `{"username":"admin","password":"password-123"}`, nil); status != 200 {
		t.Fatalf("native setup: %d %s", status, got)
	}
	frontend := map[string]string{"Origin": "http://ma-frontend.lan:8080", "Sec-Fetch-Site": "cross-site"}
	for _, h := range []map[string]string{nil, frontend} {
		status, got := rawPost(t, s.URL+"/auth/login", "application/json", `{"credentials":{"username":"admin","password":"password-123"}}`, h)
		if status != 200 || !strings.Contains(got, `"token"`) {
			t.Errorf("login with %v: %d %s", h, status, got)
		}
	}
}

// Issue 11 item 6 on the ingress listener: HA's session cookie signs every
// sidebar request in, so a page on another site that posts a text/plain form
// carrying a command to the panel's /api would act as the HA user. It is
// refused; the panel's own same-origin request works.
func TestIngressRefusesCrossSiteCommands(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	ha := core.AddUser(hasstest.User{Username: "marie", Name: "Marie Curie", IsActive: true})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core})
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true})
	s.Setup(t, "owner", "owner-password-1")
	sup.SetIngressUpstream(s.IngressURL)
	cookie := sup.NewIngressSession(ha.ID)
	post := func(contentType string, header map[string]string) (int, string) {
		req, _ := http.NewRequest("POST", sup.IngressURL()+"api", strings.NewReader(`{"command":"auth/me"}`))
		req.Header.Set("Content-Type", contentType)
		req.AddCookie(cookie)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "same-site"},
	} {
		if status, body := post("text/plain", h); status != http.StatusForbidden || strings.Contains(body, "marie") {
			t.Errorf("cross-site command %v: %d %.200s", h, status, body)
		}
	}
	own := map[string]string{"Origin": strings.TrimSuffix(sup.URL(), "/"), "Sec-Fetch-Site": "same-origin"}
	if status, body := post("application/json", own); status != 200 || !strings.Contains(body, `"username":"marie"`) {
		t.Fatalf("the panel's own command: %d %.200s", status, body)
	}
}

// The same for the panel's WebSocket (cross-site WebSocket hijacking): HA's
// cookie signs an ingress socket in at the handshake, so a page on another
// site must not open one; the panel's own origin still does.
func TestIngressRefusesCrossSiteSockets(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	ha := core.AddUser(hasstest.User{Username: "marie", Name: "Marie Curie", IsActive: true})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core})
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true})
	s.Setup(t, "owner", "owner-password-1")
	sup.SetIngressUpstream(s.IngressURL)
	cookie := sup.NewIngressSession(ha.ID)
	wsURL := "ws" + strings.TrimPrefix(sup.IngressURL(), "http") + "ws"
	dial := func(origin, site string) (*websocket.Conn, int, error) {
		h := http.Header{"Cookie": {cookie.String()}, "Origin": {origin}}
		if site != "" {
			h.Set("Sec-Fetch-Site", site)
		}
		c, resp, err := websocket.DefaultDialer.Dial(wsURL, h)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return c, status, err
	}
	for _, o := range [][2]string{{"https://evil.example", ""}, {"https://evil.example", "cross-site"}, {"null", ""}} {
		if c, status, err := dial(o[0], o[1]); err == nil || status != http.StatusForbidden {
			if c != nil {
				c.Close()
			}
			t.Errorf("cross-site socket from %v: %d %v", o, status, err)
		}
	}
	c, status, err := dial(strings.TrimSuffix(sup.URL(), "/"), "same-origin")
	if err != nil {
		t.Fatalf("the panel's own socket: %d %v", status, err)
	}
	defer c.Close()
	var info map[string]any
	if err := c.ReadJSON(&info); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteJSON(map[string]any{"message_id": "1", "command": "auth/me"}); err != nil {
		t.Fatal(err)
	}
	var r apptest.Reply
	for r.MessageID != "1" { // the demo library's scan events may come first
		r = apptest.Reply{}
		if err := c.ReadJSON(&r); err != nil {
			t.Fatal(err)
		}
	}
	if r.ErrorCode != 0 || !strings.Contains(string(r.Result), `"username":"marie"`) {
		t.Fatalf("auth/me on the panel's socket: %+v", r)
	}
}
