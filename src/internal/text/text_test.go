package text

import (
	"testing"
	"unicode/utf8"
)

func TestTruncateKeepsUTF8Whole(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 3, "hel"},
		{"aö", 2, "a"},
		{"aöb", 3, "aö"},
		{"✓✓", 4, "✓"},
		{"✓", 0, ""},
		{"\xff\xfe", 1, "\xff"}, // invalid input is cut where asked
	}
	for _, c := range cases {
		got := Truncate(c.in, c.n)
		if got != c.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if utf8.ValidString(c.in) && !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) split a rune", c.in, c.n)
		}
	}
}

func FuzzTruncate(f *testing.F) {
	f.Add("aöb✓", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		got := Truncate(s, n)
		if len(got) > n {
			t.Fatalf("%d bytes > %d", len(got), n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("split a rune: %q", got)
		}
	})
}
