package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/auth"
)

// nested is {"theme": [[[…"x"…]]]} with depth levels in all (the object counts).
func nested(depth int) json.RawMessage {
	inner := depth - 1
	return json.RawMessage(`{"theme":` + strings.Repeat("[", inner) + `"x"` + strings.Repeat("]", inner) + `}`)
}

// Issue 11 (low), the attack as run: 9000-deep JSON in preferences was stored
// and served back to every client that reads the user. Now it is refused with
// a clear 400 / invalid-argument error, over /api and over the WebSocket, and
// nothing is stored; preferences as deep as the limit still are.
func TestDeeplyNestedPreferencesRefused(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	token := s.Setup(t, "admin", "admin-password-1")
	var me auth.User
	s.MustCall(t, token, "auth/me", nil, &me)

	status, body := s.Call(t, token, "auth/user/update", map[string]any{"user_id": me.ID, "preferences": nested(9000)})
	if status != 400 || !strings.Contains(string(body), "nested too deeply") {
		t.Fatalf("9000-deep preferences over /api: %d %.200s", status, body)
	}
	ws := apptest.DialWS(t, s.URL, nil)
	if r := ws.Command("auth", map[string]any{"token": token}); r.ErrorCode != 0 {
		t.Fatalf("auth: %+v", r)
	}
	if r := ws.Command("auth/user/update", map[string]any{"user_id": me.ID, "preferences": nested(9000)}); r.ErrorCode == 0 || !strings.Contains(r.Details, "nested too deeply") {
		t.Fatalf("9000-deep preferences over the WebSocket: %+v", r)
	}
	if r := ws.Command("auth/user/update", map[string]any{"user_id": me.ID, "preferences": nested(auth.MaxStoredJSONDepth + 1)}); r.ErrorCode == 0 {
		t.Fatalf("one level over the limit was stored")
	}
	s.MustCall(t, token, "auth/me", nil, &me)
	if len(me.Preferences) != 0 {
		t.Fatalf("refused preferences were stored: %.200v", me.Preferences)
	}

	s.MustCall(t, token, "auth/user/update", map[string]any{"user_id": me.ID, "preferences": nested(auth.MaxStoredJSONDepth)}, nil)
	s.MustCall(t, token, "auth/me", nil, &me)
	if _, ok := me.Preferences["theme"]; !ok {
		t.Fatalf("preferences at the depth limit were not stored: %v", me.Preferences)
	}
}
