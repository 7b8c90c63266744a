package hasstest_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"segue/internal/hass/hasstest"
)

// seen is what the stand-in add-on reports about a request it received.
type seen struct {
	Path, Query, RemoteIP string
	Header                http.Header
}

func startAddon(t *testing.T) *httptest.Server {
	t.Helper()
	upgrader := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" {
			ws, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer ws.Close()
			ws.WriteJSON(map[string]string{"user": r.Header.Get("X-Remote-User-Id")})
			for {
				kind, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				ws.WriteMessage(kind, data)
			}
		}
		ip, _, _ := net.SplitHostPort(r.RemoteAddr)
		json.NewEncoder(w).Encode(seen{Path: r.URL.Path, Query: r.URL.RawQuery, RemoteIP: ip, Header: r.Header})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func ingressGet(t *testing.T, sup *hasstest.Supervisor, cookie *http.Cookie, path string, header http.Header) (int, seen) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, sup.IngressURL()+path, nil)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s seen
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, s
}

func TestIngressHeaders(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	addon := startAddon(t)
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressUpstream: addon.URL, IngressSourceIP: "127.0.0.1"})
	full := core.AddUser(hasstest.User{Username: "kim", Name: "Kim K", IsActive: true})
	idOnly := core.AddUser(hasstest.User{IsActive: true}) // OIDC user: no username, no name

	spoof := http.Header{
		"X-Remote-User-Id": {"attacker"}, "X-Remote-User-Name": {"root"}, "X-Remote-User-Display-Name": {"Root"},
		"X-Supervisor-Token": {"x"}, "Accept-Encoding": {"gzip"}, "X-Forwarded-For": {"10.9.9.9"},
	}
	status, s := ingressGet(t, sup, sup.NewIngressSession(full.ID), "api/info?x=1", spoof)
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	h := s.Header
	checks := map[string]string{
		"X-Remote-User-Id": full.ID, "X-Remote-User-Name": "kim", "X-Remote-User-Display-Name": "Kim K",
		"X-Hass-Source": "core.ingress", "X-Ingress-Path": sup.IngressPath(),
		"X-Forwarded-For": "10.9.9.9, 127.0.0.1, 172.30.32.1", "X-Forwarded-Proto": "http",
		"X-Supervisor-Token": "", "Accept-Encoding": "",
	}
	for k, want := range checks {
		if got := strings.Join(h.Values(k), "|"); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if s.Path != "/api/info" || s.Query != "x=1" || s.RemoteIP != "127.0.0.1" {
		t.Errorf("upstream saw %s?%s from %s", s.Path, s.Query, s.RemoteIP)
	}

	_, s = ingressGet(t, sup, sup.NewIngressSession(idOnly.ID), "", spoof)
	if s.Header.Get("X-Remote-User-Id") != idOnly.ID || len(s.Header.Values("X-Remote-User-Name")) != 0 || len(s.Header.Values("X-Remote-User-Display-Name")) != 0 {
		t.Errorf("id-only user headers %v", s.Header)
	}

	_, s = ingressGet(t, sup, sup.NewIngressSession(""), "", spoof)
	for _, k := range []string{"X-Remote-User-Id", "X-Remote-User-Name", "X-Remote-User-Display-Name"} {
		if len(s.Header.Values(k)) != 0 {
			t.Errorf("session without a user passed %s = %v", k, s.Header.Values(k))
		}
	}
	if s.Header.Get("X-Forwarded-For") != "10.9.9.9, 127.0.0.1, 172.30.32.1" {
		t.Errorf("X-Forwarded-For %q", s.Header.Get("X-Forwarded-For"))
	}
}

func TestIngressRefusals(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	addon := startAddon(t)
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressUpstream: addon.URL})
	if status, _ := ingressGet(t, sup, nil, "", nil); status != http.StatusUnauthorized {
		t.Fatalf("no session: %d, want 401", status)
	}
	forged := &http.Cookie{Name: hasstest.IngressCookie, Value: "0000"}
	if status, _ := ingressGet(t, sup, forged, "", nil); status != http.StatusUnauthorized {
		t.Fatalf("unknown session: %d, want 401", status)
	}
	req, _ := http.NewRequest(http.MethodGet, sup.URL()+"/api/hassio_ingress/wrongtoken/", nil)
	req.AddCookie(sup.NewIngressSession(""))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("unknown ingress token: %d, want 503", resp.StatusCode)
	}
}

func TestIngressForwardsWebsockets(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	addon := startAddon(t)
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressUpstream: addon.URL})
	u := core.AddUser(hasstest.User{Username: "lee", IsActive: true})
	cookie := sup.NewIngressSession(u.ID)
	wsURL := "ws" + strings.TrimPrefix(sup.IngressURL(), "http") + "ws"
	header := http.Header{"Cookie": {cookie.String()}, "X-Remote-User-Id": {"spoofed"}}
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, header)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var hello map[string]string
	if err := ws.ReadJSON(&hello); err != nil || hello["user"] != u.ID {
		t.Fatalf("first message %v, %v; want the session user", hello, err)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte("echo")); err != nil {
		t.Fatal(err)
	}
	if _, data, err := ws.ReadMessage(); err != nil || string(data) != "echo" {
		t.Fatalf("echo %q, %v", data, err)
	}
}
