package subsonic_test

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
)

// TestEnvelopeFormats: XML by default, f=json, f=jsonp with a safe callback,
// .view and bare paths, GET and form POST.
func TestEnvelopeFormats(t *testing.T) {
	e := newEnv(t)
	auth := func() url.Values { return tokenAuth(userName, e.userApp, "salt01") }

	p := auth()
	p.Set("f", "xml")
	status, body, hdr := e.raw(t, "GET", "/rest/ping.view", p, "")
	var x xmlResp
	if status != 200 || xml.Unmarshal(body, &x) != nil || x.Status != "ok" || x.Type != "segue" || !x.OpenSubsonic || x.Version != "1.16.1" {
		t.Fatalf("xml: %d %s", status, body)
	}
	if !strings.HasPrefix(hdr.Get("Content-Type"), "text/xml") || !strings.Contains(string(body), `xmlns="http://subsonic.org/restapi"`) {
		t.Fatalf("xml headers/body: %v %s", hdr, body)
	}

	p = auth()
	p.Set("f", "jsonp")
	p.Set("callback", "cb.done_1")
	_, body, hdr = e.raw(t, "GET", "/rest/getLicense", p, "")
	if !strings.HasPrefix(string(body), "cb.done_1({") || !strings.HasSuffix(string(body), "});") || !strings.HasPrefix(hdr.Get("Content-Type"), "application/javascript") {
		t.Fatalf("jsonp: %s %v", body, hdr)
	}
	for _, cb := range []string{"alert(1)//", "a b", "1abc", "x;y", "", "a..b", strings.Repeat("a", 65)} {
		p = auth()
		p.Set("f", "jsonp")
		p.Set("callback", cb)
		_, body, hdr = e.raw(t, "GET", "/rest/ping", p, "")
		var r subResp
		if json.Unmarshal(body, &r) != nil || r.code() != 10 || hdr.Get("Content-Type") != "application/json" {
			t.Fatalf("unsafe callback %q: %s", cb, body)
		}
	}

	p = auth()
	p.Set("f", "json")
	status, body, _ = e.raw(t, "POST", "/rest/getLicense.view", p, "")
	var r subResp
	if status != 200 || json.Unmarshal(body, &r) != nil || r.code() != 0 || r.R.License == nil || !r.R.License.Valid {
		t.Fatalf("form POST getLicense: %d %s", status, body)
	}
	// Form POST with the format in the query and credentials in the body.
	status, body, _ = e.raw(t, "POST", "/rest/ping", auth(), "?f=json&v=1.16.1&c=test")
	if status != 200 || json.Unmarshal(body, &r) != nil || r.code() != 0 {
		t.Fatalf("form POST ping: %d %s", status, body)
	}
}

// TestMethods: getUser (self, admin for others, others refused), tokenInfo,
// getOpenSubsonicExtensions without credentials, unknown methods → 70.
func TestMethods(t *testing.T) {
	e := newEnv(t)
	alice := func(extra ...string) url.Values {
		p := tokenAuth(userName, e.userApp, "salt01")
		for i := 0; i < len(extra); i += 2 {
			p.Set(extra[i], extra[i+1])
		}
		return p
	}
	admin := func(extra ...string) url.Values {
		p := url.Values{"u": {adminName}, "p": {e.adminApp}}
		for i := 0; i < len(extra); i += 2 {
			p.Set(extra[i], extra[i+1])
		}
		return p
	}
	if r := e.rest(t, "getUser", alice("username", userName)); r.code() != 0 || r.R.User == nil || r.R.User.Username != userName || r.R.User.AdminRole {
		t.Fatalf("getUser self: %+v %+v", r.R.Error, r.R.User)
	}
	if r := e.rest(t, "getUser", alice("username", adminName)); r.code() != 50 {
		t.Fatalf("getUser other as user: code %d, want 50", r.code())
	}
	if r := e.rest(t, "getUser", alice()); r.code() != 10 {
		t.Fatalf("getUser without username: code %d, want 10", r.code())
	}
	if r := e.rest(t, "getUser", admin("username", userName)); r.code() != 0 || r.R.User.Username != userName {
		t.Fatalf("getUser other as admin: %+v", r.R.Error)
	}
	if r := e.rest(t, "getUser", admin("username", adminName)); r.code() != 0 || !r.R.User.AdminRole {
		t.Fatalf("getUser admin self: %+v", r.R.Error)
	}
	if r := e.rest(t, "getUser", admin("username", "nobody")); r.code() != 70 {
		t.Fatalf("getUser unknown as admin: code %d, want 70", r.code())
	}
	key := e.longLivedToken(t, e.userToken, "key")
	if r := e.rest(t, "tokenInfo", url.Values{"apiKey": {key}}); r.code() != 0 || r.R.TokenInfo == nil || r.R.TokenInfo.Username != userName {
		t.Fatalf("tokenInfo: %+v %+v", r.R.Error, r.R.TokenInfo)
	}
	r := e.rest(t, "getOpenSubsonicExtensions", url.Values{})
	names := map[string]bool{}
	for _, x := range r.R.Extensions {
		names[x.Name] = len(x.Versions) > 0
	}
	if r.code() != 0 || !names["apiKeyAuthentication"] || !names["formPost"] {
		t.Fatalf("extensions: %+v", r.R)
	}
	for _, path := range []string{"noSuchMethod", "noSuchMethod.view", "ping/extra", "", "getUser.view.view"} {
		if r := e.rest(t, path, alice()); r.code() != 70 {
			t.Fatalf("/rest/%s: code %d, want 70", path, r.code())
		}
	}
	for _, m := range []string{"PUT", "DELETE"} {
		status, body, _ := e.raw(t, m, "/rest/ping", alice(), "")
		if status != 200 || !strings.Contains(string(body), `"code":70`) {
			t.Fatalf("%s /rest/ping: %d %s", m, status, body)
		}
	}
}

// TestAppPasswordRoutesAndCommands: reveal is stable and creates on first use;
// admins rotate others' passwords; users cannot; anonymous callers get 401.
func TestAppPasswordRoutesAndCommands(t *testing.T) {
	e := newEnv(t)
	if again := e.reveal(t, e.userToken); again != e.userApp {
		t.Fatalf("reveal is not stable: %q then %q", e.userApp, again)
	}
	if len(e.userApp) != 24 || e.userApp == e.adminApp {
		t.Fatalf("app-passwords %q %q", e.userApp, e.adminApp)
	}
	if status, _ := e.srv.Do(t, "GET", "/users/me/subsonic-password", "", nil); status != 401 {
		t.Fatalf("anonymous reveal: %d", status)
	}
	if status, _ := e.srv.Do(t, "POST", "/users/"+e.adminID+"/subsonic-password", e.userToken, nil); status != 403 {
		t.Fatalf("user rotating admin's password: %d", status)
	}
	status, body := e.srv.Do(t, "POST", "/users/"+e.userID+"/subsonic-password", e.adminToken, nil)
	var out struct{ Password string }
	if status != 200 || json.Unmarshal(body, &out) != nil || out.Password == e.userApp {
		t.Fatalf("admin rotate: %d %s", status, body)
	}
	if status, _ := e.srv.Do(t, "POST", "/users/nosuchid/subsonic-password", e.adminToken, nil); status != 404 {
		t.Fatalf("admin rotate of unknown user: %d", status)
	}
	if r := e.rest(t, "ping", tokenAuth(userName, e.userApp, "salt01")); r.code() != 40 {
		t.Fatalf("password rotated by admin still works: %d", r.code())
	}

	var res struct {
		Password string `json:"password"`
	}
	e.srv.MustCall(t, e.userToken, "subsonic/password/reveal", nil, &res)
	if res.Password != out.Password {
		t.Fatalf("command reveal %q, want %q", res.Password, out.Password)
	}
	e.srv.MustCall(t, e.userToken, "subsonic/password/rotate", nil, &res)
	if res.Password == out.Password || len(res.Password) != 24 {
		t.Fatalf("command rotate: %q", res.Password)
	}
	e.srv.MustCall(t, e.adminToken, "subsonic/password/reveal", map[string]any{"user_id": e.userID}, &res)
	if status, body := e.srv.Call(t, e.userToken, "subsonic/password/reveal", map[string]any{"user_id": e.adminID}); status == 200 {
		t.Fatalf("user revealed admin's password: %s", body)
	}
	// Over the WebSocket API too.
	ws := dialAuthed(t, e, e.userToken)
	reply := ws.Command("subsonic/password/reveal", nil)
	if reply.ErrorCode != 0 || !strings.Contains(string(reply.Result), res.Password) {
		t.Fatalf("ws reveal: %+v", reply)
	}
}
