package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"segue/internal/fail"
	"segue/internal/httpx"
)

func TestCheckAmbient(t *testing.T) {
	cases := []struct {
		name   string
		header map[string]string
		status int // 0: admitted
	}{
		{"native client: JSON, no browser headers", map[string]string{"Content-Type": "application/json"}, 0},
		{"own page", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin", "Origin": "http://segue.lan:8095"}, 0},
		{"JSON with charset", map[string]string{"Content-Type": "application/json; charset=utf-8"}, 0},
		{"typed by the user", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "none"}, 0},
		{"older browser, own origin", map[string]string{"Content-Type": "application/json", "Origin": "http://segue.lan:8095"}, 0},
		{"cross-site text/plain form", map[string]string{"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"cross-site JSON", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"another port of the same host", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site", "Origin": "http://segue.lan:9999"}, 403},
		{"older browser, other origin", map[string]string{"Content-Type": "application/json", "Origin": "https://evil.example"}, 403},
		{"opaque origin (sandboxed frame)", map[string]string{"Content-Type": "application/json", "Origin": "null"}, 403},
		{"text/plain without fetch metadata", map[string]string{"Content-Type": "text/plain"}, 400},
		{"urlencoded form", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 400},
		{"multipart form", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 400},
		{"no content type", map[string]string{}, 400},
		{"JSON look-alike", map[string]string{"Content-Type": "application/jsonx"}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://segue.lan:8095/setup", strings.NewReader(`{}`))
			for k, v := range c.header {
				r.Header.Set(k, v)
			}
			err := httpx.CheckAmbient(r)
			if c.status == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if status, _ := fail.HTTPStatus(err); err == nil || status != c.status {
				t.Fatalf("got %v (status %d), want %d", err, status, c.status)
			}
		})
	}
}

func TestCheckNavigation(t *testing.T) {
	cases := []struct {
		mode, dest string
		ok         bool
	}{
		{"", "", true},
		{"navigate", "document", true},
		{"navigate", "iframe", false},
		{"no-cors", "image", false},
		{"cors", "empty", false},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "http://segue.lan:8095/auth/callback", nil)
		if c.mode != "" {
			r.Header.Set("Sec-Fetch-Mode", c.mode)
			r.Header.Set("Sec-Fetch-Dest", c.dest)
		}
		if err := httpx.CheckNavigation(r); (err == nil) != c.ok {
			t.Errorf("mode %q dest %q: %v, want ok=%v", c.mode, c.dest, err, c.ok)
		}
	}
}

func TestCheckSocketOrigin(t *testing.T) {
	cases := []struct {
		header map[string]string
		ok     bool
	}{
		{map[string]string{}, true},
		{map[string]string{"Origin": "http://ha.lan:8123"}, true},
		{map[string]string{"Origin": "http://ha.lan:8123", "Sec-Fetch-Site": "same-origin"}, true},
		{map[string]string{"Origin": "https://ha.example", "X-Forwarded-Host": "ha.example"}, true},
		{map[string]string{"Origin": "https://evil.example"}, false},
		{map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, false},
		{map[string]string{"Origin": "http://ha.lan:9999", "Sec-Fetch-Site": "same-site"}, false},
		{map[string]string{"Origin": "null"}, false},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "http://ha.lan:8123/api/hassio_ingress/x/ws", nil)
		for k, v := range c.header {
			r.Header.Set(k, v)
		}
		if err := httpx.CheckSocketOrigin(r); (err == nil) != c.ok {
			t.Errorf("%v: %v, want ok=%v", c.header, err, c.ok)
		}
	}
}
