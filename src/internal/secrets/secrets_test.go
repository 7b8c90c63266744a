package secrets

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
)

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k")
	k1, err := LoadOrCreateKey(p, 32, rand.Reader)
	if err != nil || len(k1) != 32 {
		t.Fatal(err)
	}
	info, _ := os.Stat(p)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", info.Mode().Perm())
	}
	k2, _ := LoadOrCreateKey(p, 32, rand.Reader)
	if !bytes.Equal(k1, k2) {
		t.Fatal("key changed on reload")
	}
	for name, content := range map[string][]byte{"empty": {}, "short": make([]byte, 16), "zero": make([]byte, 32)} {
		bad := filepath.Join(dir, name)
		_ = os.WriteFile(bad, content, 0o600)
		if _, err := LoadOrCreateKey(bad, 32, rand.Reader); err == nil {
			t.Errorf("%s key accepted", name)
		}
		got, _ := os.ReadFile(bad)
		if !bytes.Equal(got, content) {
			t.Errorf("%s key file was replaced", name)
		}
	}
}

func TestArgon2Parameters(t *testing.T) {
	h := NewHasher(DefaultArgon2, 2, rand.Reader, clocktest.NewFake(time.Unix(0, 0)), nil)
	enc, err := h.Hash(context.Background(), "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	p, salt, key, err := ParseArgon2(enc)
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$") {
		t.Fatalf("%q: %v", enc, err)
	}
	if p.MemoryKiB < 19456 || p.Time < 2 || p.Threads != 1 || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("weak parameters %+v salt %d key %d", p, len(salt), len(key))
	}
	if ok, _ := h.Verify(context.Background(), "c", "correct horse", enc); !ok {
		t.Fatal("verify failed")
	}
	if ok, _ := h.Verify(context.Background(), "c", "correct horsE", enc); ok {
		t.Fatal("wrong password verified")
	}
	if ok, _ := h.Verify(context.Background(), "c", "", ""); ok {
		t.Fatal("empty hash matched")
	}
}

func TestSealerBindsAAD(t *testing.T) {
	key, _ := DeriveKey(bytes.Repeat([]byte{7}, 32), "test/v1")
	s, _ := NewSealer(key, rand.Reader)
	ct, _ := s.Seal([]byte("secret"), []byte("user-a"))
	if pt, err := s.Open(ct, []byte("user-a")); err != nil || string(pt) != "secret" {
		t.Fatal(err)
	}
	if _, err := s.Open(ct, []byte("user-b")); err != ErrDecrypt {
		t.Fatal("ciphertext opened under another row")
	}
	if _, err := s.Open(ct[:5], []byte("user-a")); err != ErrDecrypt {
		t.Fatal("short ciphertext not refused")
	}
	other, _ := DeriveKey(bytes.Repeat([]byte{7}, 32), "test/v2")
	s2, _ := NewSealer(other, rand.Reader)
	if _, err := s2.Open(ct, []byte("user-a")); err != ErrDecrypt {
		t.Fatal("ciphertext opened under a different subkey")
	}
}

func TestRandom(t *testing.T) {
	r := NewRandom(rand.Reader)
	if len(r.ID()) != 43 || len(r.Alnum(16)) != 16 {
		t.Fatal("lengths")
	}
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := r.Token(16)
		if seen[id] {
			t.Fatal("repeat")
		}
		seen[id] = true
	}
}

// TestMemoryTrimmedOnceAfterABurst: when the last computation of a burst ends,
// one trim is armed for trimDelay later (not one per login), and the next burst
// arms a new one once it has run.
func TestMemoryTrimmedOnceAfterABurst(t *testing.T) {
	clk := clocktest.NewFake(time.Unix(0, 0))
	h := NewHasher(Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, 2, rand.Reader, clk, nil)
	ctx := context.Background()
	for range 3 {
		if _, err := h.Hash(ctx, "pw"); err != nil {
			t.Fatal(err)
		}
	}
	if n := clk.Timers(); n != 1 {
		t.Fatalf("%d trims armed after a burst, want 1", n)
	}
	clk.Advance(trimDelay - time.Millisecond)
	if clk.Timers() != 1 || !h.trimPending.Load() {
		t.Fatal("trimmed before trimDelay")
	}
	clk.Advance(time.Millisecond) // returns once the trim has run
	if clk.Timers() != 0 || h.trimPending.Load() {
		t.Fatal("the trim did not run at trimDelay")
	}
	if _, err := h.Hash(ctx, "pw"); err != nil {
		t.Fatal(err)
	}
	if n := clk.Timers(); n != 1 {
		t.Fatalf("%d trims armed after the next burst, want 1", n)
	}
}
