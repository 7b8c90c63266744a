package media_test

import (
	"bytes"
	"testing"
	"time"

	"segue/internal/library/media"
	"segue/internal/library/media/mediagen"
)

// FuzzProbe feeds mutated files of every format to Probe and EmbeddedPicture:
// they must return (an error or facts), never panic or hang.
func FuzzProbe(f *testing.F) {
	img := mediagen.Image{MIME: "image/png", Data: []byte("\x89PNG\r\n\x1a\nfake")}
	for _, v := range mediagen.AllVariants {
		rate := 44100
		if v == mediagen.OggOpus {
			rate = 48000
		}
		for _, style := range []mediagen.TagStyle{mediagen.ID3v24, mediagen.ID3v23, mediagen.ID3v1} {
			enc, err := mediagen.Encode(mediagen.Track{Variant: v, TagStyle: style, Cover: &img,
				Tags:  media.Tags{Title: "t", Artists: []string{"a", "b"}, Artist: "a & b", Genres: []string{"x", "y"}, Lyrics: "[00:01.00]la"},
				Audio: media.Audio{SampleRate: rate, Channels: 2, BitRate: 64000, BitDepth: 16, Duration: 200 * time.Millisecond}})
			if err != nil {
				f.Fatal(err)
			}
			f.Add(enc.Data, "x"+v.Ext())
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		info, err := media.Probe(bytes.NewReader(data), int64(len(data)), name)
		if err == nil && (info.Audio.Duration < 0 || info.Audio.BitRate < 0) {
			t.Fatalf("negative facts: %+v", info.Audio)
		}
		_, _, _ = media.EmbeddedPicture(bytes.NewReader(data), int64(len(data)), name)
	})
}
