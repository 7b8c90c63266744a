package media_test

import (
	"bytes"
	"testing"

	"segue/internal/library/media"
	"segue/internal/library/media/mediagen"
)

// BenchmarkProbe probes a planned library's files held in memory: the parsing
// cost per file without the disk (ns/op is per file).
func BenchmarkProbe(b *testing.B) {
	lib := mediagen.Plan(mediagen.Options{Tracks: 200, Seed: 3})
	var files [][]byte
	for _, t := range lib.Tracks {
		enc, err := mediagen.Encode(t)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, enc.Data)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f := files[i%len(files)]
		if _, err := media.Probe(bytes.NewReader(f), int64(len(f)), lib.Tracks[i%len(files)].Path); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
