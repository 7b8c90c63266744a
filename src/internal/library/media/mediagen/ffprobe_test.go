package mediagen

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"segue/internal/library/media"
	"segue/internal/library/media/mediatest"
)

// ffmpeg agrees with the generator on codec, sample rate, channels and
// duration, and decodes every generated file without an error.
func TestFFprobeAgrees(t *testing.T) {
	dir := t.TempDir()
	cover := coverImage(5, false, 8)
	for i, tr := range []Track{
		{Variant: MP3CBR, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 128000, Duration: 7 * time.Second}, Cover: &cover},
		{Variant: MP3CBRBare, TagStyle: ID3v23, Audio: media.Audio{SampleRate: 32000, Channels: 1, BitRate: 64000, Duration: 3 * time.Second}},
		{Variant: MP3Xing, Audio: media.Audio{SampleRate: 22050, Channels: 2, BitRate: 64000, Duration: 4 * time.Second}},
		{Variant: MP3VBRI, TagStyle: ID3v1, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 192000, Duration: 5 * time.Second}},
		{Variant: FLAC, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitDepth: 16, Duration: 6 * time.Second}, Cover: &cover},
		{Variant: FLAC, Audio: media.Audio{SampleRate: 96000, Channels: 1, BitDepth: 24, Duration: 2 * time.Second}},
		{Variant: OggVorbis, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 128000, Duration: 3 * time.Second}, Cover: &cover},
		{Variant: OggVorbis, Audio: media.Audio{SampleRate: 22050, Channels: 1, BitRate: 64000, Duration: 2 * time.Second}},
		{Variant: OggOpus, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 64000, Duration: 3 * time.Second}, Cover: &cover},
		{Variant: OggOpus, Audio: media.Audio{SampleRate: 48000, Channels: 1, BitRate: 24000, Duration: 2 * time.Second}},
		{Variant: M4AAAC, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 128000, Duration: 3 * time.Second}, Cover: &cover},
		{Variant: M4AAAC, Audio: media.Audio{SampleRate: 24000, Channels: 1, BitRate: 48000, Duration: 2 * time.Second}},
		{Variant: M4AALAC, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitDepth: 16, Duration: 3 * time.Second}, Cover: &cover},
		{Variant: M4AALAC, Audio: media.Audio{SampleRate: 96000, Channels: 1, BitDepth: 24, Duration: 2 * time.Second}},
	} {
		tr.Tags = fullTags()
		enc, err := Encode(tr)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, string(tr.Variant)+string(rune('a'+i))+tr.Variant.Ext())
		if err := os.WriteFile(path, enc.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		want := enc.Want.Audio
		got := mediatest.FFprobe(t, path)
		if got.Codec != string(want.Codec) || got.SampleRate != want.SampleRate || got.Channels != want.Channels {
			t.Errorf("%s: ffprobe %+v, generator %+v", path, got, want)
		}
		if want.Codec == media.CodecOpus {
			got.Duration -= 312 * time.Second / 48000 // ffprobe (5.1) counts Opus' pre-skip as playing time
		}
		if d := got.Duration - want.Duration; d < -2*time.Millisecond || d > 2*time.Millisecond {
			t.Errorf("%s: ffprobe duration %v, generator %v", path, got.Duration, want.Duration)
		}
		mediatest.Decode(t, path)
	}
}
