package library

import (
	"os"
	"path/filepath"
	"testing"

	"segue/internal/library/media"
)

func TestAlbumGrouping(t *testing.T) {
	f := newFixture(t, 1)
	dir := f.dirs[0]
	v := f.user("u")
	comp := func(title, artist string, no int) media.Tags {
		tg := tags(title, artist, "Hits of 1999", no)
		tg.Compilation = true
		return tg
	}
	withAA := func(tg media.Tags, aa ...string) media.Tags {
		tg.AlbumArtist, tg.AlbumArtists = aa[0], aa
		return tg
	}
	disc := func(tg media.Tags, d int) media.Tags { tg.DiscNumber = d; return tg }
	mb := func(tg media.Tags, id string) media.Tags { tg.MusicBrainz.AlbumID = id; return tg }
	// Multi-disc in two directories: one album.
	writeTrack(t, dir, "Band/Double/CD1/01.mp3", disc(withAA(tags("One", "Band", "Double", 1), "Band"), 1), false)
	writeTrack(t, dir, "Band/Double/CD2/01.mp3", disc(withAA(tags("Two", "Band", "Double", 1), "Band"), 2), false)
	// A compilation flagged but without album artist: one album by Various Artists.
	writeTrack(t, dir, "Comp/01.mp3", comp("A", "Alpha", 1), false)
	writeTrack(t, dir, "Comp/02.mp3", comp("B", "Beta", 2), false)
	writeTrack(t, dir, "Comp/03.mp3", comp("C", "Gamma", 3), false)
	// Tagged "Various Artists" without the flag: one album.
	writeTrack(t, dir, "VA/01.mp3", withAA(tags("D", "Delta", "Summer", 1), "Various Artists"), false)
	writeTrack(t, dir, "VA/02.mp3", withAA(tags("E", "Epsilon", "Summer", 2), "Various Artists"), false)
	// Same album name by two artists: two albums.
	writeTrack(t, dir, "X/Greatest/01.mp3", tags("F", "Xeno", "Greatest Hits", 1), false)
	writeTrack(t, dir, "Y/Greatest/01.mp3", tags("G", "Yak", "Greatest Hits", 1), false)
	// Same artist and name, two releases told apart by MusicBrainz: two albums.
	writeTrack(t, dir, "Z/Live1/01.mp3", mb(tags("H", "Zed", "Live", 1), "11111111-1111-4111-8111-111111111111"), false)
	writeTrack(t, dir, "Z/Live2/01.mp3", mb(tags("I", "Zed", "Live", 1), "22222222-2222-4222-8222-222222222222"), false)
	// Untagged files in two directories: two "Unknown Album"s, titles from file names.
	writeTrack(t, dir, "loose1/my song.mp3", media.Tags{}, false)
	writeTrack(t, dir, "loose2/other song.mp3", media.Tags{}, false)

	st := f.scan()
	if st.Added != 13 || st.Failed != 0 {
		t.Fatalf("status = %+v", st)
	}
	got := map[string]int{} // "artist/album" → tracks
	discs := map[string]int{}
	for _, a := range f.albums(v) {
		got[a.ArtistName+"/"+a.Name] += a.TrackCount
		discs[a.ArtistName+"/"+a.Name] = max(discs[a.ArtistName+"/"+a.Name], a.DiscCount)
	}
	want := map[string]int{
		"Band/Double": 2, "Various Artists/Hits of 1999": 3, "Various Artists/Summer": 2,
		"Xeno/Greatest Hits": 1, "Yak/Greatest Hits": 1, "Zed/Live": 2, UnknownArtist + "/" + UnknownAlbum: 2,
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("album %s: %d tracks, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(f.albums(v)) != 9 {
		t.Errorf("albums = %d, want 9 (%v)", len(f.albums(v)), got)
	}
	if discs["Band/Double"] != 2 {
		t.Errorf("Double has %d discs", discs["Band/Double"])
	}
	titles := map[string]bool{}
	for _, tr := range f.tracks(v, TrackQuery{}) {
		titles[tr.Title] = true
	}
	if !titles["my song"] || !titles["other song"] {
		t.Errorf("untagged titles = %v", titles)
	}
}

func TestUnchangedFilesAreSkipped(t *testing.T) {
	f := newFixture(t, 1)
	v := f.user("u")
	for i := range 5 {
		writeTrack(t, f.dirs[0], filepath.Join("A", "t"+string(rune('0'+i))+".mp3"), tags("T", "Art", "Alb", i+1), false)
	}
	if st := f.scan(); st.Added != 5 {
		t.Fatalf("first scan: %+v", st)
	}
	before := f.tracks(v, TrackQuery{})
	st := f.scan()
	if st.Added != 0 || st.Updated != 0 || st.Removed != 0 || st.FilesSeen != 5 {
		t.Fatalf("rescan of an unchanged folder: %+v", st)
	}
	after := f.tracks(v, TrackQuery{})
	if len(after) != 5 || after[0].ID != before[0].ID || !after[0].Modified.Equal(before[0].Modified) {
		t.Fatalf("rows changed: %+v vs %+v", after[0], before[0])
	}
}

func TestDurationsAndFormatsComeFromTheHeaders(t *testing.T) {
	f := newFixture(t, 1)
	v := f.user("u")
	writeTrack(t, f.dirs[0], "a.mp3", tags("M", "A", "B", 1), false)
	writeTrack(t, f.dirs[0], "b.flac", tags("F", "A", "B", 2), false)
	f.scan()
	for _, tr := range f.tracks(v, TrackQuery{}) {
		if tr.Duration.Seconds() < 1.9 || tr.Duration.Seconds() > 2.1 || tr.Audio.SampleRate != 44100 || tr.Audio.Channels != 2 {
			t.Errorf("%s: %+v %v", tr.Path, tr.Audio, tr.Duration)
		}
		switch tr.Audio.Format {
		case "mp3":
			if tr.Audio.BitRate != 64 || tr.Audio.Codec != "mp3" {
				t.Errorf("mp3: %+v", tr.Audio)
			}
		case "flac":
			if tr.Audio.BitDepth != 16 || tr.Audio.Codec != "flac" || tr.Audio.ContentType != "audio/flac" {
				t.Errorf("flac: %+v", tr.Audio)
			}
		default:
			t.Errorf("format %q", tr.Audio.Format)
		}
	}
}

func TestCorruptFilesAreRecorded(t *testing.T) {
	f := newFixture(t, 1)
	v := f.user("u")
	writeTrack(t, f.dirs[0], "good.mp3", tags("Good", "A", "B", 1), false)
	if err := os.WriteFile(filepath.Join(f.dirs[0], "bad.flac"), []byte("fLaC garbage that is not a stream"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := f.scan()
	if st.Added != 1 || st.Failed != 1 {
		t.Fatalf("status %+v", st)
	}
	fails, err := f.lib.Failures(f.ctx, Page{})
	if err != nil || len(fails) != 1 || fails[0].Path != "bad.flac" || fails[0].Reason == "" {
		t.Fatalf("failures = %+v, %v", fails, err)
	}
	if st := f.scan(); st.Failed != 0 {
		t.Fatalf("an unchanged bad file is probed again: %+v", st)
	}
	if err := os.Remove(filepath.Join(f.dirs[0], "bad.flac")); err != nil {
		t.Fatal(err)
	}
	f.scan()
	if fails, _ := f.lib.Failures(f.ctx, Page{}); len(fails) != 0 {
		t.Fatalf("failure of a deleted file kept: %+v", fails)
	}
	if n := len(f.tracks(v, TrackQuery{})); n != 1 {
		t.Fatalf("tracks = %d", n)
	}
}
