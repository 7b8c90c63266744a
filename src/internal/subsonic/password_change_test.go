package subsonic_test

import (
	"net/url"
	"strings"
	"testing"

	"segue/internal/app"
	"segue/internal/apptest"
)

// Changing the login password replaces the Subsonic app-password (checklist 26).
func TestPasswordChangeReplacesAppPassword(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	admin := s.Setup(t, "admin", "old-password-1")
	var revealed struct {
		Password string `json:"password"`
	}
	s.MustCall(t, admin, "subsonic/password/reveal", nil, &revealed)
	ping := func(pw string) string {
		q := url.Values{"u": {"admin"}, "p": {pw}, "v": {"1.16.1"}, "c": {"test"}, "f": {"json"}}
		_, body := s.Do(t, "GET", "/rest/ping.view?"+q.Encode(), "", nil)
		return string(body)
	}
	if body := ping(revealed.Password); !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("app-password before the change: %s", body)
	}
	s.MustCall(t, admin, "auth/user/update", map[string]any{"password": "new-password-2", "current_password": "old-password-1"}, nil)
	if body := ping(revealed.Password); !strings.Contains(body, `"code":40`) {
		t.Fatalf("old app-password still works after a password change: %s", body)
	}
	var again struct {
		Password string `json:"password"`
	}
	s.MustCall(t, admin, "subsonic/password/reveal", nil, &again)
	if again.Password == revealed.Password || again.Password == "" {
		t.Fatal("no new app-password after the change")
	}
}
