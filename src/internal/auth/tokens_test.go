package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/testutil"
)

// claimsFor re-creates the claim set of a real token so it can be re-signed.
func claimsFor(t *testing.T, f *fixture, tok string) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func TestTokenRules(t *testing.T) {
	ctx := context.Background()
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

	cases := []struct {
		name string
		// make returns the token to present; it may change the fixture.
		make   func(t *testing.T, f *fixture, u auth.User) string
		accept bool
	}{
		{"valid session token", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			return tok
		}, true},
		{"alg none", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			s, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claimsFor(t, f, tok)).SignedString(jwt.UnsafeAllowNoneSignatureType)
			return s
		}, false},
		{"alg HS384 with the right key", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS384, claimsFor(t, f, tok)).SignedString(f.key)
			return s
		}, false},
		{"alg HS512 with the right key", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, claimsFor(t, f, tok)).SignedString(f.key)
			return s
		}, false},
		{"alg RS256", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			s, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, claimsFor(t, f, tok)).SignedString(rsaKey)
			return s
		}, false},
		{"alg ES256", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			s, _ := jwt.NewWithClaims(jwt.SigningMethodES256, claimsFor(t, f, tok)).SignedString(ecKey)
			return s
		}, false},
		{"missing exp", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			c := claimsFor(t, f, tok)
			delete(c, "exp")
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(f.key)
			return s
		}, false},
		{"wrong signature", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claimsFor(t, f, tok)).SignedString([]byte(strings.Repeat("k", 32)))
			return s
		}, false},
		{"empty HMAC key", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claimsFor(t, f, tok)).SignedString([]byte{})
			return s
		}, false},
		{"wrong audience", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			c := claimsFor(t, f, tok)
			c["aud"] = "segue-delegated"
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(f.key)
			return s
		}, false},
		{"wrong issuer", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			c := claimsFor(t, f, tok)
			c["iss"] = "someone-else"
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(f.key)
			return s
		}, false},
		{"issued 2 minutes in the future", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			c := claimsFor(t, f, tok)
			c["iat"] = f.clock.Now().Add(2 * time.Minute).Unix()
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(f.key)
			return s
		}, false},
		{"jku header", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			c := claimsFor(t, f, tok)
			c["sub"] = "someone"
			j := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
			j.Header["jku"] = "http://127.0.0.1:9/"
			j.Header["kid"] = "../../etc/passwd"
			s, _ := j.SignedString([]byte("attacker-key-attacker-key-attack"))
			return s
		}, false},
		{"expired (JWT exp passed)", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", true)
			f.clock.Advance(400 * 24 * time.Hour)
			return tok
		}, false},
		{"row deleted", func(t *testing.T, f *fixture, u auth.User) string {
			tok, info, _ := f.tokens.Issue(ctx, u, "t", false)
			if _, err := f.tokens.Authenticate(ctx, tok); err != nil { // cached before the delete
				t.Fatal(err)
			}
			if err := f.tokens.Revoke(ctx, info.ID); err != nil {
				t.Fatal(err)
			}
			return tok
		}, false},
		{"row deleted behind the cache's back", func(t *testing.T, f *fixture, u auth.User) string {
			tok, info, _ := f.tokens.Issue(ctx, u, "t", false)
			if _, err := f.db.W.Exec("DELETE FROM auth_tokens WHERE token_id = ?", info.ID); err != nil {
				t.Fatal(err)
			}
			return tok
		}, false},
		{"user disabled", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			if _, err := f.tokens.Authenticate(ctx, tok); err != nil {
				t.Fatal(err)
			}
			if err := f.users.SetEnabled(ctx, u.ID, false); err != nil {
				t.Fatal(err)
			}
			return tok
		}, false},
		{"user deleted", func(t *testing.T, f *fixture, u auth.User) string {
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			if err := f.users.Delete(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			return tok
		}, false},
		{"row of another user (sub mismatch)", func(t *testing.T, f *fixture, u auth.User) string {
			other := f.user(t, "other", auth.RoleAdmin)
			tok, _, _ := f.tokens.Issue(ctx, u, "t", false)
			c := claimsFor(t, f, tok)
			c["sub"] = other.ID
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(f.key)
			return s
		}, false},
		{"legacy opaque token by hash", func(t *testing.T, f *fixture, u auth.User) string {
			legacy := "legacy_" + strings.Repeat("A", 57)
			if _, err := f.tokens.InsertLegacy(ctx, u.ID, secrets.SHA256Hex(legacy), "old", f.clock.Now(), f.clock.Now().Add(24*time.Hour), false); err != nil {
				t.Fatal(err)
			}
			return legacy
		}, true},
		{"legacy token past its DB expiry", func(t *testing.T, f *fixture, u auth.User) string {
			legacy := strings.Repeat("B", 64)
			if _, err := f.tokens.InsertLegacy(ctx, u.ID, secrets.SHA256Hex(legacy), "old", f.clock.Now().Add(-48*time.Hour), f.clock.Now().Add(-time.Hour), false); err != nil {
				t.Fatal(err)
			}
			return legacy
		}, false},
		{"JWT-shaped string with a matching legacy hash", func(t *testing.T, f *fixture, u auth.User) string {
			fake := "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
			if _, err := f.tokens.InsertLegacy(ctx, u.ID, secrets.SHA256Hex(fake), "trap", f.clock.Now(), f.clock.Now().Add(24*time.Hour), true); err != nil {
				t.Fatal(err)
			}
			return fake
		}, false},
		{"1 MB of dots", func(t *testing.T, f *fixture, u auth.User) string {
			return strings.Repeat(".", 1<<20)
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			u := f.user(t, "alice", auth.RoleUser)
			tok := tc.make(t, f, u)
			p, err := f.tokens.Authenticate(ctx, tok)
			if tc.accept {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if p.User.ID != u.ID || p.Method != auth.MethodToken {
					t.Fatalf("wrong principal %+v", p)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted a token that must be refused")
			}
			if !fail.Is(err, fail.KindInvalidToken) {
				t.Fatalf("want invalid token, got %v", err)
			}
		})
	}
}

func TestIssuedClaims(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "bob", auth.RoleAdmin)
	tok, info, err := f.tokens.Issue(context.Background(), u, "phone", true)
	if err != nil {
		t.Fatal(err)
	}
	c := claimsFor(t, f, tok)
	for _, k := range []string{"sub", "jti", "iat", "exp", "username", "role", "token_name", "is_long_lived", "iss", "aud"} {
		if _, ok := c[k]; !ok {
			t.Errorf("claim %s missing", k)
		}
	}
	if c["jti"] != info.ID || c["sub"] != u.ID || c["is_long_lived"] != true || c["token_name"] != "phone" {
		t.Errorf("claims %v do not match row %+v", c, info)
	}
	var stored string
	if err := f.db.R.QueryRow("SELECT token_hash FROM auth_tokens WHERE token_id = ?", info.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != secrets.SHA256Hex(tok) || strings.Contains(stored, tok) {
		t.Errorf("row must hold only the SHA-256 of the token")
	}
	if exp := time.Unix(int64(c["exp"].(float64)), 0); exp.Sub(f.clock.Now()) != auth.DefaultLongLivedTTL {
		t.Errorf("long-lived exp = %v, want now+365d", exp)
	}
}

func TestSlidingExpiryAndCap(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u := f.user(t, "carol", auth.RoleUser)
	tok, info, err := f.tokens.Issue(ctx, u, "s", false)
	if err != nil {
		t.Fatal(err)
	}
	// Unused for more than the sliding window: refused.
	f2 := newFixture(t)
	u2 := f2.user(t, "dave", auth.RoleUser)
	idle, _, _ := f2.tokens.Issue(ctx, u2, "s", false)
	f2.clock.Advance(auth.SlidingWindow + time.Hour)
	if _, err := f2.tokens.Authenticate(ctx, idle); err == nil {
		t.Fatal("a token idle for more than 30 days must be refused")
	}
	// Used every 20 days: stays valid until the 90-day cap, then refused.
	day := 24 * time.Hour
	for elapsed := 20 * day; elapsed <= 80*day; elapsed += 20 * day {
		f.clock.Set(info.CreatedAt.Add(elapsed))
		if _, err := f.tokens.Authenticate(ctx, tok); err != nil {
			t.Fatalf("day %d: refused: %v", elapsed/day, err)
		}
	}
	if err := f.tokens.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var expires int64
	if err := f.db.R.QueryRow("SELECT expires_at FROM auth_tokens WHERE token_id = ?", info.ID).Scan(&expires); err != nil {
		t.Fatal(err)
	}
	if got, cap := time.UnixMilli(expires), info.CreatedAt.Add(auth.AbsoluteCap); !got.Equal(cap) {
		t.Fatalf("persisted expiry %v, want the cap %v", got, cap)
	}
	f.clock.Set(info.CreatedAt.Add(auth.AbsoluteCap + time.Minute))
	if _, err := f.tokens.Authenticate(ctx, tok); err == nil {
		t.Fatal("a short-lived token must be refused after the 90-day cap")
	}
}

func TestLongLivedDoesNotSlide(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u := f.user(t, "erin", auth.RoleUser)
	tok, info, _ := f.tokens.Issue(ctx, u, "ll", true)
	f.clock.Advance(300 * 24 * time.Hour)
	if _, err := f.tokens.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	_ = f.tokens.Flush(ctx)
	got, _ := f.tokens.Get(ctx, info.ID)
	if !got.ExpiresAt.Equal(info.ExpiresAt.UTC()) {
		t.Fatalf("long-lived expiry moved from %v to %v", info.ExpiresAt, got.ExpiresAt)
	}
	if got.LastUsedAt == nil {
		t.Fatal("last_used_at not recorded")
	}
}

// Concurrent refreshes never revive a revoked row.
func TestRevokeWinsOverRefresh(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u := f.user(t, "frank", auth.RoleUser)
	tok, info, _ := f.tokens.Issue(ctx, u, "r", false)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			f.clock.Advance(6 * time.Minute)
			_, _ = f.tokens.Authenticate(ctx, tok)
			_ = f.tokens.Flush(ctx)
			if i == 25 {
				_ = f.tokens.Revoke(ctx, info.ID)
			}
		}(i)
	}
	wg.Wait()
	_ = f.tokens.Flush(ctx)
	if _, err := f.tokens.Authenticate(ctx, tok); err == nil {
		t.Fatal("revoked token accepted after concurrent refreshes")
	}
	var n int
	_ = f.db.R.QueryRow("SELECT count(*) FROM auth_tokens WHERE token_id = ?", info.ID).Scan(&n)
	if n != 0 {
		t.Fatal("revoked row came back")
	}
}

// A database that cannot answer refuses tokens (fail closed).
func TestTokenCheckFailsClosed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u := f.user(t, "gina", auth.RoleUser)
	tok, _, _ := f.tokens.Issue(ctx, u, "x", false)
	f.db.R.Close()
	_, err := f.tokens.Authenticate(ctx, tok)
	if err == nil || !fail.Is(err, fail.KindUnavailable) {
		t.Fatalf("want unavailable, got %v", err)
	}
}

func TestShortKeyRefused(t *testing.T) {
	f := newFixture(t)
	if _, err := auth.NewTokens(f.db, f.users, f.clock, secrets.NewRandom(rand.Reader), f.kills, make([]byte, 16), "x", 0); err == nil {
		t.Fatal("a 16-byte key must be refused")
	}
}

// TestRunFlusherSavesActivityEachInterval: activity that is not written at
// once (a token used again within minutes) reaches the database when the clock
// passes FlushInterval, not before; the flusher then waits for the next interval.
func TestRunFlusherSavesActivityEachInterval(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := newFixture(t)
	u := f.user(t, "frank", auth.RoleUser)
	tok, info, _ := f.tokens.Issue(ctx, u, "s", false)
	lastUsed := func() int64 {
		var ms sql.NullInt64
		if err := f.db.R.QueryRow("SELECT last_used_at FROM auth_tokens WHERE token_id = ?", info.ID).Scan(&ms); err != nil {
			t.Fatal(err)
		}
		return ms.Int64
	}
	if _, err := f.tokens.Authenticate(ctx, tok); err != nil { // the first use is written at once
		t.Fatal(err)
	}
	others := f.clock.Timers() // e.g. the hasher's memory trim
	done := make(chan struct{})
	go func() { _ = f.tokens.RunFlusher(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	f.clock.WaitForTimers(others+1, ctx.Done())

	f.clock.Advance(time.Second)
	if _, err := f.tokens.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	used := f.clock.Now().UnixMilli()
	if lastUsed() == used {
		t.Fatal("activity saved before the interval")
	}
	f.clock.Advance(auth.FlushInterval - time.Second)
	testutil.WaitFor(t, 10*time.Second, "the flush", func() bool { return lastUsed() == used })
	// Only the flusher's timer is left (the trim fired at 2 s).
	wait, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	if !f.clock.WaitForTimers(1, wait.Done()) {
		t.Fatal("the flusher did not wait for the next interval")
	}
}
