package peer

import (
	"crypto/sha256"
	"regexp"
	"strings"
	"testing"

	"segue/internal/signaling"
)

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
