package players

import "testing"

// Issue 15 item 3: MP3 by default; the file as it is only for the integrations whose
// formats the reference lists (Cast, Sonos) and within their limits; the admin's
// per-player choice wins.
func TestFormatFor(t *testing.T) {
	flac := func(rate, depth int) Track {
		return Track{Suffix: "flac", SampleRate: rate, BitDepth: depth, Channels: 2}
	}
	cases := []struct {
		name     string
		s        settings
		platform string
		t        Track
		want     string
	}{
		{"cast flac 44.1/16", settings{}, "cast", flac(44100, 16), ""},
		{"cast flac 192k", settings{}, "cast", flac(192000, 24), formatMP3},
		{"sonos flac 48/16", settings{}, "sonos", flac(48000, 16), ""},
		{"sonos flac 96/24", settings{}, "sonos", flac(96000, 24), formatMP3},
		{"sonos m4a", settings{}, "sonos", Track{Suffix: "m4a", SampleRate: 44100}, ""},
		{"sonos opus", settings{}, "sonos", Track{Suffix: "opus", SampleRate: 48000}, formatMP3},
		{"dlna flac", settings{}, "dlna_dmr", flac(44100, 16), formatMP3},
		{"unknown rate", settings{}, "cast", Track{Suffix: "flac"}, formatMP3},
		{"no platform known", settings{}, "", flac(44100, 16), formatMP3},
		{"admin: original", settings{Format: formatOriginal}, "dlna_dmr", flac(192000, 24), ""},
		{"admin: mp3", settings{Format: formatMP3}, "cast", flac(44100, 16), formatMP3},
	}
	for _, c := range cases {
		if got := formatFor(c.s, c.platform, c.t); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
