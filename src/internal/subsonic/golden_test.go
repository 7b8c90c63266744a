package subsonic_test

import (
	"fmt"
	"net/url"
	"testing"

	"segue/internal/testutil"
)

// TestGoldenWire pins each method's XML and JSON (and a JSONP sample), status
// and content type, success and failure: the wire contract that refactors must
// not move. Regenerate with: go test ./internal/subsonic -run GoldenWire -update
func TestGoldenWire(t *testing.T) {
	e := newEnv(t)
	apiKey := e.longLivedToken(t, e.userToken, "golden key")
	alice := func(kv ...string) url.Values {
		v := url.Values{"u": {userName}, "p": {e.userApp}, "c": {"golden"}, "v": {"1.16.1"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	admin := func(kv ...string) url.Values {
		v := url.Values{"u": {adminName}, "p": {e.adminApp}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		name   string
		method string
		params url.Values
	}{
		{"ping", "ping", alice()},
		{"getLicense", "getLicense", alice()},
		{"getOpenSubsonicExtensions", "getOpenSubsonicExtensions", url.Values{}},
		{"tokenInfo", "tokenInfo", url.Values{"apiKey": {apiKey}}},
		{"getUser_self", "getUser", alice("username", userName)},
		{"getUser_admin_other", "getUser", admin("username", userName)},
		{"err_missing_param", "getUser", alice()},
		{"err_not_authorized", "getUser", alice("username", adminName)},
		{"err_user_not_found", "getUser", admin("username", "nobody")},
		{"err_unknown_method", "noSuchMethod", alice()},
		{"err_no_credentials", "ping", url.Values{}},
		{"err_wrong_password", "ping", url.Values{"u": {userName}, "p": {"wrong"}}},
		{"err_conflicting_auth", "ping", url.Values{"apiKey": {apiKey}, "u": {userName}}},
		{"err_bad_api_key", "ping", url.Values{"apiKey": {"not-a-key-0123456789abcdef"}}},
	}
	for _, c := range cases {
		for _, f := range []string{"xml", "json"} {
			t.Run(c.name+"."+f, func(t *testing.T) {
				e.forgetFailures()
				p := url.Values{}
				for k, v := range c.params {
					p[k] = v
				}
				p.Set("f", f)
				status, body, h := e.raw(t, "GET", "/rest/"+c.method, p, "")
				got := fmt.Sprintf("HTTP %d\nContent-Type: %s\n\n%s\n", status, h.Get("Content-Type"), body)
				testutil.Golden(t, "subsonic/"+c.name+"."+f, []byte(got))
			})
		}
	}
	t.Run("ping.jsonp", func(t *testing.T) {
		status, body, h := e.raw(t, "GET", "/rest/ping.view", alice("f", "jsonp", "callback", "cb"), "")
		got := fmt.Sprintf("HTTP %d\nContent-Type: %s\n\n%s\n", status, h.Get("Content-Type"), body)
		testutil.Golden(t, "subsonic/ping.jsonp", []byte(got))
	})
}
