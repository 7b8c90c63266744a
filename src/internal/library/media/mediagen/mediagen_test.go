package mediagen

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"segue/internal/library/media"
)

// fullTags uses every field the writers carry.
func fullTags() media.Tags {
	return media.Tags{
		Title: "Ночь на реке", Artist: "Zoë feat. Ærø", Artists: []string{"Zoë", "Ærø"},
		Album: "夜の Garden", AlbumArtist: "Various Artists", AlbumArtists: []string{"Various Artists"},
		TrackNumber: 3, TrackTotal: 12, DiscNumber: 2, DiscTotal: 2,
		Date: "2004-05-17", Year: 2004, OriginalDate: "1999", OriginalYear: 1999,
		Genres: []string{"Rock", "Música Popular Brasileira"}, Compilation: true,
		Comment: "Recorded live",
		Lyrics:  "plain words",
		MusicBrainz: media.MusicBrainz{
			TrackID: "1c4a0a2e-1111-4b7a-8f7e-000000000001", ReleaseTrackID: "1c4a0a2e-1111-4b7a-8f7e-000000000002",
			AlbumID: "1c4a0a2e-1111-4b7a-8f7e-000000000003", ReleaseGroupID: "1c4a0a2e-1111-4b7a-8f7e-000000000004",
			ArtistIDs:      []string{"1c4a0a2e-1111-4b7a-8f7e-000000000005", "1c4a0a2e-1111-4b7a-8f7e-000000000006"},
			AlbumArtistIDs: []string{"89ad4ac3-39f7-470e-963a-56509c546377"},
		},
		ReplayGain: media.ReplayGain{TrackGain: -6.5, TrackPeak: 0.988547, AlbumGain: -7.25, AlbumPeak: 1, HasTrack: true, HasAlbum: true},
	}
}

func probeBytes(t *testing.T, b []byte, name string) media.Info {
	t.Helper()
	info, err := media.Probe(bytes.NewReader(b), int64(len(b)), name)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	return info
}

func checkRoundTrip(t *testing.T, tr Track) {
	t.Helper()
	enc, err := Encode(tr)
	if err != nil {
		t.Fatal(err)
	}
	got := probeBytes(t, enc.Data, tr.Path)
	if !reflect.DeepEqual(got.Audio, enc.Want.Audio) {
		t.Errorf("audio:\n got %+v\nwant %+v", got.Audio, enc.Want.Audio)
	}
	if !reflect.DeepEqual(got.Tags, enc.Want.Tags) {
		t.Errorf("tags:\n got %+v\nwant %+v", got.Tags, enc.Want.Tags)
	}
	if !reflect.DeepEqual(got.Picture, enc.Want.Picture) {
		t.Errorf("picture: got %+v want %+v", got.Picture, enc.Want.Picture)
	}
	if tr.Cover != nil && enc.Want.Picture != nil {
		data, mime, err := media.EmbeddedPicture(bytes.NewReader(enc.Data), int64(len(enc.Data)), tr.Path)
		if err != nil || mime != tr.Cover.MIME || !bytes.Equal(data, tr.Cover.Data) {
			t.Errorf("EmbeddedPicture: %v, %q, %d bytes; want %q, %d bytes", err, mime, len(data), tr.Cover.MIME, len(tr.Cover.Data))
		}
	}
}

// The asked audio facts come back exactly, and so do the tags, for every
// variant, tag style and channel layout.
func TestEncodeProbeRoundTrip(t *testing.T) {
	png, jpg := coverImage(1, true, 8), coverImage(2, false, 8)
	big := coverImage(3, true, 200) // spans several Ogg pages
	cases := []struct {
		name  string
		track Track
	}{
		{"mp3 cbr 44.1k stereo id3v2.4", Track{Variant: MP3CBR, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 128000, Duration: 7 * time.Second}, Cover: &jpg}},
		{"mp3 cbr 22.05k mono id3v2.3", Track{Variant: MP3CBR, TagStyle: ID3v23, Audio: media.Audio{SampleRate: 22050, Channels: 1, BitRate: 32000, Duration: 3 * time.Second}, Cover: &png}},
		{"mp3 cbr 8k mpeg2.5 id3v1", Track{Variant: MP3CBR, TagStyle: ID3v1, Audio: media.Audio{SampleRate: 8000, Channels: 1, BitRate: 8000, Duration: 2 * time.Second}}},
		{"mp3 bare cbr 48k", Track{Variant: MP3CBRBare, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 128000, Duration: 5 * time.Second}}},
		{"mp3 bare cbr 44.1k with padding", Track{Variant: MP3CBRBare, TagStyle: ID3v23, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 128000, Duration: 5 * time.Second}}},
		{"mp3 xing 48k", Track{Variant: MP3Xing, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 160000, Duration: 4 * time.Second}, Cover: &png}},
		{"mp3 xing 24k mono", Track{Variant: MP3Xing, TagStyle: ID3v23, Audio: media.Audio{SampleRate: 24000, Channels: 1, BitRate: 64000, Duration: 4 * time.Second}}},
		{"mp3 vbri 44.1k", Track{Variant: MP3VBRI, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 128000, Duration: 6 * time.Second}}},
		{"mp3 vbri 16k mono", Track{Variant: MP3VBRI, Audio: media.Audio{SampleRate: 16000, Channels: 1, BitRate: 8000, Duration: 3 * time.Second}}},
		{"mp3 untagged", Track{Variant: MP3CBR, Untagged: true, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 64000, Duration: time.Second}}},
		{"flac 44.1k/16 stereo", Track{Variant: FLAC, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitDepth: 16, Duration: 9 * time.Second}, Cover: &png}},
		{"flac 96k/24 mono", Track{Variant: FLAC, Audio: media.Audio{SampleRate: 96000, Channels: 1, BitDepth: 24, Duration: 2 * time.Second}, Cover: &jpg}},
		{"flac 48k/24 6ch", Track{Variant: FLAC, Audio: media.Audio{SampleRate: 48000, Channels: 6, BitDepth: 24, Duration: time.Second}}},
		{"flac odd rate 37.8k", Track{Variant: FLAC, Audio: media.Audio{SampleRate: 37800, Channels: 2, BitDepth: 16, Duration: 1500 * time.Millisecond}}},
		{"vorbis 44.1k stereo", Track{Variant: OggVorbis, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 128000, Duration: 5 * time.Second}, Cover: &jpg}},
		{"vorbis 22.05k mono", Track{Variant: OggVorbis, Audio: media.Audio{SampleRate: 22050, Channels: 1, BitRate: 64000, Duration: 1300 * time.Millisecond}}},
		{"vorbis long with big cover", Track{Variant: OggVorbis, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 160000, Duration: 40 * time.Second}, Cover: &big}},
		{"opus stereo 64k", Track{Variant: OggOpus, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 64000, Duration: 3 * time.Second}, Cover: &png}},
		{"opus mono 16k", Track{Variant: OggOpus, Audio: media.Audio{SampleRate: 48000, Channels: 1, BitRate: 16000, Duration: 2500 * time.Millisecond}}},
		{"opus untagged", Track{Variant: OggOpus, Untagged: true, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 32000, Duration: time.Second}}},
		{"aac 44.1k stereo", Track{Variant: M4AAAC, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 128000, Duration: 5 * time.Second}, Cover: &jpg}},
		{"aac 22.05k mono", Track{Variant: M4AAAC, Audio: media.Audio{SampleRate: 22050, Channels: 1, BitRate: 64000, Duration: 1300 * time.Millisecond}, Cover: &png}},
		{"alac 44.1k/16 stereo", Track{Variant: M4AALAC, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitDepth: 16, Duration: 3 * time.Second}, Cover: &png}},
		{"alac 96k/24 mono", Track{Variant: M4AALAC, Audio: media.Audio{SampleRate: 96000, Channels: 1, BitDepth: 24, Duration: 2 * time.Second}}},
		{"alac untagged", Track{Variant: M4AALAC, Untagged: true, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitDepth: 16, Duration: time.Second}}},
		{"flac untagged", Track{Variant: FLAC, Untagged: true, Audio: media.Audio{SampleRate: 44100, Channels: 2, BitDepth: 16, Duration: time.Second}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.track.Tags = fullTags()
			c.track.Path = "x" + c.track.Variant.Ext()
			checkRoundTrip(t, c.track)
			synced := c.track
			synced.Tags.Lyrics = ""
			synced.Tags.SyncedLyrics = []media.LyricLine{{At: 1500 * time.Millisecond, Text: "one"}, {At: 62 * time.Second, Text: "two"}}
			checkRoundTrip(t, synced)
		})
	}
}

// The asked values are what the spec said, not merely self-consistent.
func TestEncodeKeepsTheAskedFacts(t *testing.T) {
	enc, err := Encode(Track{Variant: MP3CBR, Audio: media.Audio{SampleRate: 48000, Channels: 2, BitRate: 192000, Duration: 6 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	a := enc.Want.Audio
	if a.Duration != 6*time.Second || a.BitRate != 192000 || a.SampleRate != 48000 || a.Channels != 2 {
		t.Fatalf("want audio %+v", a)
	}
	enc, err = Encode(Track{Variant: FLAC, Audio: media.Audio{SampleRate: 96000, Channels: 2, BitDepth: 24, Duration: 3 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if a := enc.Want.Audio; a.Duration != 3*time.Second || a.BitDepth != 24 || a.SampleRate != 96000 {
		t.Fatalf("want audio %+v", a)
	}
}

// Every track of a planned library probes back to its specification.
func TestPlannedLibraryRoundTrips(t *testing.T) {
	lib := Plan(Options{Tracks: 400, Seed: 7})
	if len(lib.Tracks) != 400 {
		t.Fatalf("%d tracks", len(lib.Tracks))
	}
	seen := map[string]bool{}
	var untagged, compilations, multiDisc, multiGenre, embedded int
	for _, tr := range lib.Tracks {
		if seen[tr.Path] {
			t.Fatalf("duplicate path %s", tr.Path)
		}
		seen[tr.Path] = true
		checkRoundTrip(t, tr)
		switch {
		case tr.Untagged:
			untagged++
		case tr.Tags.Compilation:
			compilations++
		}
		if tr.Tags.DiscTotal > 1 {
			multiDisc++
		}
		if len(tr.Tags.Genres) > 1 {
			multiGenre++
		}
		if tr.Cover != nil {
			embedded++
		}
	}
	if untagged == 0 || compilations == 0 || multiDisc == 0 || multiGenre == 0 || embedded == 0 || len(lib.FolderCovers) == 0 {
		t.Errorf("not varied: untagged %d, compilations %d, multi-disc %d, multi-genre %d, embedded %d, folder covers %d",
			untagged, compilations, multiDisc, multiGenre, embedded, len(lib.FolderCovers))
	}
	if again := Plan(Options{Tracks: 400, Seed: 7}); !reflect.DeepEqual(again, lib) {
		t.Error("same seed, different plan")
	}
	if other := Plan(Options{Tracks: 400, Seed: 8}); reflect.DeepEqual(other.Tracks[0], lib.Tracks[0]) {
		t.Error("another seed gave the same first track")
	}
}
