package devicelogin

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/secrets"
	"segue/internal/store"
)

type fixture struct {
	svc   *Service
	clk   *clocktest.Fake
	alice *auth.Principal
}

func newFixture(t *testing.T, adjust ...func(*Deps)) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "segue.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	rnd := secrets.NewRandom(rand.Reader)
	kills := &auth.Notifier{}
	users := auth.NewUsers(db, clk, rnd, secrets.NewHasher(secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, 2, rand.Reader, clk, nil), kills)
	tokens, err := auth.NewTokens(db, users, clk, rnd, kills, rnd.Bytes(32), "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	u, err := users.Create(ctx, auth.NewUser{Username: "alice", Password: "user-password-1"})
	if err != nil {
		t.Fatal(err)
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	d := Deps{Clock: clk, Random: rnd, Users: users, Tokens: tokens, Throttle: auth.NewThrottle(clk), Log: log}
	for _, fn := range adjust {
		fn(&d)
	}
	svc := New(d)
	return &fixture{svc: svc, clk: clk, alice: &auth.Principal{User: u, Method: auth.MethodToken, Scopes: auth.RoleScopes(u.Role)}}
}

// Many clients polling an approved login at once: exactly one gets the token.
func TestConcurrentPollsDeliverOnce(t *testing.T) {
	f := newFixture(t)
	st, err := f.svc.Start("TV", "192.0.2.1", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Decide(st.UserCode, true, f.alice, "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	tokens := 0
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, tok, _, err := f.svc.Poll(context.Background(), st.DeviceCode, "192.0.2.1")
			if err == nil && res == Completed && tok != "" {
				mu.Lock()
				tokens++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if tokens != 1 {
		t.Fatalf("%d polls got a token, want exactly 1", tokens)
	}
}

// Checklist 29/37/38: secrets are long and random; guessing session ids finds nothing.
func TestCodesAreRandomAndUnguessable(t *testing.T) {
	f := newFixture(t)
	seen := map[string]bool{}
	for i := 0; i < 15; i++ {
		st, err := f.svc.Start("x", "192.0.2."+string(rune('0'+i%10)), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(st.DeviceCode) != 43 || seen[st.DeviceCode] || seen[st.UserCode] {
			t.Fatalf("codes %q %q", st.DeviceCode, st.UserCode)
		}
		if n, ok := NormalizeUserCode(st.UserCode); !ok || n != st.UserCode {
			t.Fatalf("user code %q not in the alphabet", st.UserCode)
		}
		seen[st.DeviceCode], seen[st.UserCode] = true, true
	}
	rnd := secrets.NewRandom(rand.Reader)
	hits := 0
	for i := 0; i < 100000; i++ {
		res, _, _, err := f.svc.Poll(context.Background(), rnd.Token(32), "198.51.100."+string(rune('0'+i%10)))
		if err == nil && res != Unknown {
			hits++
		}
	}
	if hits != 0 {
		t.Fatalf("%d random session ids matched", hits)
	}
}

// The non-remote face of auth/authorization_url: the default answer, a hook
// set later, and a provider command registered before this service.
func TestAuthorizationURLHook(t *testing.T) {
	f := newFixture(t)
	call := func(reg *api.Registry, args string) map[string]any {
		cmd, ok := reg.Lookup("auth/authorization_url")
		if !ok || !cmd.Public {
			t.Fatal("auth/authorization_url not registered as public")
		}
		res, err := cmd.Handler(context.Background(), &api.Call{Args: json.RawMessage(args), Info: api.ConnInfo{RemoteAddr: "192.0.2.1:5"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(res)
		out := map[string]any{}
		_ = json.Unmarshal(b, &out)
		return out
	}
	reg := api.NewRegistry()
	reg.Register(f.svc.Module().Commands...)
	if r := call(reg, `{"provider_id":"homeassistant"}`); r["authorization_url"] != nil || r["error"] != "Provider does not support OAuth or does not exist" {
		t.Fatalf("default: %v", r)
	}
	if r := call(reg, `{"for_remote_client":true}`); r["session_id"] == nil || r["authorization_url"] != "device?user_code="+r["user_code"].(string) {
		t.Fatalf("remote: %v", r)
	}

	// With a sign-in provider (Home Assistant) given at construction, redirect
	// logins get its URL and remote clients still get the device flow.
	g := newFixture(t, func(d *Deps) {
		d.ProviderURL = func(ctx context.Context, c *api.Call) (any, error) {
			return map[string]any{"authorization_url": "https://ha.example/auth/authorize?x=1"}, nil
		}
	})
	reg2 := api.NewRegistry()
	reg2.Register(g.svc.Module().Commands...)
	if r := call(reg2, `{"provider_id":"homeassistant","return_url":"/","extra":1}`); r["authorization_url"] != "https://ha.example/auth/authorize?x=1" {
		t.Fatalf("provider: %v", r)
	}
	if r := call(reg2, `{"for_remote_client":true,"device_name":"Phone"}`); r["session_id"] == nil {
		t.Fatalf("remote with a provider: %v", r)
	}
	if _, ok := reg2.Lookup("auth/oauth_status"); !ok {
		t.Fatal("auth/oauth_status missing")
	}
}

func TestVerificationURI(t *testing.T) {
	f := newFixture(t)
	if got := f.svc.VerificationURI(""); got != "device" {
		t.Errorf("no base: %q", got)
	}
	if got := f.svc.VerificationURI("http://10.0.0.2:8095"); got != "http://10.0.0.2:8095/device" {
		t.Errorf("request base: %q", got)
	}
	f.svc.d.ExternalURL = "https://music.example/"
	if got := f.svc.VerificationURI("http://10.0.0.2:8095"); got != "https://music.example/device" {
		t.Errorf("external URL: %q", got)
	}
}

func TestNormalizeUserCode(t *testing.T) {
	for in, want := range map[string]string{
		"BCDF-GHJK": "BCDFGHJK", "bcdf ghjk": "BCDFGHJK", "BCDFGHJK": "BCDFGHJK", " b-c-d-f-g-h-j-k ": "BCDFGHJK",
		"BCDF-GHJA": "", "BCDF-GHJ": "", "BCDF-GHJKL": "", "": "", "BCDF_GHJK": "", "ＢCDF-GHJK": "",
	} {
		got, ok := NormalizeUserCode(in)
		if got != want || ok != (want != "") {
			t.Errorf("%q → %q %v", in, got, ok)
		}
	}
}

func FuzzNormalizeUserCode(f *testing.F) {
	for _, s := range []string{"BCDF-GHJK", "bcdf ghjk", "AAAA-AAAA", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := NormalizeUserCode(s)
		if !ok {
			return
		}
		if len(n) != UserCodeLength {
			t.Fatalf("%q → %q", s, n)
		}
		for i := 0; i < len(n); i++ {
			if !containsByte(UserCodeAlphabet, n[i]) {
				t.Fatalf("%q → %q outside the alphabet", s, n)
			}
		}
		if again, ok := NormalizeUserCode(FormatUserCode(n)); !ok || again != n {
			t.Fatalf("format/normalise not stable for %q", n)
		}
	})
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

func FuzzParseParams(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=abc")
	f.Add("application/json", `{"user_code":"BCDF-GHJK","approve":true}`)
	f.Add("application/json; charset=utf-8", `{"user_code":1}`)
	f.Add("", "client_id=a&client_id=b")
	f.Fuzz(func(t *testing.T, ctype, body string) {
		p, ok := ParseParams(ctype, []byte(body), "grant_type", "device_code", "user_code", "approve", "client_id")
		if !ok {
			return
		}
		for k, v := range p {
			if len(v) > maxParam {
				t.Fatalf("%s: %d bytes passed", k, len(v))
			}
		}
	})
}

func FuzzParseAuthorizationURLArgs(f *testing.F) {
	f.Add(`{"provider_id":"homeassistant","for_remote_client":true}`)
	f.Add(`null`)
	f.Add(`{"for_remote_client":"yes"}`)
	f.Fuzz(func(t *testing.T, raw string) {
		a, err := ParseAuthorizationURLArgs(json.RawMessage(raw))
		if err == nil && len(raw) > 16<<10 {
			t.Fatalf("oversized args accepted")
		}
		_ = a
		if name := cleanClientName(a.DeviceName); len([]rune(name)) > maxClientName {
			t.Fatalf("client name of %d runes", len([]rune(name)))
		}
	})
}

func TestNetworkOf(t *testing.T) {
	cases := map[string]string{
		"203.0.113.7":             "203.0.113.0/24",
		"::ffff:203.0.113.7":      "203.0.113.0/24",
		"2001:db8:1:2::/64":       "2001:db8:1:2::/64",
		"2001:db8:1:2:3:4:5:6":    "2001:db8:1:2::/64",
		"webrtc/198.51.100.9":     "webrtc/198.51.100.0/24",
		"webrtc/2001:db8:1:2::9":  "webrtc/2001:db8:1:2::/64",
		"ha-user:0123456789abcde": "ha-user:0123456789abcde",
		"webrtc/unknown":          "webrtc/unknown",
	}
	for peer, want := range cases {
		if got := networkOf(peer); got != want {
			t.Errorf("networkOf(%q) = %q, want %q", peer, got, want)
		}
	}
}
