package web_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/api"
	"segue/internal/app"
	"segue/internal/apptest"
)

// waitClosed fails unless the server closes the socket within a second of start.
func waitClosed(t *testing.T, ws *apptest.WS, start time.Time) {
	t.Helper()
	_ = ws.C.SetReadDeadline(start.Add(time.Second))
	for {
		_, _, err := ws.C.ReadMessage()
		if err == nil {
			continue // events or late replies
		}
		if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
			t.Fatalf("socket still open %v after the change", time.Since(start))
		}
		return
	}
}

// Acceptance 2 of issue 2: the MA WebSocket conversation, in raw JSON.
func TestWebSocketConversation(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	s.Setup(t, "admin", "correct-horse")
	ws := apptest.DialWS(t, s.URL, nil)
	if ws.Info["server_id"] == nil || ws.Info["server_version"] == nil || ws.Info["schema_version"] == nil {
		t.Fatalf("first frame is not ServerInfo: %v", ws.Info)
	}
	if _, ok := ws.Info["message_id"]; ok {
		t.Fatalf("ServerInfo must have no envelope: %v", ws.Info)
	}
	if r := ws.Command("auth/me", nil); r.ErrorCode != 20 {
		t.Fatalf("command before auth: %+v, want error 20", r)
	}
	if r := ws.Command("info", nil); r.ErrorCode != 0 {
		t.Fatalf("info is public: %+v", r)
	}
	r := ws.Command("auth/login", map[string]any{"username": "admin", "password": "wrong-password"})
	var bad struct {
		Success bool   `json:"success"`
		Error   string `json:"error"`
	}
	_ = json.Unmarshal(r.Result, &bad)
	if r.ErrorCode != 0 || bad.Success || bad.Error != "Invalid username or password" {
		t.Fatalf("bad login: %+v", r)
	}
	r = ws.Command("auth/login", map[string]any{"username": "admin", "password": "correct-horse", "device_name": "test"})
	var login struct {
		Success     bool   `json:"success"`
		AccessToken string `json:"access_token"`
		User        struct {
			Username string `json:"username"`
		} `json:"user"`
	}
	if err := json.Unmarshal(r.Result, &login); err != nil || !login.Success || login.AccessToken == "" {
		t.Fatalf("login: %+v %v", r, err)
	}
	if r := ws.Command("auth", map[string]any{"token": "not-a-token"}); r.ErrorCode != 23 {
		t.Fatalf("bad token: %+v, want 23", r)
	}
	if r := ws.Command("auth", map[string]any{}); r.ErrorCode != 20 {
		t.Fatalf("no token: %+v, want 20", r)
	}
	r = ws.Command("auth", map[string]any{"token": login.AccessToken})
	var authed struct {
		Authenticated bool `json:"authenticated"`
	}
	if _ = json.Unmarshal(r.Result, &authed); !authed.Authenticated {
		t.Fatalf("auth: %+v", r)
	}
	r = ws.Command("auth/me", nil)
	var me struct {
		Username string `json:"username"`
		Role     string `json:"role"`
	}
	if _ = json.Unmarshal(r.Result, &me); me.Username != "admin" || me.Role != "admin" {
		t.Fatalf("auth/me: %+v", r)
	}
	if r := ws.Command("no/such/command", nil); r.ErrorCode != 12 {
		t.Fatalf("unknown command: %+v, want 12", r)
	}
	if r := ws.Command("auth/user/create", map[string]any{"username": 5}); r.ErrorCode != 3 {
		t.Fatalf("bad args: %+v, want 3", r)
	}
	// Malformed JSON gets an error frame and the connection stays usable.
	if err := ws.C.WriteMessage(websocket.TextMessage, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	// Skip events (the demo library's start-up scan sends some) until the error frame.
	var malformed apptest.Reply
	for malformed.ErrorCode == 0 {
		malformed = apptest.Reply{}
		if err := ws.ReadJSON(&malformed); err != nil {
			t.Fatalf("malformed JSON: %v", err)
		}
		if malformed.Event == "" {
			break
		}
	}
	if malformed.ErrorCode != 3 {
		t.Fatalf("malformed JSON: %+v", malformed)
	}
	if r := ws.Command("time", nil); r.ErrorCode != 0 {
		t.Fatalf("connection unusable after malformed JSON: %+v", r)
	}
}

func TestPermissionsOnWebSocket(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	admin := s.Setup(t, "admin", "correct-horse")
	s.MustCall(t, admin, "auth/user/create", map[string]any{"username": "guest1", "password": "guest-password", "role": "guest"}, nil)
	tok := s.Login(t, "guest1", "guest-password")
	ws := apptest.DialWS(t, s.URL, nil)
	ws.Command("auth", map[string]any{"token": tok})
	if r := ws.Command("auth/users", nil); r.ErrorCode != 22 {
		t.Fatalf("guest listing users: %+v, want 22", r)
	}
	if r := ws.Command("auth/token/create", map[string]any{"name": "x"}); r.ErrorCode != 22 {
		t.Fatalf("guest creating a long-lived token: %+v, want 22", r)
	}
}

// Acceptance 4 of issue 2: revoking a token closes its socket within a second.
func TestRevokeClosesWebSocket(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	admin := s.Setup(t, "admin", "correct-horse")
	victim := s.Login(t, "admin", "correct-horse")
	ws := apptest.DialWS(t, s.URL, nil)
	if r := ws.Command("auth", map[string]any{"token": victim}); r.ErrorCode != 0 {
		t.Fatal(r)
	}
	var tokens []struct {
		ID   string `json:"token_id"`
		Name string `json:"name"`
	}
	s.MustCall(t, admin, "auth/tokens", nil, &tokens)
	var victimID string
	for _, tk := range tokens {
		if tk.Name != "" && tk.Name[:5] != "Setup" {
			victimID = tk.ID
		}
	}
	if victimID == "" {
		t.Fatalf("login token not listed: %+v", tokens)
	}
	start := time.Now()
	s.MustCall(t, admin, "auth/token/revoke", map[string]any{"token_id": victimID}, nil)
	waitClosed(t, ws, start)
	if status, _ := s.Call(t, victim, "auth/me", nil); status != 401 {
		t.Fatalf("revoked token still works: %d", status)
	}
}

func TestDisableUserClosesWebSocket(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	admin := s.Setup(t, "admin", "correct-horse")
	var u struct {
		ID string `json:"user_id"`
	}
	s.MustCall(t, admin, "auth/user/create", map[string]any{"username": "bob", "password": "bob-password"}, &u)
	tok := s.Login(t, "bob", "bob-password")
	ws := apptest.DialWS(t, s.URL, nil)
	ws.Command("auth", map[string]any{"token": tok})
	s.MustCall(t, admin, "auth/user/disable", map[string]any{"user_id": u.ID}, nil)
	waitClosed(t, ws, time.Now())
}

func TestUnauthenticatedSocketClosedAfterDeadline(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{App: app.Options{APIOptions: api.Options{AuthTimeout: 300 * time.Millisecond}}})
	s.Setup(t, "admin", "correct-horse")
	ws := apptest.DialWS(t, s.URL, nil)
	_ = ws.C.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := ws.C.ReadMessage()
	if !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Fatalf("want close 1008, got %v", err)
	}
}

// Change events reach the user concerned and admins, not other users, and never
// unauthenticated sockets.
func TestChangeEventsAudience(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	admin := s.Setup(t, "admin", "correct-horse")
	s.MustCall(t, admin, "auth/user/create", map[string]any{"username": "ann", "password": "ann-password"}, nil)
	s.MustCall(t, admin, "auth/user/create", map[string]any{"username": "ben", "password": "ben-password"}, nil)
	ann := s.Login(t, "ann", "ann-password")
	ben := s.Login(t, "ben", "ben-password")
	annWS := apptest.DialWS(t, s.URL, nil)
	annWS.Command("auth", map[string]any{"token": ann})
	benWS := apptest.DialWS(t, s.URL, nil)
	benWS.Command("auth", map[string]any{"token": ben})
	anonWS := apptest.DialWS(t, s.URL, nil)
	s.MustCall(t, ann, "auth/token/create", map[string]any{"name": "phone"}, nil)
	if ev, err := annWS.ReadNonLibrary(time.Now().Add(10 * time.Second)); err != nil || ev.Event != "tokens_updated" {
		t.Fatalf("ann did not get tokens_updated: %s %v", ev.Event, err)
	}
	for name, ws := range map[string]*apptest.WS{"ben": benWS, "anonymous": anonWS} {
		if got, err := ws.ReadNonLibrary(time.Now().Add(300 * time.Millisecond)); err == nil {
			t.Errorf("%s received %s %s", name, got.Event, got.MessageID)
		}
	}
}
