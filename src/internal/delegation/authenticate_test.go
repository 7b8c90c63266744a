package delegation

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/store"
	"segue/internal/testutil"
)

// fixture is the service on a real SQLite database with real users and tokens.
type fixture struct {
	svc    *Service
	users  *auth.Users
	tokens *auth.Tokens
	clk    *clocktest.Fake
	ended  []string
}

func newFixture(t *testing.T) *fixture {
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
	hasher := secrets.NewHasher(secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, 2, rand.Reader, clk, nil)
	users := auth.NewUsers(db, clk, rnd, hasher, kills)
	tokens, err := auth.NewTokens(db, users, clk, rnd, kills, rnd.Bytes(32), "test-server", 0)
	if err != nil {
		t.Fatal(err)
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	f := &fixture{users: users, tokens: tokens, clk: clk}
	f.svc = New(Deps{DB: db, Users: users, Signer: tokens, Clock: clk, Random: rnd, Throttle: auth.NewThrottle(clk), Log: log,
		EndSessions: func(ids []string) { f.ended = append(f.ended, ids...) }})
	kills.Subscribe(f.svc.Module().OnKill)
	return f
}

func (f *fixture) user(t *testing.T, name, email string, role auth.Role) auth.User {
	t.Helper()
	u, err := f.users.Create(context.Background(), auth.NewUser{Username: name, Password: "user-password-1", Role: role, Email: &email})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) app(t *testing.T, scopes []auth.Scope, emails ...string) (App, string) {
	t.Helper()
	a, secret, err := f.svc.Create(context.Background(), NewApp{Name: "bot", Scopes: scopes, AllowedEmails: emails})
	if err != nil {
		t.Fatal(err)
	}
	return a, secret
}

func (f *fixture) token(t *testing.T, a App, secret, email string) string {
	t.Helper()
	resp, oerr := f.svc.IssueToken(context.Background(), TokenRequest{GrantType: "client_credentials", ClientID: a.ClientID,
		ClientSecret: secret, Scope: email, IP: "192.0.2.1"})
	if oerr != nil {
		t.Fatalf("issue: %v", oerr)
	}
	return resp.AccessToken
}

func (f *fixture) sign(t *testing.T, claims jwt.MapClaims, typ string) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["typ"] = typ
	key, _ := f.tokens.KeyFunc(tok)
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func parseClaims(t *testing.T, raw string) jwt.MapClaims {
	t.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for key, val := range c {
		out[key] = val
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// The authenticator's decision matrix, with the exact reason for each refusal.
func TestAuthenticateMatrix(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	alice := f.user(t, "alice", "alice@example.com", auth.RoleUser)
	a, secret := f.app(t, []auth.Scope{auth.ScopeLibraryRead, auth.ScopeLibraryWrite}, "alice@example.com")
	good := f.token(t, a, secret, "alice@example.com")
	base := parseClaims(t, good)
	session, _, err := f.tokens.Issue(ctx, alice, "session", false)
	if err != nil {
		t.Fatal(err)
	}

	p, err := f.svc.Authenticate(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if p.User.ID != alice.ID || p.Method != auth.MethodDelegated || p.AppID != a.ClientID || p.TokenID != base["jti"] ||
		!p.Can(auth.ScopeLibraryRead) || p.Can(auth.ScopeUsersManage) || p.Can(auth.ScopePlayersRead) {
		t.Fatalf("principal %+v", p)
	}

	cases := []struct {
		name string
		tok  string
		want error
	}{
		{"session token", session, auth.ErrInvalidToken},
		{"session claims typed at+jwt", f.sign(t, parseClaims(t, session), TokenType), auth.ErrInvalidToken},
		{"typ JWT", f.sign(t, base, "JWT"), ErrInvalidType},
		{"no typ", f.sign(t, base, ""), ErrInvalidType},
		{"not delegated", f.sign(t, with(base, "delegated", false), TokenType), ErrInvalidType},
		{"missing user_id", f.sign(t, with(base, "user_id", nil), TokenType), ErrInvalidClaims},
		{"missing client_id", f.sign(t, with(base, "client_id", nil), TokenType), ErrInvalidClaims},
		{"missing jti", f.sign(t, with(base, "jti", nil), TokenType), ErrInvalidClaims},
		{"act names another client", f.sign(t, with(base, "act", map[string]any{"sub": "other"}), TokenType), ErrInvalidClaims},
		{"wrong audience", f.sign(t, with(base, "aud", auth.SessionAudience), TokenType), auth.ErrInvalidToken},
		{"two audiences", f.sign(t, with(base, "aud", []string{Audience, auth.SessionAudience}), TokenType), nil},
		{"wrong issuer", f.sign(t, with(base, "iss", "segue:x"), TokenType), auth.ErrInvalidToken},
		{"no exp", f.sign(t, with(base, "exp", nil), TokenType), auth.ErrInvalidToken},
		{"iat 2 min ahead", f.sign(t, with(base, "iat", f.clk.Now().Add(2*time.Minute).Unix()), TokenType), auth.ErrInvalidToken},
		{"nbf in the future", f.sign(t, with(base, "nbf", f.clk.Now().Add(10*time.Minute).Unix()), TokenType), auth.ErrInvalidToken},
		{"unknown row", f.sign(t, with(base, "jti", "nope"), TokenType), auth.ErrInvalidToken},
		{"row of another user", f.sign(t, with(base, "user_id", "someone"), TokenType), ErrInvalidClaims},
		{"not a JWT", "abc", auth.ErrInvalidToken},
		{"alg none", unsignedNone(t, base), auth.ErrInvalidToken},
	}
	for _, c := range cases {
		_, err := f.svc.Authenticate(ctx, c.tok)
		if !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}

	// Expiry with the leeway: fine at +1h+20s, refused at +1h+40s.
	f.clk.Advance(time.Hour + 20*time.Second)
	if _, err := f.svc.Authenticate(ctx, good); err == nil {
		// The row expiry is exact; the JWT leeway cannot extend it.
		t.Error("token accepted after its row expired")
	}
	f.clk.Advance(20 * time.Second)
	if _, err := f.svc.Authenticate(ctx, good); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("expired: %v", err)
	}
}

func unsignedNone(t *testing.T, c jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, c)
	tok.Header["typ"] = TokenType
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Users disabled or deleted, and apps deleted, are refused with their reasons;
// the database failing makes the check fail closed.
func TestAuthenticateStateChanges(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	alice := f.user(t, "alice", "alice@example.com", auth.RoleGuest)
	a, secret := f.app(t, []auth.Scope{auth.ScopeLibraryRead, auth.ScopeLibraryWrite}, "alice@example.com")
	tok := f.token(t, a, secret, "alice@example.com")
	p, err := f.svc.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	// A guest cannot write the library, so the delegated token cannot either.
	if p.Can(auth.ScopeLibraryWrite) || !p.Can(auth.ScopeLibraryRead) {
		t.Fatalf("scopes not narrowed to the role: %v", p.Scopes.List())
	}
	if err := f.users.SetEnabled(ctx, alice.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, tok); !errors.Is(err, ErrAccountDisable) || !fail.Is(err, fail.KindAuthFailed) {
		t.Errorf("disabled user: %v", err)
	}
	if err := f.users.SetEnabled(ctx, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, tok); err != nil {
		t.Fatalf("re-enabled user: %v", err)
	}
	if err := f.svc.Delete(ctx, a.ClientID); err != nil {
		t.Fatal(err)
	}
	if len(f.ended) != 1 || f.ended[0] != p.TokenID {
		t.Errorf("sessions ended on delete: %v", f.ended)
	}
	if _, err := f.svc.Authenticate(ctx, tok); err == nil {
		t.Error("token of a deleted app accepted")
	}

	// A user deleted after issue.
	b, secret := f.app(t, []auth.Scope{auth.ScopeLibraryRead}, "alice@example.com")
	tok = f.token(t, b, secret, "alice@example.com")
	if err := f.users.Delete(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, tok); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("deleted user: %v", err)
	}
}

// With the database closed, a token not in the cache fails closed (Unavailable, never accepted).
func TestAuthenticateFailsClosed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.user(t, "alice", "alice@example.com", auth.RoleUser)
	a, secret := f.app(t, []auth.Scope{auth.ScopeLibraryRead}, "alice@example.com")
	tok := f.token(t, a, secret, "alice@example.com")
	f.svc.forgetApp(a.ClientID) // empty the caches
	f.svc.d.DB.R.Close()
	_, err := f.svc.Authenticate(ctx, tok)
	if !fail.Is(err, fail.KindUnavailable) {
		t.Fatalf("closed database: %v, want Unavailable", err)
	}
	if _, oerr := f.svc.IssueToken(ctx, TokenRequest{GrantType: "client_credentials", ClientID: a.ClientID, ClientSecret: secret,
		Scope: "alice@example.com"}); oerr == nil || oerr.Status != 503 {
		t.Fatalf("issue with a closed database: %v", oerr)
	}
}

// Checklist 14/29/40: secrets are 256-bit, distinct, and stored only as SHA-256.
func TestSecretsAreRandomAndHashed(t *testing.T) {
	f := newFixture(t)
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		a, secret := f.app(t, []auth.Scope{auth.ScopeLibraryRead})
		if len(secret) != 43 || seen[secret] || seen[a.ClientID] {
			t.Fatalf("secret %q / client %q", secret, a.ClientID)
		}
		seen[secret], seen[a.ClientID] = true, true
		stored, found, err := f.svc.secretHash(context.Background(), a.ClientID)
		if err != nil || !found || stored != secrets.SHA256Hex(secret) {
			t.Fatalf("stored hash %q", stored)
		}
	}
}

func TestMayDelegate(t *testing.T) {
	a := App{AllowedEmails: []string{"a@x.example"}, AllowedDomains: []string{"corp.example"}}
	for email, want := range map[string]bool{
		"a@x.example": true, "b@x.example": false, "c@corp.example": true, "c@sub.corp.example": false,
		"c@evilcorp.example": false, "": false, "corp.example": false,
	} {
		if got := a.MayDelegate(email); got != want {
			t.Errorf("%q: %v", email, got)
		}
	}
}

// A token request that authenticated just before a rotation (or disable) cannot
// land a token afterwards: the insert re-checks the secret in the same transaction.
func TestNoTokenOutlivesItsSecret(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	alice := f.user(t, "alice", "alice@example.com", auth.RoleUser)
	a, secret := f.app(t, []auth.Scope{auth.ScopeLibraryRead}, "alice@example.com")
	if _, err := f.svc.RotateSecret(ctx, a.ClientID); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.mint(ctx, a, hashSecret(secret), alice, auth.NewScopeSet(auth.ScopeLibraryRead))
	if !errors.Is(err, errChangedMeanwhile) {
		t.Fatalf("mint after rotation: %v", err)
	}
	var rows int
	if err := f.svc.d.DB.R.QueryRow("SELECT count(*) FROM delegated_tokens").Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("token rows: %d %v", rows, err)
	}
}

// TestPruneLoopDropsExpiredRowsEachInterval: the background prune removes a
// delegated token's row once the clock passes pruneEvery after it expired.
func TestPruneLoopDropsExpiredRowsEachInterval(t *testing.T) {
	f := newFixture(t)
	f.user(t, "alice", "alice@example.com", auth.RoleUser)
	a, secret := f.app(t, []auth.Scope{auth.ScopeLibraryRead}, "alice@example.com")
	f.token(t, a, secret, "alice@example.com")
	rows := func() int {
		var n int
		if err := f.svc.d.DB.R.QueryRow("SELECT count(*) FROM delegated_tokens").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if rows() != 1 {
		t.Fatalf("%d token rows, want 1", rows())
	}
	ctx, cancel := context.WithCancel(context.Background())
	others := f.clk.Timers() // e.g. the hasher's memory trim
	done := make(chan struct{})
	go func() { _ = f.svc.pruneLoop(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	f.clk.WaitForTimers(others+1, ctx.Done())
	f.clk.Advance(max(pruneEvery, TokenLifetime) + time.Minute)
	testutil.WaitFor(t, 10*time.Second, "the expired row pruned", func() bool { return rows() == 0 })
}
