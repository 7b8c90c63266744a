package subsonic_test

import (
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
)

// TestMechanismMatrix covers checklist items 46–50: every combination of u, p,
// t, s and apiKey, malformed values, and the CVE-2025-27112 regression. Every
// answer is HTTP 200 (checked in rest) with the Subsonic code below.
func TestMechanismMatrix(t *testing.T) {
	e := newEnv(t)
	apiKey := e.longLivedToken(t, e.userToken, "subsonic app")
	revoked := e.longLivedToken(t, e.userToken, "revoked key")
	var tokens []struct {
		ID   string `json:"token_id"`
		Name string `json:"name"`
	}
	e.srv.MustCall(t, e.userToken, "auth/tokens", nil, &tokens)
	for _, tk := range tokens {
		if tk.Name == "revoked key" {
			e.srv.MustCall(t, e.userToken, "auth/token/revoke", map[string]any{"token_id": tk.ID}, nil)
		}
	}
	npmSalt := "Un1Sn5nGGSMJ9dZ6-_vWLM" // base64url, as the npm client makes them
	good := md5hex(e.userApp + npmSalt)
	v := func(kv ...string) url.Values {
		out := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	cases := []struct {
		name   string
		params url.Values
		want   int
	}{
		// Accepted mechanisms.
		{"u+t+s", v("u", userName, "t", good, "s", npmSalt), 0},
		{"u+t+s uppercase hex t is case-folded", v("u", userName, "t", strings.ToUpper(good), "s", npmSalt), 0},
		{"u+t+s username case-insensitive", v("u", "ALICE", "t", good, "s", npmSalt), 0},
		{"u+t+s one-char salt", v("u", userName, "t", md5hex(e.userApp+"x"), "s", "x"), 0},
		{"u+t+s unicode salt", v("u", userName, "t", md5hex(e.userApp+"sälz✓"), "s", "sälz✓"), 0},
		{"u+p plain", v("u", userName, "p", e.userApp), 0},
		{"u+p enc", v("u", userName, "p", "enc:"+hex.EncodeToString([]byte(e.userApp))), 0},
		{"u+p enc upper hex", v("u", userName, "p", "enc:"+strings.ToUpper(hex.EncodeToString([]byte(e.userApp)))), 0},
		{"apiKey alone", v("apiKey", apiKey), 0},
		// Missing parameters: 10.
		{"nothing", v(), 10},
		{"t+s without u", v("t", good, "s", npmSalt), 10},
		{"p without u", v("p", e.userApp), 10},
		{"u alone", v("u", userName), 10},
		{"u+t without s", v("u", userName, "t", good), 10},
		{"u+s without t", v("u", userName, "s", npmSalt), 10},
		{"empty p counts as missing", v("u", userName, "p", ""), 10},
		// Conflicting mechanisms: 43.
		{"apiKey+u", v("apiKey", apiKey, "u", userName), 43},
		{"apiKey+p", v("apiKey", apiKey, "p", e.userApp), 43},
		{"apiKey+t+s", v("apiKey", apiKey, "t", good, "s", npmSalt), 43},
		{"u+p+t+s", v("u", userName, "p", e.userApp, "t", good, "s", npmSalt), 43},
		{"u+p+t", v("u", userName, "p", e.userApp, "t", good), 43},
		{"u+p+s", v("u", userName, "p", e.userApp, "s", npmSalt), 43},
		{"two different u", v("u", userName, "u", adminName, "p", e.userApp), 43},
		// Bad API keys: 44.
		{"unknown apiKey", v("apiKey", "not-a-real-key-at-all-0123456789"), 44},
		{"jwt-shaped garbage apiKey", v("apiKey", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"), 44},
		{"short-lived session token as apiKey", v("apiKey", e.userToken), 44},
		{"revoked apiKey", v("apiKey", revoked), 44},
		{"oversized apiKey", v("apiKey", strings.Repeat("a", 3000)), 44},
		// Wrong credentials: 40.
		{"wrong t", v("u", userName, "t", md5hex("nope"+npmSalt), "s", npmSalt), 40},
		{"wrong p", v("u", userName, "p", "not-the-app-password"), 40},
		{"login password as p", v("u", userName, "p", userPass), 40},
		{"login password as enc p", v("u", userName, "p", "enc:"+hex.EncodeToString([]byte(userPass))), 40},
		{"login password as t", v("u", userName, "t", md5hex(userPass+npmSalt), "s", npmSalt), 40},
		{"other user's app-password", v("u", userName, "p", e.adminApp), 40},
		{"unknown user, empty-secret token (CVE-2025-27112)", v("u", "nosuchuser", "t", md5hex(""+npmSalt), "s", npmSalt), 40},
		{"known user, empty-secret token", v("u", userName, "t", md5hex(""+npmSalt), "s", npmSalt), 40},
		{"unknown user with p", v("u", "nosuchuser", "p", e.userApp), 40},
		{"t of 31 hex digits", v("u", userName, "t", good[:31], "s", npmSalt), 40},
		{"t of 33 hex digits", v("u", userName, "t", good+"0", "s", npmSalt), 40},
		{"t not hex", v("u", userName, "t", strings.Repeat("g", 32), "s", npmSalt), 40},
		{"s of 65 characters", v("u", userName, "t", md5hex(e.userApp+strings.Repeat("s", 65)), "s", strings.Repeat("s", 65)), 40},
		{"enc odd length", v("u", userName, "p", "enc:abc"), 40},
		{"enc not hex", v("u", userName, "p", "enc:zz"), 40},
		{"enc invalid utf-8", v("u", userName, "p", "enc:ff"), 40},
		{"enc empty", v("u", userName, "p", "enc:"), 40},
		{"oversized p", v("u", userName, "p", strings.Repeat("p", 5000)), 40},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.forgetFailures()
			r := e.rest(t, "ping", c.params)
			if got := r.code(); got != c.want {
				t.Fatalf("code %d, want %d (%+v)", got, c.want, r.R.Error)
			}
			if c.want != 0 && r.R.Status != "failed" {
				t.Fatalf("status %q, want failed", r.R.Status)
			}
			if r.R.Version == "" || r.R.Type != "segue" || r.R.ServerVersion == "" || !r.R.OpenSubsonic {
				t.Fatalf("envelope fields missing: %+v", r.R)
			}
		})
	}
}

// TestUnknownUserIndistinguishable: an unknown user and a wrong app-password
// get byte-identical answers (checklist 24/48).
func TestUnknownUserIndistinguishable(t *testing.T) {
	e := newEnv(t)
	salt := "abcdef"
	_, unknown, _ := e.raw(t, "GET", "/rest/ping", tokenAuth("nosuchuser", "whatever", salt), "")
	e.forgetFailures()
	_, wrong, _ := e.raw(t, "GET", "/rest/ping", tokenAuth(userName, "whatever", salt), "")
	if string(unknown) != string(wrong) {
		t.Fatalf("answers differ:\n%s\n%s", unknown, wrong)
	}
	if !strings.Contains(string(wrong), `"code":40`) {
		t.Fatalf("want code 40: %s", wrong)
	}
}
