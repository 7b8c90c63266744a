package subsonic_test

import (
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
)

// TestSecretsNeverLogged (checklist 32, acceptance 4): requests carrying p, t, s
// and apiKey, failing and succeeding, leave auth events in the real server log
// but never the secrets.
func TestSecretsNeverLogged(t *testing.T) {
	e := newEnv(t)
	const secret = "SECRET123xyz"
	const salt = "SALTsecret77"
	key := e.longLivedToken(t, e.userToken, "key")
	badKey := "APIKEYsecret0123456789abcdef"
	requests := []url.Values{
		{"u": {userName}, "p": {secret}},
		{"u": {userName}, "p": {"enc:" + hex.EncodeToString([]byte(secret))}},
		{"u": {"nosuchuser"}, "p": {secret}},
		{"u": {secret}, "p": {secret}}, // a password typed into the name field
		{"u": {userName}, "t": {md5hex(secret + salt)}, "s": {salt}},
		{"p": {secret}},
		{"apiKey": {badKey}},
		{"apiKey": {key}},
		{"u": {userName}, "p": {e.userApp}, "c": {"client p=" + secret}},
		tokenAuth(userName, e.userApp, salt),
	}
	for _, p := range requests {
		e.forgetFailures()
		e.raw(t, "GET", "/rest/ping", p, "")
		e.raw(t, "POST", "/rest/ping", p, "")
	}
	logs := e.srv.Logs()
	if !strings.Contains(logs, "subsonic authentication failed") || !strings.Contains(logs, "user="+userName) {
		t.Fatalf("auth failures were not logged:\n%s", logs)
	}
	for _, s := range []string{secret, hex.EncodeToString([]byte(secret)), md5hex(secret + salt), salt, badKey, key, e.userApp, md5hex(e.userApp + salt)} {
		if strings.Contains(logs, s) {
			t.Fatalf("log contains secret %q:\n%s", s, logs)
		}
	}
}
