package hasstest_test

import (
	"testing"

	"github.com/gorilla/websocket"

	"segue/internal/hass/hasstest"
)

func dialRaw(t *testing.T, core *hasstest.Core) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(core.WebsocketURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	var hello map[string]any
	if err := ws.ReadJSON(&hello); err != nil || hello["type"] != "auth_required" || hello["ha_version"] != core.Version() {
		t.Fatalf("hello %v, %v", hello, err)
	}
	return ws
}

func roundTrip(t *testing.T, ws *websocket.Conn, msg any) map[string]any {
	t.Helper()
	if err := ws.WriteJSON(msg); err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := ws.ReadJSON(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCoreWebsocketProtocol(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	u := core.AddUser(hasstest.User{Username: "max", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	ws := dialRaw(t, core)
	if m := roundTrip(t, ws, map[string]any{"type": "auth", "access_token": core.CreateLongLivedToken(u.ID)}); m["type"] != "auth_ok" {
		t.Fatalf("auth: %v", m)
	}
	if m := roundTrip(t, ws, map[string]any{"id": 5, "type": "ping"}); m["type"] != "pong" || m["id"] != float64(5) {
		t.Fatalf("ping: %v", m)
	}
	m := roundTrip(t, ws, map[string]any{"id": 5, "type": "ping"})
	if e, _ := m["error"].(map[string]any); m["success"] != false || e["code"] != "id_reuse" || e["message"] != "Identifier values have to increase." {
		t.Fatalf("reused id: %v", m)
	}
	m = roundTrip(t, ws, map[string]any{"type": "ping"})
	if e, _ := m["error"].(map[string]any); e["code"] != "invalid_format" {
		t.Fatalf("no id: %v", m)
	}
	m = roundTrip(t, ws, map[string]any{"id": 9, "type": "network/url"})
	if r, _ := m["result"].(map[string]any); m["success"] != true || r["internal"] == nil || r["external"] != nil {
		t.Fatalf("network/url: %v", m)
	}
}

func TestCoreWebsocketAuthFailures(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	u := core.AddUser(hasstest.User{Username: "ned", IsActive: true})
	cases := []struct {
		msg  map[string]any
		want string
	}{
		{map[string]any{"type": "auth", "access_token": "nope"}, "Invalid access token or password"},
		{map[string]any{"type": "login", "access_token": "nope"}, "Auth message incorrectly formatted: value must be one of ['auth'] for dictionary value @ data['type']"},
		{map[string]any{"type": "auth", "access_token": 5}, "Auth message incorrectly formatted: expected str for dictionary value @ data['access_token']"},
	}
	for _, c := range cases {
		ws := dialRaw(t, core)
		m := roundTrip(t, ws, c.msg)
		if m["type"] != "auth_invalid" || m["message"] != c.want {
			t.Errorf("%v: %v, want auth_invalid %q", c.msg, m, c.want)
		}
	}
	// An inactive user's token stops working on the websocket.
	token := core.CreateLongLivedToken(u.ID)
	core.SetUserActive(u.ID, false)
	if m := roundTrip(t, dialRaw(t, core), map[string]any{"type": "auth", "access_token": token}); m["type"] != "auth_invalid" {
		t.Fatalf("inactive user: %v", m)
	}
}
