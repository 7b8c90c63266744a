package remote

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"segue/internal/signaling"
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
	if _, err := PinAnswer(sdp, a.RemoteID()); err != nil {
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

func TestRemoteIDParseFormat(t *testing.T) {
	id := signaling.RemoteIDFromDER([]byte("some certificate"))
	if len(id) != 26 || strings.Contains(id, "2") {
		t.Fatalf("bad id %q", id)
	}
	shown := FormatRemoteID(id)
	if len(shown) != 26+3 || strings.Count(shown, "-") != 3 || shown[8] != '-' || shown[14] != '-' || shown[20] != '-' {
		t.Fatalf("display %q", shown)
	}
	fives := strings.Join(regexp.MustCompile(`.{1,5}`).FindAllString(id, -1), "-")
	for _, in := range []string{id, shown, strings.ToLower(shown), " " + strings.ReplaceAll(shown, "-", " ") + "\n", fives, fives[:9] + " " + fives[9:]} {
		got, err := ParseRemoteID(in)
		if err != nil || got != id {
			t.Fatalf("parse %q = %q, %v", in, got, err)
		}
	}
	bad := []string{"", "MA-ABCD-EFGH", id[:25], id + "A", strings.Replace(id, id[3:4], "2", 1), strings.Replace(id, id[3:4], "0", 1),
		id[:25] + "B", // non-canonical trailing bits
		"https://x/" + id, strings.Repeat("A", 1000)}
	for _, in := range bad {
		if _, err := ParseRemoteID(in); err == nil {
			t.Fatalf("accepted %q", in)
		}
	}
}

func FuzzParseRemoteID(f *testing.F) {
	id := signaling.RemoteIDFromDER([]byte("seed"))
	for _, s := range []string{id, FormatRemoteID(id), "", "----", "vvpn3-tlp34", strings.Repeat("9", 26), "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseRemoteID(in)
		if err != nil {
			return
		}
		// Whatever parses is canonical, round-trips, and names exactly 16 bytes.
		raw, err := RemoteIDBytes(got)
		if err != nil || len(raw) != 16 {
			t.Fatalf("parsed %q but bytes fail: %v", got, err)
		}
		if signaling.RemoteIDFromFingerprint(raw) != got {
			t.Fatalf("not canonical: %q", got)
		}
		if again, err := ParseRemoteID(FormatRemoteID(got)); err != nil || again != got {
			t.Fatalf("display form does not round-trip: %q", got)
		}
	})
}

func TestPinAnswer(t *testing.T) {
	der := []byte("cert A")
	id := signaling.RemoteIDFromDER(der)
	sum := sha256.Sum256(der)
	fp := colonHex(sum[:])
	other := sha256.Sum256([]byte("cert B"))
	good := "v=0\r\na=fingerprint:sha-256 " + fp + "\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:SHA-256 " + fp + "\r\n"
	out, err := PinAnswer(good, id)
	if err != nil || out != good {
		t.Fatalf("good answer refused: %v", err)
	}
	// An extra sha-1 line (for an attacker's certificate) is stripped, not trusted.
	withSHA1 := good + "a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33\r\n"
	out, err = PinAnswer(withSHA1, id)
	if err != nil || strings.Contains(out, "sha-1") {
		t.Fatalf("sha-1 line not stripped: %v", err)
	}
	for name, sdp := range map[string]string{
		"other cert":     "v=0\r\na=fingerprint:sha-256 " + colonHex(other[:]) + "\r\n",
		"one of two bad": good + "a=fingerprint:sha-256 " + colonHex(other[:]) + "\r\n",
		"no sha-256":     "v=0\r\na=fingerprint:sha-1 00:11\r\n",
		"no fingerprint": "v=0\r\n",
		"truncated":      "v=0\r\na=fingerprint:sha-256 " + fp[:40] + "\r\n",
		"garbage hex":    "v=0\r\na=fingerprint:sha-256 zz\r\n",
	} {
		if _, err := PinAnswer(sdp, id); err == nil {
			t.Fatalf("%s: accepted", name)
		}
	}
}

func colonHex(b []byte) string {
	const hexd = "0123456789ABCDEF"
	var s strings.Builder
	for i, c := range b {
		if i > 0 {
			s.WriteByte(':')
		}
		s.WriteByte(hexd[c>>4])
		s.WriteByte(hexd[c&15])
	}
	return s.String()
}
