package media_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"segue/internal/library/media"
	"segue/internal/library/media/mediagen"
	"segue/internal/library/media/mediatest"
)

func probeFile(t *testing.T, path string) media.Info {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	info, err := media.Probe(f, st.Size(), path)
	if err != nil {
		t.Fatalf("Probe %s: %v", path, err)
	}
	return info
}

// Files encoded by the real ffmpeg (LAME, ffmpeg's FLAC encoder) probe to what
// ffprobe reports, with their tags.
func TestProbeFFmpegEncodes(t *testing.T) {
	dir := t.TempDir()
	tags := []string{"-metadata", "title=Žluťoučký kůň", "-metadata", "artist=Sigur Rós", "-metadata", "album=Ágætis byrjun",
		"-metadata", "track=3/12", "-metadata", "disc=1/2", "-metadata", "genre=Post-Rock", "-metadata", "date=1999"}
	cases := []struct {
		name       string
		args       []string
		codec      media.Codec
		depth      int
		vbr        bool
		tolerance  time.Duration
		checkRates bool
	}{
		{"cbr.mp3", []string{"-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"}, media.CodecMP3, 0, false, time.Millisecond, true},
		{"vbr.mp3", []string{"-ar", "22050", "-ac", "1", "-c:a", "libmp3lame", "-q:a", "5"}, media.CodecMP3, 0, true, time.Millisecond, false},
		{"v23.mp3", []string{"-ar", "48000", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "192k", "-id3v2_version", "3"}, media.CodecMP3, 0, false, time.Millisecond, true},
		{"s16.flac", []string{"-ar", "44100", "-ac", "2", "-sample_fmt", "s16", "-c:a", "flac"}, media.CodecFLAC, 16, false, 0, false},
		{"s24.flac", []string{"-ar", "96000", "-ac", "1", "-sample_fmt", "s32", "-c:a", "flac"}, media.CodecFLAC, 24, false, 0, false},
		{"q3.ogg", []string{"-ar", "44100", "-ac", "2", "-c:a", "libvorbis", "-b:a", "112k"}, media.CodecVorbis, 0, false, 0, true},
		{"aac.m4a", []string{"-ar", "44100", "-ac", "2", "-c:a", "aac", "-b:a", "128k"}, media.CodecAAC, 0, false, time.Millisecond, false},
		{"alac.m4a", []string{"-ar", "48000", "-ac", "1", "-sample_fmt", "s16p", "-c:a", "alac"}, media.CodecALAC, 16, false, 0, false},
		{"alac24.m4a", []string{"-ar", "96000", "-ac", "2", "-sample_fmt", "s32p", "-c:a", "alac"}, media.CodecALAC, 24, false, 0, false},
		{"mono.opus", []string{"-ar", "48000", "-ac", "1", "-c:a", "libopus", "-b:a", "48k"}, media.CodecOpus, 0, false, 0, false},
		{"stereo.opus", []string{"-ar", "24000", "-ac", "2", "-c:a", "libopus", "-b:a", "96k"}, media.CodecOpus, 0, false, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			args := append([]string{"-f", "lavfi", "-i", "sine=frequency=440:duration=3.3"}, c.args...)
			mediatest.FFmpeg(t, append(append(args, tags...), path)...)
			got := probeFile(t, path)
			ff := mediatest.FFprobe(t, path)
			a := got.Audio
			if string(a.Codec) != ff.Codec || a.Codec != c.codec || a.SampleRate != ff.SampleRate || a.Channels != ff.Channels ||
				a.BitDepth != c.depth || a.VBR != c.vbr || a.Lossless != (c.codec == media.CodecFLAC || c.codec == media.CodecALAC) {
				t.Errorf("audio %+v, ffprobe %+v", a, ff)
			}
			if c.codec == media.CodecOpus {
				ff.Duration -= 312 * time.Second / 48000 // ffprobe (5.1) counts Opus' pre-skip as playing time
			}
			if d := a.Duration - ff.Duration; d < -c.tolerance-time.Microsecond || d > c.tolerance+time.Microsecond {
				t.Errorf("duration %v, ffprobe %v", a.Duration, ff.Duration)
			}
			if c.checkRates && a.BitRate != map[string]int{"cbr.mp3": 128000, "v23.mp3": 192000, "q3.ogg": 112000}[c.name] {
				t.Errorf("bit rate %d", a.BitRate)
			}
			if a.BitRate <= 0 {
				t.Errorf("bit rate %d", a.BitRate)
			}
			tg := got.Tags
			if tg.Title != "Žluťoučký kůň" || tg.Artist != "Sigur Rós" || !reflect.DeepEqual(tg.Artists, []string{"Sigur Rós"}) ||
				tg.Album != "Ágætis byrjun" || tg.TrackNumber != 3 || tg.TrackTotal != 12 || tg.DiscNumber != 1 || tg.DiscTotal != 2 ||
				!reflect.DeepEqual(tg.Genres, []string{"Post-Rock"}) || tg.Year != 1999 {
				t.Errorf("tags %+v", tg)
			}
		})
	}
}

// Broken files say why; files of other kinds are unsupported.
func TestProbeErrors(t *testing.T) {
	flac, err := mediagen.Encode(mediagen.Track{Variant: mediagen.FLAC,
		Audio: media.Audio{SampleRate: 44100, Channels: 2, BitDepth: 16, Duration: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	noInfo := append([]byte("fLaC"), 0x81, 0, 0, 4, 0, 0, 0, 0)
	cases := []struct {
		name    string
		data    []byte
		corrupt bool
	}{
		{"empty.mp3", nil, false},
		{"notes.txt", []byte("just some text, not audio at all"), false},
		{"cut.flac", flac.Data[:20], true},
		{"noinfo.flac", noInfo, true},
		{"garbage.mp3", bytes.Repeat([]byte{0x12, 0x34}, 4000), true},
		{"overrun.mp3", append([]byte("ID3\x04\x00\x00\x7f\x7f\x7f\x7f"), make([]byte, 100)...), true},
		{"bad-id3.mp3", append([]byte("ID3\x09\x00\x00\x00\x00\x00\x10"), make([]byte, 100)...), true},
	}
	for _, c := range cases {
		_, err := media.Probe(bytes.NewReader(c.data), int64(len(c.data)), c.name)
		var ce *media.CorruptError
		switch {
		case c.corrupt && !errors.As(err, &ce):
			t.Errorf("%s: %v, want a CorruptError", c.name, err)
		case c.corrupt && ce.Reason == "":
			t.Errorf("%s: no reason", c.name)
		case !c.corrupt && !errors.Is(err, media.ErrUnsupported):
			t.Errorf("%s: %v, want ErrUnsupported", c.name, err)
		}
	}
	if _, _, err := media.EmbeddedPicture(bytes.NewReader(flac.Data), int64(len(flac.Data)), "x.flac"); !errors.Is(err, media.ErrNoPicture) {
		t.Errorf("EmbeddedPicture of a file without one: %v", err)
	}
}

// A file without tags still probes, with empty tags and full audio facts.
func TestProbeUntagged(t *testing.T) {
	for _, v := range mediagen.AllVariants {
		tr := mediagen.Track{Variant: v, Untagged: true, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 128000, BitDepth: 16, Duration: 2400 * time.Millisecond}}
		enc, err := mediagen.Encode(tr)
		if err != nil {
			t.Fatal(err)
		}
		info, err := media.Probe(bytes.NewReader(enc.Data), int64(len(enc.Data)), "Some Song"+v.Ext())
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if !reflect.DeepEqual(info.Tags, media.Tags{}) || info.Picture != nil || info.Audio != enc.Want.Audio || info.Audio.Duration != 2400*time.Millisecond {
			t.Errorf("%s: %+v", v, info)
		}
	}
}

// Synchronised lyrics in LRC form are read from plain lyrics; text that only
// looks like brackets stays plain.
func TestLRC(t *testing.T) {
	tr := mediagen.Track{Variant: mediagen.FLAC, Audio: media.Audio{SampleRate: 8000, Channels: 1, BitDepth: 16, Duration: time.Second},
		Tags: media.Tags{Lyrics: "[ar:Someone]\n[00:01.50][01:02.5]twice\n[1:03.123] three\n[chorus] not timed"}}
	enc, err := mediagen.Encode(tr)
	if err != nil {
		t.Fatal(err)
	}
	info, err := media.Probe(bytes.NewReader(enc.Data), int64(len(enc.Data)), "x.flac")
	if err != nil {
		t.Fatal(err)
	}
	want := []media.LyricLine{{At: 1500 * time.Millisecond, Text: "twice"}, {At: 62500 * time.Millisecond, Text: "twice"}, {At: 63123 * time.Millisecond, Text: "three"}}
	if !reflect.DeepEqual(info.Tags.SyncedLyrics, want) {
		t.Errorf("synced %+v", info.Tags.SyncedLyrics)
	}
}

// An APEv2 tag at the end of a constant-bit-rate MP3 is not counted as audio.
func TestProbeMP3WithAPETag(t *testing.T) {
	enc, err := mediagen.Encode(mediagen.Track{Variant: mediagen.MP3CBRBare,
		Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 128000, Duration: 2400 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	footer := append([]byte("APETAGEX"), 0xd0, 0x07, 0, 0, 32, 0, 0, 0)
	footer = append(footer, make([]byte, 16)...) // no items, no flags, reserved
	data := append(enc.Data, footer...)
	info, err := media.Probe(bytes.NewReader(data), int64(len(data)), "x.mp3")
	if err != nil || info.Audio.Duration != enc.Want.Audio.Duration {
		t.Fatalf("%v: duration %v, want %v", err, info.Audio.Duration, enc.Want.Audio.Duration)
	}
}
