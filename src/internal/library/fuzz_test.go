package library

import (
	"testing"
)

// FuzzSearchText: whatever a client types, search answers (never a database
// error from a malformed FTS5 expression) and ParseSort never panics.
func FuzzSearchText(f *testing.F) {
	fx := newFixture(f, 1)
	fx.ingest(song("A", "1.mp3", "Night Drive", "Artist", "Album", 1))
	v := Viewer{}
	for _, s := range []string{"", `""`, "night", `"unterminated`, "a AND OR NOT", "*", "NEAR(a b)", "col:val", "^x", "ünï çødé", "a-b", "(", ")", "{}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := fx.lib.Search(fx.ctx, v, SearchQuery{Text: text}); err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		if _, err := fx.lib.Albums(fx.ctx, v, AlbumQuery{Search: text, Sort: ParseSort(text)}); err != nil {
			t.Fatalf("albums %q: %v", text, err)
		}
	})
}
