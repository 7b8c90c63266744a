package web_test

import (
	"strings"
	"testing"
	"time"

	"segue/internal/api"
	"segue/internal/app"
	"segue/internal/apptest"
)

// Issue 13: before the first user exists a socket gets ServerInfo, MA's
// "Setup required" error (pointing at /setup) and is closed; after setup it stays.
func TestWebSocketBeforeSetup(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	ws := apptest.DialWS(t, s.URL, nil)
	if ws.Info["server_version"] != api.MAServerVersion || ws.Info["segue_version"] == "" || ws.Info["base_url"] == nil {
		t.Fatalf("ServerInfo %v", ws.Info)
	}
	var refusal struct {
		MessageID      string `json:"message_id"`
		ErrorCode      int    `json:"error_code"`
		Details        string `json:"details"`
		TranslationKey string `json:"translation_key"`
	}
	if err := ws.ReadJSON(&refusal); err != nil {
		t.Fatal(err)
	}
	if refusal.MessageID != "connection" || refusal.ErrorCode != 503 || refusal.TranslationKey != "setup_required" ||
		!strings.HasPrefix(refusal.Details, "Setup required") || !strings.Contains(refusal.Details, s.URL+"/setup") {
		t.Fatalf("refusal %+v", refusal)
	}
	waitClosed(t, ws, time.Now())

	s.Setup(t, "admin", "correct-horse")
	ws = apptest.DialWS(t, s.URL, nil)
	// translations/set_locale answers before authentication, as in MA.
	if r := ws.Command("translations/set_locale", map[string]any{"locale": "nl_NL", "extra": 1}); r.ErrorCode != 0 || string(r.Result) != `{"locale":"nl_NL"}` {
		t.Fatalf("set_locale: %+v", r)
	}
	if r := ws.Command("translations/set_locale", map[string]any{}); r.ErrorCode != 12 {
		t.Fatalf("set_locale without locale: %+v, want 12", r)
	}
	if r := ws.Command("no/such/command", nil); r.ErrorCode != 12 {
		t.Fatalf("unknown command: %+v, want 12", r)
	}
}
