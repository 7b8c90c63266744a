package apppass_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"segue/internal/apppass"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/store"
)

type fixture struct {
	dir   string
	db    *store.DB
	users *auth.Users
	kills *auth.Notifier
	svc   *apppass.Service
	rnd   *secrets.Random
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{dir: t.TempDir(), kills: &auth.Notifier{}, rnd: secrets.NewRandom(rand.Reader)}
	db, err := store.Open(ctx, filepath.Join(f.dir, "segue.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	hasher := secrets.NewHasher(secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, 2, rand.Reader, clock.Real{}, nil)
	f.users = auth.NewUsers(db, clock.Real{}, f.rnd, hasher, f.kills)
	f.svc = f.open(t)
	return f
}

func (f *fixture) open(t *testing.T) *apppass.Service {
	t.Helper()
	svc, err := apppass.Open(context.Background(), apppass.Deps{DB: f.db, Users: f.users, Random: f.rnd,
		Clock: clock.Real{}, KeyPath: filepath.Join(f.dir, apppass.KeyFile)})
	if err != nil {
		t.Fatal(err)
	}
	f.kills.Subscribe(func(k auth.Kill) {
		if k.UserID != "" {
			svc.Forget(k.UserID)
		}
	})
	return svc
}

func (f *fixture) user(t *testing.T, name string) auth.User {
	t.Helper()
	u, err := f.users.Create(context.Background(), auth.NewUser{Username: name, Password: name + "-password"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestGeneratedPasswords: ≥128 bits, letters and digits only, unique (checklist 29).
func TestGeneratedPasswords(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		u := f.user(t, "user"+string(rune('a'+i%26))+string(rune('a'+i/26)))
		pw, err := f.svc.Reveal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != apppass.Length || seen[pw] {
			t.Fatalf("password %q (dup=%v)", pw, seen[pw])
		}
		seen[pw] = true
		for _, c := range pw {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '2' && c <= '9') || strings.ContainsRune("0O1lI", c) {
				t.Fatalf("untypeable character %q in %q", c, pw)
			}
		}
	}
	// 56 symbols: log2(56) > 5.8, times 24 > 139 bits.
	if apppass.Length*58 < 128*10 {
		t.Fatalf("entropy below 128 bits")
	}
}

// TestCiphertextSwapDoesNotOpen (checklist 51): the user id is the associated
// data, so a ciphertext copied into another user's row does not decrypt.
func TestCiphertextSwapDoesNotOpen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	alice, bob := f.user(t, "alice"), f.user(t, "bob")
	alicePW, err := f.svc.Reveal(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Reveal(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.W.Exec(`UPDATE subsonic_app_passwords SET ciphertext =
		(SELECT ciphertext FROM subsonic_app_passwords WHERE user_id = ?) WHERE user_id = ?`, alice.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	f.svc.Forget(bob.ID)
	if pw, err := f.svc.Reveal(ctx, bob.ID); err == nil {
		t.Fatalf("bob's row with alice's ciphertext opened: %q", pw)
	}
	if _, _, found, err := f.svc.Lookup(ctx, "bob"); found || !errors.Is(err, apppass.ErrUndecryptable) {
		t.Fatalf("lookup of swapped row: found=%v err=%v", found, err)
	}
	if _, secret, found, err := f.svc.Lookup(ctx, "alice"); err != nil || !found || secret != alicePW {
		t.Fatalf("alice unaffected: %v %v", found, err)
	}
}

// TestAtRestEncrypted: the database file never holds the plaintext; the key
// file is 0600 and separate from the database.
func TestAtRestEncrypted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.user(t, "alice")
	pw, err := f.svc.Reveal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.W.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"segue.db", "segue.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(f.dir, name))
		if bytes.Contains(b, []byte(pw)) {
			t.Fatalf("%s contains the plaintext app-password", name)
		}
	}
	info, err := os.Stat(filepath.Join(f.dir, apppass.KeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
}

// TestWrongKeyFailsLoudly (checklist 51): a replaced master key is refused at
// start by the stored check value, never silently accepted.
func TestWrongKeyFailsLoudly(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "alice")
	if _, err := f.svc.Reveal(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(f.dir, apppass.KeyFile)
	if err := os.Remove(keyPath); err != nil {
		t.Fatal(err)
	}
	_, err := apppass.Open(context.Background(), apppass.Deps{DB: f.db, Users: f.users, Random: f.rnd,
		Clock: clock.Real{}, KeyPath: keyPath})
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("open with a new key: %v", err)
	}
	if err := os.WriteFile(keyPath, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := apppass.Open(context.Background(), apppass.Deps{DB: f.db, Users: f.users, Random: f.rnd,
		Clock: clock.Real{}, KeyPath: keyPath}); err == nil {
		t.Fatal("a short key file was accepted")
	}
}

// TestRestartKeepsPasswords: the same key file opens the same passwords after a restart.
func TestRestartKeepsPasswords(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.user(t, "alice")
	pw, _ := f.svc.Reveal(ctx, u.ID)
	again, err := f.open(t).Reveal(ctx, u.ID)
	if err != nil || again != pw {
		t.Fatalf("after reopen: %q %v, want %q", again, err, pw)
	}
}

// TestKillsAndRotateInvalidateCache: Lookup serves from memory, and a rotate
// or a kill for the user (disable, delete) drops the cached secret; a lookup
// racing a rotate never resurrects the old secret (run with -race).
func TestKillsAndRotateInvalidateCache(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.user(t, "alice")
	first, _ := f.svc.Reveal(ctx, u.ID)
	if _, s, _, _ := f.svc.Lookup(ctx, "alice"); s != first {
		t.Fatal("lookup does not return the revealed password")
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					_, _, _, _ = f.svc.Lookup(ctx, "alice")
				}
			}
		}()
	}
	var last string
	for i := 0; i < 20; i++ {
		var err error
		if last, err = f.svc.Rotate(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if _, s, _, _ := f.svc.Lookup(ctx, "alice"); s != last {
		t.Fatalf("after rotations lookup gives %q, want the last %q", s, last)
	}
	if err := f.users.Delete(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, found, err := f.svc.Lookup(ctx, "alice"); found || err != nil {
		t.Fatalf("deleted user still found: %v %v", found, err)
	}
	if _, err := f.svc.Reveal(ctx, u.ID); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("reveal of deleted user: %v", err)
	}
}

// TestConcurrentFirstRevealAgrees: racing first reveals return one password.
func TestConcurrentFirstRevealAgrees(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "alice")
	var mu sync.Mutex
	got := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw, err := f.svc.Reveal(context.Background(), u.ID)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			got[pw] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(got) != 1 {
		t.Fatalf("concurrent first reveals gave %d passwords", len(got))
	}
}
