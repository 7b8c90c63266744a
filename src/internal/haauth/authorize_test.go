package haauth

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/fail"
	"segue/internal/httpx"
	"segue/internal/secrets"
)

func testService(available bool) *Service {
	clk := clocktest.NewFake(time.Unix(1_700_000_000, 0))
	return New(Deps{Clock: clk, Random: secrets.NewRandom(rand.Reader), Throttle: auth.NewThrottle(clk), Log: quietLogger(),
		Available:  func() bool { return available },
		BrowserURL: func(context.Context) (string, error) { return "https://ha.example.com/", nil },
		ReturnURLs: httpx.ReturnURLPolicy{ExternalURL: "https://music.example.com"}})
}

// storesNoState reports whether s holds no live sign-in state: a probe stored with
// a limit of one live entry is refused as soon as any other entry is live.
func storesNoState(s *Service) bool {
	return s.states.PutLimited("probe-"+rand.Text(), pendingLogin{}, func(pendingLogin) bool { return true }, 1) == nil
}

// The start endpoint binds the state to the browser with a strict cookie and
// sends it to HA with our origin as client_id.
func TestAuthorizeSetsBindingCookie(t *testing.T) {
	s := testService(true)
	req := httptest.NewRequest("GET", "/auth/authorize?provider_id=homeassistant&return_url=%2F%3Fx%3D1", nil)
	req.Host = "music.example.com"
	rec := httptest.NewRecorder()
	s.Authorize(rec, req)
	if rec.Code != http.StatusFound {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil || loc.Scheme != "https" || loc.Host != "ha.example.com" || loc.Path != "/auth/authorize" {
		t.Fatalf("location %v", loc)
	}
	q := loc.Query()
	state := q.Get("state")
	if q.Get("client_id") != "https://music.example.com" ||
		q.Get("redirect_uri") != "https://music.example.com/auth/callback?provider_id=homeassistant" || len(state) < 22 {
		t.Fatalf("parameters %v (state must carry ≥128 bits)", q)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies: %v", cookies)
	}
	c := cookies[0]
	if c.Name != bindingCookie || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != CallbackPath ||
		!c.Secure || c.MaxAge != 600 || len(c.Value) < 22 || c.Value == state {
		t.Fatalf("binding cookie %+v", c)
	}
	p, ok := s.states.Take(state)
	if !ok || p.returnURL != "/?x=1" || p.binding != secrets.SHA256Hex(c.Value) {
		t.Fatalf("pending sign-in %+v %v", p, ok)
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	for _, tc := range []struct {
		name      string
		available bool
		query     string
		want      int
	}{
		{"other provider", true, "provider_id=google", 400},
		{"foreign return_url", true, "provider_id=homeassistant&return_url=https%3A%2F%2Fevil.example%2F", 400},
		{"HA unreachable", false, "provider_id=homeassistant", 503},
	} {
		s := testService(tc.available)
		req := httptest.NewRequest("GET", "/auth/authorize?"+tc.query, nil)
		rec := httptest.NewRecorder()
		s.Authorize(rec, req)
		if rec.Code != tc.want || rec.Header().Get("Location") != "" || len(rec.Result().Cookies()) != 0 {
			t.Errorf("%s: %d %q", tc.name, rec.Code, rec.Header().Get("Location"))
		}
		if !storesNoState(s) {
			t.Errorf("%s: a state was stored", tc.name)
		}
	}
}

func TestAuthorizationURLCommand(t *testing.T) {
	call := func(s *Service, base, args string) (map[string]any, error) {
		res, err := s.AuthorizationURL(context.Background(), &api.Call{Args: json.RawMessage(args), Info: api.ConnInfo{BaseURL: base}})
		if err != nil {
			return nil, err
		}
		return res.(map[string]any), nil
	}
	s := testService(true)
	res, err := call(s, "http://192.168.1.5:8095", `{"provider_id":"homeassistant","return_url":"http://192.168.1.5:8095/#/home","extra":1}`)
	if err != nil || res["authorization_url"] != "http://192.168.1.5:8095/auth/authorize?provider_id=homeassistant&return_url=http%3A%2F%2F192.168.1.5%3A8095%2F%23%2Fhome" {
		t.Fatalf("start URL: %v %v", res, err)
	}
	if res, _ := call(s, "", `{"provider_id":"homeassistant"}`); !strings.HasPrefix(res["authorization_url"].(string), "auth/authorize?") {
		t.Fatalf("without a base URL the start URL is relative: %v", res)
	}
	if _, err := call(s, "http://192.168.1.5:8095", `{"provider_id":"homeassistant","return_url":"https://evil.example/"}`); !fail.Is(err, fail.KindInvalid) {
		t.Fatalf("foreign return_url: %v", err)
	}
	if res, _ := call(s, "http://h", `{"provider_id":"builtin"}`); res["authorization_url"] != nil {
		t.Fatalf("other provider: %v", res)
	}
	if res, _ := call(testService(false), "http://h", `{"provider_id":"homeassistant"}`); res["authorization_url"] != nil {
		t.Fatalf("HA unreachable: %v", res)
	}
	if _, err := call(s, "http://h", `[1,2]`); !fail.Is(err, fail.KindInvalid) {
		t.Fatalf("malformed args: %v", err)
	}
	if got := testService(false).Providers(context.Background()); len(got) != 0 {
		t.Fatalf("provider listed while HA is unreachable: %v", got)
	}
	if got := s.Providers(context.Background()); len(got) != 1 || got[0].ProviderID != "homeassistant" || !got[0].RequiresRedirect {
		t.Fatalf("providers: %v", got)
	}
}

// One address cannot hold more than maxPendingPerIP unfinished sign-ins.
func TestAuthorizeLimitsPendingPerAddress(t *testing.T) {
	s := testService(true)
	start := func(remote string) int {
		req := httptest.NewRequest("GET", "/auth/authorize?provider_id=homeassistant", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		s.Authorize(rec, req)
		return rec.Code
	}
	for i := 0; i < maxPendingPerIP; i++ {
		if code := start("192.0.2.7:1000"); code != http.StatusFound {
			t.Fatalf("sign-in %d: %d", i, code)
		}
	}
	if code := start("192.0.2.7:1001"); code != http.StatusTooManyRequests {
		t.Fatalf("over the per-address limit: %d", code)
	}
	if code := start("192.0.2.8:1000"); code != http.StatusFound {
		t.Fatalf("another address: %d", code)
	}
	s.d.Clock.(*clocktest.Fake).Advance(StateLifetime)
	if code := start("192.0.2.7:1002"); code != http.StatusFound {
		t.Fatalf("after the pending sign-ins expired: %d", code)
	}
}
