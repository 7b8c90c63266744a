package library

import (
	"context"
	"os"
	"testing"

	"github.com/sirupsen/logrus"

	"segue/internal/store"
)

// BenchmarkSearchCommonWord runs the search3 query for a word many tracks hold
// over a scanned library: SEGUE_BENCH_DB is a segue.db that scanned
// SEGUE_SCAN_DIR (scripts/bench-subsonic.sh leaves one behind with KEEP=1).
//
//	SEGUE_BENCH_DB=/tmp/x/segue.db SEGUE_SCAN_DIR=/tmp/x/music go test -tags sqlite_fts5 -run - -bench SearchCommonWord ./internal/library
func BenchmarkSearchCommonWord(b *testing.B) {
	path, dir := os.Getenv("SEGUE_BENCH_DB"), os.Getenv("SEGUE_SCAN_DIR")
	if path == "" || dir == "" {
		b.Skip("SEGUE_BENCH_DB or SEGUE_SCAN_DIR not set")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	log := logrus.New()
	log.SetLevel(logrus.ErrorLevel)
	lib, err := Open(ctx, Deps{DB: db, Log: log, Folders: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	word := os.Getenv("SEGUE_BENCH_WORD")
	if word == "" {
		word = "night"
	}
	v := Viewer{UserID: "bench"}
	b.ResetTimer()
	for b.Loop() {
		if _, err := lib.Search(ctx, v, SearchQuery{Text: word}); err != nil {
			b.Fatal(err)
		}
	}
}
