package auth_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/secrets"
	"segue/internal/store"
)

type fixture struct {
	db     *store.DB
	clock  *clocktest.Fake
	users  *auth.Users
	tokens *auth.Tokens
	login  *auth.Login
	thr    *auth.Throttle
	kills  *auth.Notifier
	key    []byte
}

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir()+"/segue.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, clock: clocktest.NewFake(t0), kills: &auth.Notifier{}}
	rnd := secrets.NewRandom(rand.Reader)
	hasher := secrets.NewHasher(secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, 4, rand.Reader, f.clock, nil)
	f.users = auth.NewUsers(db, f.clock, rnd, hasher, f.kills)
	f.key = rnd.Bytes(32)
	f.tokens, err = auth.NewTokens(db, f.users, f.clock, rnd, f.kills, f.key, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	f.thr = auth.NewThrottle(f.clock)
	f.login = auth.NewLogin(f.users, f.tokens, hasher, f.thr, logrus.New())
	return f
}

func (f *fixture) user(t testing.TB, name string, role auth.Role) auth.User {
	t.Helper()
	u, err := f.users.Create(context.Background(), auth.NewUser{Username: name, Password: "password-" + name, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}
