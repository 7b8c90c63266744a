package remote

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"segue/internal/remote/peer"
)

func TestIdentityPersistsAndIDMatchesMA(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	a, err := LoadOrCreateIdentity(dir, now, rand.Reader)
	if err != nil || !a.Created {
		t.Fatalf("create: %v", err)
	}
	b, err := LoadOrCreateIdentity(dir, now, rand.Reader)
	if err != nil || b.Created {
		t.Fatalf("reload: %v", err)
	}
	if a.RemoteID() != b.RemoteID() {
		t.Fatal("remote ID changed across restarts")
	}
	// MA's derivation, written out independently.
	sum := sha256.Sum256(b.x509.Raw)
	want := strings.ReplaceAll(strings.TrimRight(base32.StdEncoding.EncodeToString(sum[:16]), "="), "2", "9")
	if a.RemoteID() != want || len(want) != 26 {
		t.Fatalf("id %q, want %q", a.RemoteID(), want)
	}
	// The DTLS fingerprint pion puts in SDP starts with the ID's bytes.
	fps, err := a.Certificate().GetFingerprints()
	if err != nil || len(fps) == 0 || fps[0].Algorithm != "sha-256" {
		t.Fatalf("fingerprints %v %v", fps, err)
	}
	sdp := "v=0\r\na=fingerprint:sha-256 " + fps[0].Value + "\r\n"
	if _, err := peer.PinAnswer(sdp, a.RemoteID()); err != nil {
		t.Fatalf("own fingerprint does not pin: %v", err)
	}
	for _, f := range []string{KeyFile, CertFile} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s mode %v %v", f, fi.Mode(), err)
		}
	}
	if a.NotAfter().Sub(now) < 3600*24*time.Hour {
		t.Fatal("certificate validity too short")
	}
}

func TestDamagedIdentityIsAnErrorNotReplaced(t *testing.T) {
	now := time.Now()
	cases := map[string]func(dir string){
		"key missing":  func(dir string) { os.Remove(filepath.Join(dir, KeyFile)) },
		"cert missing": func(dir string) { os.Remove(filepath.Join(dir, CertFile)) },
		"key garbage":  func(dir string) { os.WriteFile(filepath.Join(dir, KeyFile), []byte("garbage"), 0o600) },
		"cert garbage": func(dir string) {
			os.WriteFile(filepath.Join(dir, CertFile), []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o600)
		},
		"mismatched pair": func(dir string) {
			other := t.TempDir()
			if _, err := LoadOrCreateIdentity(other, now, rand.Reader); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(other, KeyFile))
			os.WriteFile(filepath.Join(dir, KeyFile), b, 0o600)
		},
		"key world-readable": func(dir string) { os.Chmod(filepath.Join(dir, KeyFile), 0o644) },
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := LoadOrCreateIdentity(dir, now, rand.Reader); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(filepath.Join(dir, CertFile))
			damage(dir)
			if _, err := LoadOrCreateIdentity(dir, now, rand.Reader); err == nil {
				t.Fatal("damaged identity accepted")
			}
			after, _ := os.ReadFile(filepath.Join(dir, CertFile))
			if string(before) != string(after) && name != "cert garbage" && name != "cert missing" {
				t.Fatal("certificate file was replaced")
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := LoadOrCreateIdentity(dir, now, rand.Reader); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateIdentity(dir, now.Add(3651*24*time.Hour), rand.Reader); err == nil {
			t.Fatal("expired certificate accepted")
		}
	})
}
