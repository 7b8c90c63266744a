package httpx

import "testing"

// Issue 11 item 5: two kinds of target, an exact list for each; no other
// loopback port, no other custom-scheme path, no prefix match.
func TestReturnURLPolicy(t *testing.T) {
	p := ReturnURLPolicy{ExternalURL: "https://music.example.com", MAFrontendOrigins: []string{"https://ma.example.com:8443"}}
	cases := []struct {
		url  string
		want ReturnTarget
	}{
		{"/", OwnPage},
		{"/#/home", OwnPage},
		{"http://192.168.1.10:8095/#/", OwnPage},
		{"https://music.example.com/x", OwnPage},
		{"http://music.example.com/x", NotAllowed},
		{"musicassistant://auth/callback", MAApp},
		{"https://ma.example.com:8443/", MAApp},
		{"https://ma.example.com:8443/#/login", MAApp},
		{"https://ma.example.com/", NotAllowed},
		{"http://ma.example.com:8443/", NotAllowed},
		// The attack: any loopback port, any musicassistant: URI.
		{"http://localhost:9999/cb", NotAllowed},
		{"http://localhost:3000/cb", NotAllowed},
		{"http://127.0.0.1/cb", NotAllowed},
		{"http://[::1]:8095/", NotAllowed},
		{"musicassistant:evil", NotAllowed},
		{"musicassistant://auth/callback/x", NotAllowed},
		{"musicassistant://auth/callbackx", NotAllowed},
		{"musicassistant://auth/callback?x=1", NotAllowed},
		{"musicassistant://evil/callback", NotAllowed},
		{"//evil.com", NotAllowed},
		{"/\\evil.com", NotAllowed},
		{"https:evil.com", NotAllowed},
		{"https://good.example.evil.com", NotAllowed},
		{"https://music.example.com.evil.com/", NotAllowed},
		{"javascript:alert(1)", NotAllowed},
		{"https://user@192.168.1.10:8095/", NotAllowed},
		{"data:text/html,x", NotAllowed},
		{"", NotAllowed},
		{"http://192.168.1.10:8095/\nLocation: x", NotAllowed},
	}
	for _, c := range cases {
		if got := p.Classify(c.url, "192.168.1.10:8095"); got != c.want {
			t.Errorf("%q: got %v, want %v", c.url, got, c.want)
		}
	}
}

func TestWithCode(t *testing.T) {
	cases := map[string]string{
		"http://h/":           "http://h/?code=abc",
		"http://h/?x=1":       "http://h/?x=1&code=abc",
		"http://h/#/frag?q=1": "http://h/?code=abc#/frag?q=1",
	}
	for in, want := range cases {
		if got := WithCode(in, "abc"); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}

func FuzzReturnURL(f *testing.F) {
	for _, s := range []string{"/", "//evil", "http://localhost/", "musicassistant://x", "https:evil"} {
		f.Add(s)
	}
	p := ReturnURLPolicy{}
	f.Fuzz(func(t *testing.T, s string) {
		if p.Allowed(s, "segue.local") && len(s) > 1 && s[0] == '/' && (s[1] == '/' || s[1] == '\\') {
			t.Fatalf("protocol-relative URL allowed: %q", s)
		}
	})
}
