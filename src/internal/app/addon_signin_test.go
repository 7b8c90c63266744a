package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/hass/hasstest"
	"segue/internal/testutil"
)

// browser follows the sign-in by hand: one redirect at a time, cookies in a jar.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// get returns the status, the Location header and the body.
func (b *browser) get(rawURL string) (int, string, string) {
	b.t.Helper()
	return b.getWith(rawURL, nil)
}

// getWith is get with request headers (a browser's fetch metadata).
func (b *browser) getWith(rawURL string, header map[string]string) (int, string, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header.Get("Location"), sb.String()
}

// signInFixture is a server in add-on mode whose HA browser URL comes from network/url.
type signInFixture struct {
	core *hasstest.Core
	sup  *hasstest.Supervisor
	srv  *addonServer
}

func newSignInFixture(t *testing.T, options map[string]any) *signInFixture {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressSourceIP: "127.0.0.1"})
	core.SetNetworkURLs(hasstest.NetworkURLs{Internal: "http://192.168.1.10:8123", External: core.URL()})
	srv := startAddon(t, core, sup, addonOptions{Options: options})
	srv.waitConnected(t)
	return &signInFixture{core: core, sup: sup, srv: srv}
}

// calm lets the per-address failure throttle forget earlier refused attempts (all
// test requests come from 127.0.0.1), so each case sees only its own outcome.
func (f *signInFixture) calm() { f.srv.Clock.Advance(31 * time.Minute) }

// start opens our /auth/authorize and returns HA's authorize URL it redirected to.
func (f *signInFixture) start(t *testing.T, b *browser, returnURL string) string {
	t.Helper()
	status, loc, body := b.get(f.srv.URL + "/auth/authorize?provider_id=homeassistant&return_url=" + url.QueryEscape(returnURL))
	if status != http.StatusFound || !strings.HasPrefix(loc, f.core.URL()+"/auth/authorize?") {
		t.Fatalf("start: %d %q %s", status, loc, body)
	}
	q := mustURL(t, loc).Query()
	if q.Get("client_id") != f.srv.URL || q.Get("redirect_uri") != f.srv.URL+"/auth/callback?provider_id=homeassistant" || len(q.Get("state")) < 22 {
		t.Fatalf("HA authorize parameters: %v", q)
	}
	return loc
}

// atHA logs the user in at the fake HA and returns our callback URL HA redirects to.
func (f *signInFixture) atHA(t *testing.T, b *browser, haUserID, authorizeURL string) string {
	t.Helper()
	f.core.SetLoginUser(haUserID)
	status, loc, body := b.get(authorizeURL)
	if status != http.StatusFound || !strings.HasPrefix(loc, f.srv.URL+"/auth/callback?") {
		t.Fatalf("HA authorize: %d %q %s", status, loc, body)
	}
	return loc
}

// exchange trades the one-time code for a token.
func (f *signInFixture) exchange(t *testing.T, code string) (int, string) {
	t.Helper()
	status, body := f.srv.do(t, "POST", "/auth/code", "", map[string]string{"code": code})
	var out struct {
		Success bool   `json:"success"`
		Token   string `json:"access_token"`
	}
	_ = json.Unmarshal(body, &out)
	return status, out.Token
}

// signIn runs the whole round trip and returns the user and the callback's Location.
func (f *signInFixture) signIn(t *testing.T, haUserID, returnURL string) (auth.User, string, string) {
	t.Helper()
	b := newBrowser(t)
	cb := f.atHA(t, b, haUserID, f.start(t, b, returnURL))
	status, loc, body := b.get(cb)
	if status != http.StatusFound {
		t.Fatalf("callback: %d %s", status, body)
	}
	code := codeFrom(t, loc)
	status, tok := f.exchange(t, code)
	if status != 200 || tok == "" {
		t.Fatalf("POST /auth/code: %d", status)
	}
	var u auth.User
	st, raw := f.srv.do(t, "GET", "/auth/me", tok, nil)
	if st != 200 || json.Unmarshal(raw, &u) != nil {
		t.Fatalf("auth/me with the new token: %d %s", st, raw)
	}
	return u, loc, tok
}

func codeFrom(t *testing.T, location string) string {
	t.Helper()
	before, _, _ := strings.Cut(location, "#")
	i := strings.Index(before, "?")
	if i < 0 {
		t.Fatalf("no query in %q", location)
	}
	q, err := url.ParseQuery(before[i+1:])
	if err != nil || q.Get("code") == "" {
		t.Fatalf("no code in %q", location)
	}
	return q.Get("code")
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Acceptance 5: the full HA OAuth round trip and every way it must fail.
func TestSignInWithHomeAssistant(t *testing.T) {
	f := newSignInFixture(t, nil)
	srv, core := f.srv, f.core
	admin := core.AddUser(hasstest.User{Username: "hank", Name: "Hank", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	plain := core.AddUser(hasstest.User{Username: "paula", Name: "Paula", IsActive: true, GroupIDs: []string{hasstest.UserGroup}})

	t.Run("provider listed while HA is reachable", func(t *testing.T) {
		var list []api.ProviderInfo
		status, body := srv.do(t, "GET", "/auth/providers", "", nil)
		if status != 200 || json.Unmarshal(body, &list) != nil || !hasProvider(list, "homeassistant") {
			t.Fatalf("GET /auth/providers: %d %s", status, body)
		}
		r := apptestDial(t, srv.URL).Command("auth/providers", nil)
		if r.ErrorCode != 0 || !strings.Contains(string(r.Result), `"provider_id":"homeassistant"`) {
			t.Fatalf("auth/providers: %+v %s", r, r.Result)
		}
	})

	t.Run("success", func(t *testing.T) {
		ret := srv.URL + "/?tab=1#section-tokens"
		u, loc, tok := f.signIn(t, admin.ID, ret)
		if u.Username != "hank" || u.Role != auth.RoleAdmin || u.DisplayName == nil || *u.DisplayName != "Hank" {
			t.Fatalf("signed-in user: %+v", u)
		}
		// The code goes before the fragment, and it is not the token.
		if !strings.HasPrefix(loc, srv.URL+"/?tab=1&code=") || !strings.HasSuffix(loc, "#section-tokens") {
			t.Fatalf("return location %q", loc)
		}
		if strings.Contains(loc, tok) || strings.Contains(loc, "eyJ") {
			t.Fatalf("a bearer token travelled in the redirect: %q", loc)
		}
		if n := core.RefreshTokens(admin.ID); n != 0 {
			t.Fatalf("the HA refresh token was not revoked: %d left", n)
		}
		linked, err := srv.App.Users.FindLinked(t.Context(), auth.ProviderHomeAssistant, admin.ID)
		if err != nil || linked.ID != u.ID {
			t.Fatalf("not linked by HA id: %v", err)
		}
		// Signing in again reuses the account.
		again, _, _ := f.signIn(t, admin.ID, ret)
		if again.ID != u.ID {
			t.Fatalf("second sign-in made another account: %s vs %s", again.ID, u.ID)
		}
	})

	t.Run("via auth/authorization_url", func(t *testing.T) {
		ws := apptestDial(t, srv.URL)
		r := ws.Command("auth/authorization_url", map[string]any{"provider_id": "homeassistant", "return_url": srv.URL + "/"})
		var res struct {
			URL *string `json:"authorization_url"`
		}
		if r.ErrorCode != 0 || json.Unmarshal(r.Result, &res) != nil || res.URL == nil ||
			!strings.HasPrefix(*res.URL, srv.URL+"/auth/authorize?") {
			t.Fatalf("auth/authorization_url: %+v %s", r, r.Result)
		}
		b := newBrowser(t)
		status, haURL, _ := b.get(*res.URL)
		if status != http.StatusFound {
			t.Fatalf("start URL: %d", status)
		}
		status, loc, _ := b.get(f.atHA(t, b, plain.ID, haURL))
		if status != http.StatusFound {
			t.Fatalf("callback: %d", status)
		}
		status, tok := f.exchange(t, codeFrom(t, loc))
		if status != 200 {
			t.Fatalf("exchange: %d", status)
		}
		var u auth.User
		_, raw := srv.do(t, "GET", "/auth/me", tok, nil)
		if json.Unmarshal(raw, &u) != nil || u.Username != "paula" || u.Role != auth.RoleUser {
			t.Fatalf("user: %s", raw)
		}
		// Remote clients get the device flow (the device-login service adopted this
		// handler for redirect logins only).
		r = ws.Command("auth/authorization_url", map[string]any{"provider_id": "homeassistant", "for_remote_client": true})
		if r.ErrorCode != 0 || !strings.Contains(string(r.Result), `"session_id"`) {
			t.Fatalf("for_remote_client: %+v %s", r, r.Result)
		}
		// Other providers are not this provider's.
		r = ws.Command("auth/authorization_url", map[string]any{"provider_id": "google", "return_url": srv.URL + "/"})
		if !strings.Contains(string(r.Result), `"authorization_url":null`) {
			t.Fatalf("unknown provider: %+v %s", r, r.Result)
		}
		r = ws.Command("auth/authorization_url", map[string]any{"provider_id": "homeassistant", "return_url": "https://evil.example/"})
		if r.ErrorCode == 0 {
			t.Fatalf("foreign return_url accepted by the command: %s", r.Result)
		}
	})

	t.Run("one-time code is single use and short-lived", func(t *testing.T) {
		f.calm()
		b := newBrowser(t)
		_, loc, _ := b.get(f.atHA(t, b, plain.ID, f.start(t, b, srv.URL+"/")))
		code := codeFrom(t, loc)
		if status, _ := f.exchange(t, code); status != 200 {
			t.Fatalf("first exchange: %d", status)
		}
		if status, _ := f.exchange(t, code); status != http.StatusBadRequest {
			t.Fatalf("reused code: %d, want 400", status)
		}
		b = newBrowser(t)
		_, loc, _ = b.get(f.atHA(t, b, plain.ID, f.start(t, b, srv.URL+"/")))
		srv.Clock.Advance(61 * time.Second)
		if status, _ := f.exchange(t, codeFrom(t, loc)); status != http.StatusBadRequest {
			t.Fatalf("expired code: %d, want 400", status)
		}
	})

	// The companion app's "Sign in with Home Assistant" reads ?code= from its
	// deep link as its token (it cannot trade a one-time code): it gets a
	// session token there, and only there.
	t.Run("companion app deep link gets a token", func(t *testing.T) {
		f.calm()
		const deepLink = "musicassistant://auth/callback"
		b := newBrowser(t)
		status, loc, body := b.get(f.atHA(t, b, plain.ID, f.start(t, b, deepLink)))
		if status != http.StatusFound || !strings.HasPrefix(loc, deepLink+"?code=") {
			t.Fatalf("callback to the companion app: %d %q %s", status, loc, body)
		}
		tok := codeFrom(t, loc)
		var u auth.User
		if st, raw := srv.do(t, "GET", "/auth/me", tok, nil); st != 200 || json.Unmarshal(raw, &u) != nil || u.Username != "paula" {
			t.Fatalf("the deep link's code is not paula's token: %d %s", st, raw)
		}
		if status, _ := f.exchange(t, tok); status != http.StatusBadRequest {
			t.Fatalf("the token also works as a one-time code: %d", status)
		}
		// Look-alikes of the deep link are no redirect target at all.
		for _, bad := range []string{"musicassistant://evil", "musicassistant://auth/callback/x", "musicassistant:evil"} {
			if status, loc, _ := newBrowser(t).get(srv.URL + "/auth/authorize?provider_id=homeassistant&return_url=" + url.QueryEscape(bad)); status != http.StatusBadRequest || loc != "" {
				t.Errorf("return_url %q: %d %q", bad, status, loc)
			}
		}
	})

	// Issue 11 item 6: the callback is the sign-in's cookie-bound step. A page
	// elsewhere that loads it as a frame, an image or a fetch is refused before
	// the state is spent; the real top-level navigation from HA still lands.
	t.Run("callback loaded by another site", func(t *testing.T) {
		f.calm()
		b := newBrowser(t)
		cb := f.atHA(t, b, plain.ID, f.start(t, b, srv.URL+"/"))
		embedded := []map[string]string{
			{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"},
			{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
			{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"},
		}
		for _, h := range embedded {
			if status, loc, _ := b.getWith(cb, h); status != http.StatusForbidden || loc != "" {
				t.Errorf("callback as %s: %d %q", h["Sec-Fetch-Dest"], status, loc)
			}
		}
		nav := map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
		status, loc, body := b.getWith(cb, nav)
		if status != http.StatusFound {
			t.Fatalf("HA's redirect after the refused loads: %d %s", status, body)
		}
		if status, tok := f.exchange(t, codeFrom(t, loc)); status != 200 || tok == "" {
			t.Fatalf("exchange: %d", status)
		}
	})

	t.Run("replayed state", func(t *testing.T) {
		f.calm()
		b := newBrowser(t)
		cb := f.atHA(t, b, plain.ID, f.start(t, b, srv.URL+"/"))
		cookies := b.c.Jar.Cookies(mustURL(t, cb))
		if status, _, _ := b.get(cb); status != http.StatusFound {
			t.Fatalf("first callback: %d", status)
		}
		// Even with the binding cookie put back, the state is spent.
		b.c.Jar.SetCookies(mustURL(t, cb), cookies)
		if status, loc, body := b.get(cb); status != http.StatusBadRequest || loc != "" || !strings.Contains(body, "Authentication failed") {
			t.Fatalf("replayed state: %d %q", status, loc)
		}
	})

	t.Run("expired state", func(t *testing.T) {
		f.calm()
		b := newBrowser(t)
		cb := f.atHA(t, b, plain.ID, f.start(t, b, srv.URL+"/"))
		srv.Clock.Advance(10*time.Minute + time.Second)
		if status, loc, _ := b.get(cb); status != http.StatusBadRequest || loc != "" {
			t.Fatalf("expired state: %d %q", status, loc)
		}
	})

	t.Run("swapped cookie", func(t *testing.T) {
		f.calm()
		victim, attacker := newBrowser(t), newBrowser(t)
		_ = f.start(t, victim, srv.URL+"/") // the victim has a binding cookie of their own
		cb := f.atHA(t, attacker, plain.ID, f.start(t, attacker, srv.URL+"/"))
		// The attacker's callback (their state, their HA code) opened in the victim's browser.
		if status, loc, _ := victim.get(cb); status != http.StatusBadRequest || loc != "" {
			t.Fatalf("state with another browser's cookie: %d %q", status, loc)
		}
		// And without any cookie.
		if status, _, _ := newBrowser(t).get(cb); status != http.StatusBadRequest {
			t.Fatalf("state without cookie: %d", status)
		}
	})

	t.Run("foreign return_url", func(t *testing.T) {
		f.calm()
		for _, bad := range []string{"https://evil.example/", "//evil.com", "/\\evil.com", "https:evil.com",
			"https://" + mustURL(t, srv.URL).Host + ".evil.com/", "javascript:alert(1)", "http://user@" + mustURL(t, srv.URL).Host + "/"} {
			b := newBrowser(t)
			status, loc, body := b.get(srv.URL + "/auth/authorize?provider_id=homeassistant&return_url=" + url.QueryEscape(bad))
			if status != http.StatusBadRequest || loc != "" {
				t.Errorf("return_url %q: %d %q", bad, status, loc)
			}
			if strings.Contains(body, bad) {
				t.Errorf("return_url %q reflected in the page", bad)
			}
		}
	})

	t.Run("HA user inactive", func(t *testing.T) {
		f.calm()
		gone := core.AddUser(hasstest.User{Username: "gone", Name: "Gone", IsActive: true})
		b := newBrowser(t)
		cb := f.atHA(t, b, gone.ID, f.start(t, b, srv.URL+"/"))
		core.SetUserActive(gone.ID, false)
		status, loc, body := b.get(cb)
		if status != http.StatusForbidden || loc != "" || !strings.Contains(body, "not active") {
			t.Fatalf("inactive HA user: %d %q %s", status, loc, body)
		}
		if _, err := srv.App.Users.FindLinked(t.Context(), auth.ProviderHomeAssistant, gone.ID); err == nil {
			t.Fatal("an inactive HA user got an account")
		}
	})

	t.Run("username of a local admin gets a separate account", func(t *testing.T) {
		f.calm()
		local, err := srv.App.Users.Create(t.Context(), auth.NewUser{Username: "root", Password: "correct horse battery", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		impostor := core.AddUser(hasstest.User{Username: "root", Name: "Not the admin", IsActive: true, GroupIDs: []string{hasstest.UserGroup}})
		u, _, _ := f.signIn(t, impostor.ID, srv.URL+"/")
		if u.ID == local.ID || u.Username == "root" || u.Role != auth.RoleUser {
			t.Fatalf("HA user took over the local admin: %+v", u)
		}
		after, _ := srv.App.Users.Get(t.Context(), local.ID)
		if after.Role != auth.RoleAdmin || after.Username != "root" {
			t.Fatalf("local admin changed: %+v", after)
		}
	})

	t.Run("error pages escape what they show", func(t *testing.T) {
		f.calm()
		payload := `"><script>alert(1)</script>`
		b := newBrowser(t)
		status, _, body := b.get(srv.URL + "/auth/callback?provider_id=homeassistant&code=x&state=" + url.QueryEscape(payload))
		if status != http.StatusBadRequest || strings.Contains(body, "<script>") {
			t.Fatalf("callback with a script payload: %d %s", status, body)
		}
	})
}

// While HA cannot be reached the provider is not offered and sign-ins do not start.
func TestSignInWithHomeAssistantUnreachable(t *testing.T) {
	f := newSignInFixture(t, nil)
	f.sup.Close() // the Supervisor (and with it the HA websocket proxy) goes away
	testutil.WaitFor(t, 10*time.Second, "the HA provider to leave auth/providers", func() bool {
		status, body := f.srv.do(t, "GET", "/auth/providers", "", nil)
		return status == 200 && !strings.Contains(string(body), "homeassistant")
	})
	if status, loc, _ := newBrowser(t).get(f.srv.URL + "/auth/authorize?provider_id=homeassistant"); status != http.StatusServiceUnavailable || loc != "" {
		t.Fatalf("start while HA is unreachable: %d %q", status, loc)
	}
	r := apptestDial(t, f.srv.URL).Command("auth/authorization_url", map[string]any{"provider_id": "homeassistant"})
	if !strings.Contains(string(r.Result), `"authorization_url":null`) {
		t.Fatalf("auth/authorization_url while HA is unreachable: %+v %s", r, r.Result)
	}
}

// Self-registration off: an HA user without an account is refused; one that
// already has a linked account still signs in, through the sidebar and with HA.
func TestSignInWithHomeAssistantSelfRegistrationOff(t *testing.T) {
	f := newSignInFixture(t, map[string]any{"allow_self_registration": false})
	stranger := f.core.AddUser(hasstest.User{Username: "stranger", Name: "Stranger", IsActive: true})
	b := newBrowser(t)
	cb := f.atHA(t, b, stranger.ID, f.start(t, b, f.srv.URL+"/"))
	status, loc, body := b.get(cb)
	if status != http.StatusForbidden || loc != "" || !strings.Contains(body, "Self-registration is disabled") {
		t.Fatalf("self-registration off: %d %q %s", status, loc, body)
	}
	if n := f.core.RefreshTokens(stranger.ID); n != 0 {
		t.Fatalf("HA token not revoked after a refusal: %d", n)
	}
	if users, _ := f.srv.App.Users.List(t.Context()); len(users) != 0 {
		t.Fatalf("an account was created: %+v", users)
	}
	newcomer := f.core.AddUser(hasstest.User{Username: "newcomer", Name: "Newcomer", IsActive: true})
	if status, _ := doJSON(t, http.DefaultClient, "GET", f.sup.IngressURL()+"auth/me", "", nil,
		[]*http.Cookie{f.sup.NewIngressSession(newcomer.ID)}); status != http.StatusForbidden {
		t.Fatalf("sidebar with self-registration off, no account: %d", status)
	}

	// With self-registration off the sidebar makes no accounts either (issue 11), so
	// the account is one made while it was on: created and linked to the HA user.
	known := f.core.AddUser(hasstest.User{Username: "known", Name: "Known", IsActive: true})
	account, err := f.srv.App.Users.Create(t.Context(), auth.NewUser{Username: "known", Role: auth.RoleUser})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.App.Users.Link(t.Context(), account.ID, auth.ProviderHomeAssistant, known.ID); err != nil {
		t.Fatal(err)
	}
	session := f.sup.NewIngressSession(known.ID)
	if status, _ := doJSON(t, http.DefaultClient, "GET", f.sup.IngressURL()+"auth/me", "", nil, []*http.Cookie{session}); status != 200 {
		t.Fatalf("ingress login: %d", status)
	}
	if u, _, _ := f.signIn(t, known.ID, f.srv.URL+"/"); u.Username != "known" {
		t.Fatalf("linked user with self-registration off: %+v", u)
	}
}

func hasProvider(list []api.ProviderInfo, id string) bool {
	for _, p := range list {
		if p.ProviderID == id && p.RequiresRedirect {
			return true
		}
	}
	return false
}
