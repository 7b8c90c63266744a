package subsonic_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestRotateStopsOldPasswordAtOnce: the old t gets 40 on the very next request
// (the in-memory cache is invalidated by rotate), the new one works (checklist 52).
func TestRotateStopsOldPasswordAtOnce(t *testing.T) {
	e := newEnv(t)
	old := tokenAuth(userName, e.userApp, "salt01")
	if r := e.rest(t, "ping", old); r.code() != 0 { // warms the cache
		t.Fatalf("before rotate: %+v", r.R.Error)
	}
	status, body := e.srv.Do(t, "POST", "/users/me/subsonic-password", e.userToken, nil)
	if status != 200 {
		t.Fatalf("rotate: %d %s", status, body)
	}
	var out struct{ Password string }
	_ = json.Unmarshal(body, &out)
	if out.Password == "" || out.Password == e.userApp {
		t.Fatalf("rotate returned %q", out.Password)
	}
	if r := e.rest(t, "ping", old); r.code() != 40 {
		t.Fatalf("old password after rotate: code %d, want 40", r.code())
	}
	e.forgetFailures()
	if r := e.rest(t, "ping", tokenAuth(userName, out.Password, "salt02")); r.code() != 0 {
		t.Fatalf("new password: %+v", r.R.Error)
	}
	if again := e.reveal(t, e.userToken); again != out.Password {
		t.Fatalf("reveal after rotate = %q, want the rotated %q", again, out.Password)
	}
}

// TestDisabledAndDeletedUsers: disabling kills every credential type with
// 40/44 at once; enabling restores; deleting removes the app-password row.
func TestDisabledAndDeletedUsers(t *testing.T) {
	e := newEnv(t)
	apiKey := e.longLivedToken(t, e.userToken, "key")
	tok := tokenAuth(userName, e.userApp, "salt01")
	pw := url.Values{"u": {userName}, "p": {e.userApp}}
	for _, p := range []url.Values{tok, pw, {"apiKey": {apiKey}}} {
		if r := e.rest(t, "ping", p); r.code() != 0 {
			t.Fatalf("before disable: %+v", r.R.Error)
		}
	}
	e.srv.MustCall(t, e.adminToken, "auth/user/disable", map[string]any{"user_id": e.userID}, nil)
	if r := e.rest(t, "ping", tok); r.code() != 40 {
		t.Fatalf("token auth of disabled user: code %d", r.code())
	}
	if r := e.rest(t, "ping", pw); r.code() != 40 {
		t.Fatalf("password auth of disabled user: code %d", r.code())
	}
	if r := e.rest(t, "ping", url.Values{"apiKey": {apiKey}}); r.code() != 44 {
		t.Fatalf("apiKey of disabled user: code %d", r.code())
	}
	e.forgetFailures()
	e.srv.MustCall(t, e.adminToken, "auth/user/enable", map[string]any{"user_id": e.userID}, nil)
	if r := e.rest(t, "ping", tok); r.code() != 0 {
		t.Fatalf("after enable: %+v", r.R.Error)
	}
	e.srv.MustCall(t, e.adminToken, "auth/user/delete", map[string]any{"user_id": e.userID}, nil)
	if r := e.rest(t, "ping", tok); r.code() != 40 {
		t.Fatalf("deleted user: code %d", r.code())
	}
	var rows int
	if err := e.srv.App.DB.R.QueryRow("SELECT count(*) FROM subsonic_app_passwords WHERE user_id = ?", e.userID).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("app-password row of deleted user: %d rows (%v)", rows, err)
	}
	// A new account with the same name must not inherit the old secret.
	e.forgetFailures()
	e.srv.MustCall(t, e.adminToken, "auth/user/create", map[string]any{"username": userName, "password": userPass}, nil)
	if r := e.rest(t, "ping", tok); r.code() != 40 {
		t.Fatalf("recreated user accepted the deleted user's app-password: code %d", r.code())
	}
}

// TestRenamedUserCacheFollowsName: after a rename the cached secret answers to
// the new name only.
func TestRenamedUserCacheFollowsName(t *testing.T) {
	e := newEnv(t)
	if r := e.rest(t, "ping", tokenAuth(userName, e.userApp, "salt01")); r.code() != 0 {
		t.Fatal(r.R.Error)
	}
	e.srv.MustCall(t, e.adminToken, "auth/user/update", map[string]any{"user_id": e.userID, "username": "alicia"}, nil)
	if r := e.rest(t, "ping", tokenAuth(userName, e.userApp, "salt02")); r.code() != 40 {
		t.Fatalf("old name after rename: code %d", r.code())
	}
	e.forgetFailures()
	if r := e.rest(t, "ping", tokenAuth("alicia", e.userApp, "salt03")); r.code() != 0 {
		t.Fatalf("new name after rename: %+v", r.R.Error)
	}
}

// TestFailuresAreThrottled: failed Subsonic logins count toward the same
// per-user and per-IP throttle as logins (checklist 25/53): after a burst of bad
// t values even the right one is refused, and after the window it works again.
func TestFailuresAreThrottled(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 200; i++ {
		salt := "s" + strings.Repeat("x", i%10)
		want := 40 // wrong credentials, until the throttle answers "try later" (0)
		if i >= 3 {
			want = 0
		}
		if r := e.rest(t, "ping", tokenAuth(userName, "wrong", salt)); r.code() != want {
			t.Fatalf("attempt %d: code %d, want %d", i, r.code(), want)
		}
	}
	if r := e.rest(t, "ping", tokenAuth(userName, e.userApp, "salt01")); r.code() != 0 || !strings.Contains(r.R.Error.Message, "try again later") {
		t.Fatalf("right password during lockout: code %d, want 0 (try later)", r.code())
	}
	// The same throttle guards the login form.
	status, _ := e.srv.Do(t, "POST", "/auth/login", "", map[string]any{"credentials": map[string]string{"username": userName, "password": userPass}})
	if status != 429 {
		t.Fatalf("login after Subsonic failures: HTTP %d, want 429", status)
	}
	e.forgetFailures()
	if r := e.rest(t, "ping", tokenAuth(userName, e.userApp, "salt02")); r.code() != 0 {
		t.Fatalf("after the window: %+v", r.R.Error)
	}
}
