package auth_test

import (
	"context"
	"testing"
	"time"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
)

func TestThrottleTiers(t *testing.T) {
	clk := clock.NewFake(t0)
	th := auth.NewThrottle(clk)
	k := auth.UserKey("alice")
	cases := []struct {
		failures int
		want     time.Duration
	}{{1, 0}, {2, 0}, {3, 30 * time.Second}, {5, 30 * time.Second}, {6, 60 * time.Second}, {9, 60 * time.Second},
		{10, 120 * time.Second}, {14, 120 * time.Second}, {15, 300 * time.Second}, {40, 300 * time.Second}}
	n := 0
	for _, c := range cases {
		for n < c.failures {
			th.Fail(k)
			n++
		}
		if got := th.Wait(k); got != c.want {
			t.Errorf("after %d failures wait %v, want %v", c.failures, got, c.want)
		}
	}
	clk.Advance(auth.ThrottleWindow + time.Second)
	if got := th.Wait(k); got != 0 {
		t.Errorf("failures outside the window still count: %v", got)
	}
	th.Fail(k)
	th.Reset(k)
	if got := th.Wait(k); got != 0 {
		t.Errorf("reset did not clear: %v", got)
	}
}

func TestLoginThrottleAndSameAnswer(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.user(t, "alice", auth.RoleUser)
	for i := 0; i < 3; i++ {
		if _, err := f.login.Check(ctx, "alice", "wrong-password", "10.0.0.1"); err != auth.ErrBadCredentials {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	// The 4th attempt, even with the right password, waits about 30 s.
	_, err := f.login.Check(ctx, "alice", "password-alice", "10.0.0.2")
	if !fail.Is(err, fail.KindRateLimited) {
		t.Fatalf("4th attempt: want rate limited, got %v", err)
	}
	if w := fail.As(err).RetryAfter; w < 29*time.Second || w > 30*time.Second {
		t.Fatalf("wait %v, want about 30 s", w)
	}
	f.clock.Advance(29 * time.Second)
	if _, err := f.login.Check(ctx, "alice", "password-alice", "10.0.0.2"); !fail.Is(err, fail.KindRateLimited) {
		t.Fatalf("at 29 s: %v", err)
	}
	f.clock.Advance(2 * time.Second)
	if _, err := f.login.Check(ctx, "alice", "password-alice", "10.0.0.2"); err != nil {
		t.Fatalf("after 31 s the right password must work: %v", err)
	}
	// Unknown user, wrong password and disabled account: one answer.
	bob := f.user(t, "bob", auth.RoleUser)
	_ = f.users.SetEnabled(ctx, bob.ID, false)
	_, e1 := f.login.Check(ctx, "nosuchuser", "whatever-pw", "10.0.0.3")
	_, e2 := f.login.Check(ctx, "alice", "wrong-password", "10.0.0.4")
	_, e3 := f.login.Check(ctx, "bob", "password-bob", "10.0.0.5")
	if e1 != auth.ErrBadCredentials || e2 != auth.ErrBadCredentials || e3 != auth.ErrBadCredentials {
		t.Fatalf("answers differ: %v / %v / %v", e1, e2, e3)
	}
}

func TestPasswordRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	long := make([]byte, 1025)
	for i := range long {
		long[i] = 'x'
	}
	cases := []struct {
		user, pw string
		ok       bool
	}{
		{"ab", "12345678", true},
		{"a", "12345678", false},
		{"cd", "1234567", false},
		{"ef", string(long[:1024]), true},
		{"gh", string(long), false},
		{"  MiXeD  ", "12345678", true},
		{"with space", "12345678", false},
	}
	for _, c := range cases {
		_, err := f.users.Create(ctx, auth.NewUser{Username: c.user, Password: c.pw})
		if (err == nil) != c.ok {
			t.Errorf("create %q/%d bytes: err=%v, want ok=%v", c.user, len(c.pw), err, c.ok)
		}
	}
	if _, err := f.users.Lookup(ctx, "MIXED"); err != nil {
		t.Errorf("usernames must be case-insensitive: %v", err)
	}
	if _, err := f.users.Create(ctx, auth.NewUser{Username: "Mixed", Password: "12345678"}); !fail.Is(err, fail.KindConflict) {
		t.Errorf("duplicate username differing in case: %v", err)
	}
	// Passwords differing only at byte 73 are distinct (no bcrypt-style truncation).
	base := string(long[:72])
	u, _ := f.users.Create(ctx, auth.NewUser{Username: "trunc", Password: base + "A"})
	if ok, _ := f.users.VerifyPassword(ctx, u.ID, base+"B"); ok {
		t.Error("password truncated at 72 bytes")
	}
}

func TestEmailNormalisedAndUnique(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	e := "  Alice@Example.COM "
	u, err := f.users.Create(ctx, auth.NewUser{Username: "alice", Password: "12345678", Email: &e})
	if err != nil {
		t.Fatal(err)
	}
	if *u.Email != "alice@example.com" {
		t.Fatalf("email stored as %q", *u.Email)
	}
	got, err := f.users.ByEmail(ctx, "ALICE@example.com")
	if err != nil || got.ID != u.ID {
		t.Fatalf("lookup by email: %v", err)
	}
	e2 := "alice@EXAMPLE.com"
	if _, err := f.users.Create(ctx, auth.NewUser{Username: "alice2", Password: "12345678", Email: &e2}); !fail.Is(err, fail.KindConflict) {
		t.Fatalf("duplicate email: %v", err)
	}
}
