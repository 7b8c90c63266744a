package haauth

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/httpx"
	"segue/internal/secrets"
)

// FuzzCallbackParams: any query string either parses into bounded, printable
// values with a state, or is refused; it never panics.
func FuzzCallbackParams(f *testing.F) {
	for _, s := range []string{"provider_id=homeassistant&code=abc&state=xyz", "error=access_denied&state=x",
		"state=%00", "code=a&code=b&state=s", "state=" + strings.Repeat("a", 200), "%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := parseCallback(q)
		if err != nil {
			return
		}
		if p.State == "" || len(p.State) > maxStateLen || len(p.Code) > maxCodeLen || len(p.Error) > maxErrorLen {
			t.Fatalf("accepted out-of-bounds parameters: %+v", p)
		}
		if !printableASCII(p.State) || !printableASCII(p.Code) || !printableASCII(p.Error) {
			t.Fatalf("accepted unprintable parameters: %+v", p)
		}
		if p.Code == "" && p.Error == "" {
			t.Fatalf("accepted a callback with neither code nor error: %+v", p)
		}
	})
}

// FuzzCallback drives the callback handler with arbitrary query strings and binding
// cookies next to one real pending sign-in. Without that sign-in's state and cookie
// nothing may redirect, reach Home Assistant, or reflect input into the page.
func FuzzCallback(f *testing.F) {
	f.Add("provider_id=homeassistant&code=abc&state=xyz", "cookie")
	f.Add("state=%22%3E%3Cscript%3E&code=1", "")
	f.Add("code=a&state=b&state=c", "\x00")
	f.Fuzz(func(t *testing.T, rawQuery, cookie string) {
		clk := clocktest.NewFake(time.Unix(1_700_000_000, 0))
		reachedHA := false
		s := New(Deps{Clock: clk, Random: secrets.NewRandom(strings.NewReader(strings.Repeat("k", 1<<12))),
			Throttle: auth.NewThrottle(clk), Log: quietLogger(), ReturnURLs: httpx.ReturnURLPolicy{},
			HTTPClient: &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
				reachedHA = true
				return nil, io.ErrUnexpectedEOF
			})}})
		_ = s.states.Put("the-real-state", pendingLogin{returnURL: "/", clientID: "http://x", binding: secrets.SHA256Hex("the-real-cookie")})
		req := httptest.NewRequest("GET", "/auth/callback", nil)
		req.URL.RawQuery = rawQuery
		if c := (&http.Cookie{Name: bindingCookie, Value: cookie}); cookie != "" && c.Valid() == nil {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		s.Callback(rec, req)
		q, _ := url.ParseQuery(rawQuery)
		genuine := q.Get("state") == "the-real-state" && cookie == "the-real-cookie"
		if !genuine && (rec.Code == http.StatusFound || rec.Header().Get("Location") != "" || reachedHA) {
			t.Fatalf("query %q cookie %q: status %d location %q reachedHA %v", rawQuery, cookie, rec.Code, rec.Header().Get("Location"), reachedHA)
		}
		if body := rec.Body.String(); strings.Contains(body, "<script") {
			t.Fatalf("script in the page for %q", rawQuery)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func quietLogger() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

// FuzzAuthorize: whatever return_url and Host a request carries, the start endpoint
// either refuses without state, or redirects to HA's authorize endpoint with our
// origin as client_id and remembers a return_url the allow-list accepts.
func FuzzAuthorize(f *testing.F) {
	f.Add("/", "music.example.com")
	f.Add("https://evil.example/", "music.example.com")
	f.Add("//evil.com", "h:1")
	f.Add("musicassistant://auth/callback", "[::1]:8095")
	f.Fuzz(func(t *testing.T, returnURL, host string) {
		s := testService(true)
		req := httptest.NewRequest("GET", "/auth/authorize", nil)
		req.URL.RawQuery = url.Values{"provider_id": {ProviderID}, "return_url": {returnURL}}.Encode()
		req.Host = host
		rec := httptest.NewRecorder()
		s.Authorize(rec, req)
		if rec.Code != http.StatusFound {
			if !storesNoState(s) || len(rec.Result().Cookies()) != 0 {
				t.Fatalf("refused (%d) but kept state or set a cookie", rec.Code)
			}
			return
		}
		loc, err := url.Parse(rec.Header().Get("Location"))
		if err != nil || loc.Host != "ha.example.com" || loc.Path != "/auth/authorize" {
			t.Fatalf("redirect off Home Assistant: %q", rec.Header().Get("Location"))
		}
		q := loc.Query()
		p, ok := s.states.Take(q.Get("state"))
		if !ok || !s.d.ReturnURLs.Allowed(p.returnURL, host) || q.Get("client_id") != p.clientID ||
			!strings.HasPrefix(q.Get("redirect_uri"), p.clientID+CallbackPath+"?") {
			t.Fatalf("inconsistent sign-in for return_url %q host %q: %+v %v", returnURL, host, p, q)
		}
	})
}
