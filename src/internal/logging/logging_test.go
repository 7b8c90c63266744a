package logging

import (
	"bytes"
	"strings"
	"testing"
)

func TestRedaction(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "debug")
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlc2lnbmF0dXJl"
	l.WithField("token", "SECRET1").WithField("url", "/rest/ping?u=a&p=SECRET2&t=SECRET3&s=SECRET4&apiKey=SECRET5").
		Infof("Authorization: Bearer SECRET6 and %s and {\"password\":\"SECRET7\"}", jwt)
	out := buf.String()
	for _, s := range []string{"SECRET1", "SECRET2", "SECRET3", "SECRET4", "SECRET5", "SECRET6", "SECRET7", jwt} {
		if strings.Contains(out, s) {
			t.Errorf("log leaks %s: %s", s, out)
		}
	}
	if got := Redact("p=SECRET8&u=x"); strings.Contains(got, "SECRET8") {
		t.Errorf("leading parameter not redacted: %s", got)
	}
	if !strings.Contains(out, "u=a") {
		t.Errorf("redaction removed too much: %s", out)
	}
}
