package haauth

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseCallback(t *testing.T) {
	long := strings.Repeat("s", maxStateLen+1)
	for _, tc := range []struct {
		query string
		ok    bool
	}{
		{"provider_id=homeassistant&code=abc&state=xyz", true},
		{"code=abc&state=xyz", true},
		{"error=access_denied&state=xyz", true},
		{"code=abc", false},  // no state
		{"state=xyz", false}, // neither code nor error
		{"provider_id=google&code=a&state=x", false},
		{"code=a&state=x&state=y", false}, // repeated parameter
		{"code=a&state=" + long, false},   // too long
		{"code=a%00b&state=x", false},     // control character
		{"code=a&state=x%20y", false},     // space
		{"code=%C3%A9&state=x", false},    // non-ASCII
	} {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		_, err = parseCallback(q)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err=%v, want ok=%v", tc.query, err, tc.ok)
		}
	}
}

func TestOriginOf(t *testing.T) {
	for _, tc := range []struct {
		host, external string
		tls            bool
		want           string
	}{
		{"192.168.1.5:8095", "", false, "http://192.168.1.5:8095"},
		{"music.example.com", "", true, "https://music.example.com"},
		{"music.example.com", "https://music.example.com", false, "https://music.example.com"},
		{"music.example.com", "https://other.example.com", false, "http://music.example.com"},
		{"[::1]:8095", "", false, "http://[::1]:8095"},
		{"", "", false, ""},
		{"evil.com/path", "", false, ""},
		{"user@host", "", false, ""},
		{"host:port", "", false, ""},
		{"a b", "", false, ""},
		{strings.Repeat("a", 300), "", false, ""},
	} {
		if got := originOf(tc.host, tc.tls, tc.external); got != tc.want {
			t.Errorf("originOf(%q, %v, %q) = %q, want %q", tc.host, tc.tls, tc.external, got, tc.want)
		}
	}
}
