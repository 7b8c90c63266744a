package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/clock/clocktest"
	"segue/internal/testutil"
)

// goldenWS is a raw MA WebSocket whose frames are kept byte for byte.
type goldenWS struct {
	t  *testing.T
	c  *websocket.Conn
	fx *fixups
}

// fixups replaces values that change per run (ids, tokens, ports) with names.
type fixups struct{ pairs []string }

func (f *fixups) add(actual, name string) { f.pairs = append(f.pairs, actual, name) }

func (f *fixups) apply(b []byte) []byte {
	return []byte(strings.NewReplacer(f.pairs...).Replace(string(b)))
}

func dialGolden(t *testing.T, base string, fx *fixups) (*goldenWS, []byte) {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	g := &goldenWS{t: t, c: c, fx: fx}
	return g, g.read()
}

func (g *goldenWS) read() []byte {
	g.t.Helper()
	for {
		_ = g.c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := g.c.ReadMessage()
		if err != nil {
			g.t.Fatalf("read: %v", err)
		}
		// The library's scan of the server's demo folder reports progress on its own
		// schedule; it is not part of these envelopes.
		if strings.HasPrefix(string(b), `{"event":"tasks_updated"`) || strings.HasPrefix(string(b), `{"event":"media_item_`) ||
			strings.HasPrefix(string(b), `{"event":"library_scan_progress"`) {
			continue
		}
		return b
	}
}

// send writes one raw frame and returns the next frame.
func (g *goldenWS) send(raw string) []byte {
	g.t.Helper()
	if err := g.c.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
		g.t.Fatal(err)
	}
	return g.read()
}

// TestGoldenEnvelopes pins the MA envelopes: ServerInfo (first frame and GET
// /info), results, errors, events, and the POST /api answers.
// Regenerate with: go test ./internal/api -run GoldenEnvelopes -update
func TestGoldenEnvelopes(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC))
	srv := apptest.Start(t, app.New, apptest.Options{App: app.Options{Clock: clk}})
	fx := &fixups{}
	fx.add(srv.App.ServerID, "SERVER_ID")
	fx.add(strings.TrimPrefix(srv.URL, "http://"), "HOST:PORT")
	golden := func(name string, b []byte) {
		t.Helper()
		testutil.Golden(t, "ma/"+name, append(fx.apply(b), '\n'))
	}

	// Before the first user: ServerInfo, MA's "Setup required", and the socket closes.
	ws0, first := dialGolden(t, srv.URL, fx)
	golden("serverinfo_before_setup.json", first)
	golden("err_setup_required.json", ws0.read())

	token := srv.Setup(t, "admin", "admin-password-123")
	fx.add(token, "ADMIN_TOKEN")
	ws, _ := dialGolden(t, srv.URL, fx)
	golden("result_set_locale.json", ws.send(`{"message_id":"0","command":"translations/set_locale","args":{"locale":"en_GB"}}`))
	golden("err_auth_required.json", ws.send(`{"message_id":"1","command":"auth/me"}`))
	golden("err_unknown_command.json", ws.send(`{"message_id":2,"command":"no/such/command"}`))
	golden("err_invalid_json.json", ws.send(`{"message_id":"3",`))
	golden("err_missing_command.json", ws.send(`{"message_id":"4"}`))
	golden("err_invalid_token.json", ws.send(`{"message_id":"5","command":"auth","args":{"token":"not-a-token"}}`))
	golden("result_time.json", ws.send(`{"message_id":"6","command":"time"}`))
	golden("result_info.json", ws.send(`{"message_id":"7","command":"info"}`))
	golden("result_providers.json", ws.send(`{"message_id":"8","command":"auth/providers"}`))

	var me struct {
		UserID string `json:"user_id"`
	}
	_, meBody := srv.Do(t, "GET", "/auth/me", token, nil)
	if err := json.Unmarshal(meBody, &me); err != nil || me.UserID == "" {
		t.Fatalf("/auth/me: %s", meBody)
	}
	fx.add(me.UserID, "ADMIN_ID")
	ws2, first2 := dialGolden(t, srv.URL, fx)
	golden("serverinfo_after_setup.json", first2)
	golden("result_auth.json", ws2.send(`{"message_id":"a1","command":"auth","args":{"token":"`+token+`"}}`))
	golden("result_scopes.json", ws2.send(`{"message_id":"a2","command":"auth/scopes"}`))
	golden("err_invalid_args.json", ws2.send(`{"message_id":"a3","command":"auth/user","args":{"user_id":5}}`))
	golden("err_not_found.json", ws2.send(`{"message_id":"a4","command":"auth/user/enable","args":{"user_id":"nope"}}`))

	// Creating a user pushes users_updated to admins before the reply.
	if err := ws2.c.WriteMessage(websocket.TextMessage, []byte(`{"message_id":"a5","command":"auth/user/create","args":{"username":"bob","password":"bob-password-123","role":"user"}}`)); err != nil {
		t.Fatal(err)
	}
	frames := [][]byte{ws2.read(), ws2.read()}
	var created struct {
		Result struct {
			UserID string `json:"user_id"`
		} `json:"result"`
	}
	for _, f := range frames {
		if strings.Contains(string(f), `"message_id":"a5"`) {
			_ = json.Unmarshal(f, &created)
		}
	}
	if created.Result.UserID == "" {
		t.Fatalf("no create result among %s", frames)
	}
	fx.add(created.Result.UserID, "BOB_ID")
	for _, f := range frames {
		if strings.Contains(string(f), `"event"`) {
			golden("event_users_updated.json", f)
		} else {
			golden("result_user_create.json", f)
		}
	}

	// GET /info and POST /api (bare result; plain-text errors).
	httpGolden := func(name, method, path, tok string, body any) {
		t.Helper()
		status, b := srv.Do(t, method, path, tok, body)
		golden(name, []byte(fmt.Sprintf("HTTP %d\n\n%s", status, b)))
	}
	httpGolden("http_info.txt", "GET", "/info", "", nil)
	httpGolden("http_api_result.txt", "POST", "/api", token, map[string]any{"command": "auth/scopes"})
	httpGolden("http_api_unknown_command.txt", "POST", "/api", token, map[string]any{"command": "no/such"})
	httpGolden("http_api_unknown_command_utf8.txt", "POST", "/api", token, map[string]any{"command": "a" + strings.Repeat("ö", 40)})
	golden("err_unknown_command_utf8.json", ws2.send(`{"message_id":"a6","command":"a`+strings.Repeat("ö", 40)+`"}`))
	httpGolden("http_api_no_token.txt", "POST", "/api", "", map[string]any{"command": "auth/me"})
	httpGolden("http_api_bad_args.txt", "POST", "/api", token, map[string]any{"command": "auth/user", "args": map[string]any{"user_id": 5}})
}
