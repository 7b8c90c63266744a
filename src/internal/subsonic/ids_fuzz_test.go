package subsonic

import (
	"strings"
	"testing"

	"segue/internal/library"
)

// FuzzParseItemID: no id, whatever its bytes ("..", paths, huge numbers),
// parses to anything but a positive database id of a known kind, and every
// accepted id renders back to itself (bare song numbers get their prefix).
func FuzzParseItemID(f *testing.F) {
	for _, s := range []string{"", "tr-1", "al-42", "ar-7", "pl-3", "12", "..", "../etc/passwd", "tr-../1", "tr-0", "tr--1",
		"tr-9223372036854775807", "tr-9223372036854775808", "al-1/2", "xx-1", "tr-01", "tr-1\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, n, ok := parseItemID(s)
		if !ok {
			return
		}
		if n <= 0 || kindPrefix[kind] == "" {
			t.Fatalf("parseItemID(%q) = %v %d", s, kind, n)
		}
		if strings.ContainsAny(s, "./\\\x00") {
			t.Fatalf("parseItemID accepted %q", s)
		}
		back := itemID(kind, n)
		if back != s && !(kind == library.KindTrack && back == prefixTrack+strings.TrimLeft(s, "0")) && !strings.HasSuffix(s, strings.TrimPrefix(back, kindPrefix[kind])) {
			t.Fatalf("parseItemID(%q) renders back as %q", s, back)
		}
	})
}
