package delegation

import (
	"strings"
	"testing"
)

func TestParseTokenRequest(t *testing.T) {
	cases := []struct {
		ctype, body, authz string
		wantErr            string
		wantID             string
	}{
		{"application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=a&client_secret=b&scope=x%40y.z", "", "", "a"},
		{"", "grant_type=client_credentials&client_id=a&client_secret=b", "", "", "a"},
		{"application/json", `{"grant_type":"client_credentials","client_id":"a","client_secret":"b"}`, "", "", "a"},
		{"application/json", `{"grant_type":"client_credentials"}{"x":1}`, "", "invalid_request", ""},
		{"application/json", `{"extra":"x"}`, "", "invalid_request", ""},
		{"application/json", `[]`, "", "invalid_request", ""},
		{"application/x-www-form-urlencoded", "client_id=a&client_id=b", "", "invalid_request", ""},
		{"application/x-www-form-urlencoded", "client_id=%zz", "", "invalid_request", ""},
		{"text/plain", "x", "", "invalid_request", ""},
		{"application/x-www-form-urlencoded", "grant_type=client_credentials", "Basic YTpi", "", "a"},
		{"application/x-www-form-urlencoded", "client_secret=b", "Basic YTpi", "invalid_request", ""},
		{"application/x-www-form-urlencoded", "client_id=other", "Basic YTpi", "invalid_request", ""},
		{"application/x-www-form-urlencoded", "", "Basic !!!", "invalid_client", ""},
		{"application/x-www-form-urlencoded", "", "Bearer abc", "invalid_client", ""},
		{"application/x-www-form-urlencoded", "client_id=" + strings.Repeat("a", 2000), "", "invalid_request", ""},
	}
	for _, c := range cases {
		req, err := ParseTokenRequest(c.ctype, []byte(c.body), c.authz)
		got := ""
		if err != nil {
			got = err.Code
		}
		if got != c.wantErr || (err == nil && req.ClientID != c.wantID) {
			t.Errorf("%q %q %q: %+v %v", c.ctype, c.body, c.authz, req, err)
		}
	}
}

// FuzzParseTokenRequest: no panic, bounded fields, and errors always carry a status.
func FuzzParseTokenRequest(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=a&client_secret=b&scope=a%40b.c", "")
	f.Add("application/json", `{"grant_type":"client_credentials","client_id":"a","client_secret":"b","scope":"a@b.c"}`, "")
	f.Add("application/json; charset=utf-8", `{"scope":1}`, "Basic YTpi")
	f.Add("multipart/form-data; boundary=x", "--x--", "Basic Og==")
	f.Fuzz(func(t *testing.T, ctype, body, authz string) {
		req, err := ParseTokenRequest(ctype, []byte(body), authz)
		if err != nil {
			if err.Status < 400 || err.Code == "" {
				t.Fatalf("error without status: %+v", err)
			}
			return
		}
		for _, f := range []string{req.GrantType, req.ClientID, req.ClientSecret, req.Scope} {
			if len(f) > maxField {
				t.Fatalf("field of %d bytes passed", len(f))
			}
		}
	})
}
