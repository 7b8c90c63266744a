package web

import "testing"

func TestReturnURLPolicy(t *testing.T) {
	p := ReturnURLPolicy{ExternalURL: "https://music.example.com"}
	cases := []struct {
		url  string
		want bool
	}{
		{"/", true},
		{"/#/home", true},
		{"http://192.168.1.10:8095/#/", true},
		{"https://music.example.com/x", true},
		{"http://music.example.com/x", false},
		{"http://localhost:3000/cb", true},
		{"http://127.0.0.1/cb", true},
		{"musicassistant://auth/callback", true},
		{"//evil.com", false},
		{"/\\evil.com", false},
		{"https:evil.com", false},
		{"https://good.example.evil.com", false},
		{"https://music.example.com.evil.com/", false},
		{"javascript:alert(1)", false},
		{"https://user@192.168.1.10:8095/", false},
		{"data:text/html,x", false},
		{"", false},
		{"http://192.168.1.10:8095/\nLocation: x", false},
	}
	for _, c := range cases {
		if got := p.Allowed(c.url, "192.168.1.10:8095"); got != c.want {
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
