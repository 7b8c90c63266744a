package music_test

import (
	"context"
	"strconv"
	"testing"
)

// TestTrackLyrics: metadata/get_track_lyrics (the fullscreen player asks it for
// every track it shows) answers MA's pair from the track's tags — plain text, and
// LRC when the lyrics are synced — and a pair of nulls for a track without any or
// outside the library, never an error (an error is a toast in the app).
func TestTrackLyrics(t *testing.T) {
	e := newEnv(t, 60)
	var me struct {
		UserID string `json:"user_id"`
	}
	e.call(t, "auth/me", nil, &me)
	viewer := e.srv.App.Library.Viewer(me.UserID, nil)
	var tracks []ref
	e.call(t, "music/tracks/library_items", map[string]any{"limit": 500}, &tracks)
	lyrics := func(item map[string]any) [2]*string {
		var got [2]*string
		e.call(t, "metadata/get_track_lyrics", map[string]any{"track": item}, &got)
		return got
	}
	plain, synced := 0, 0
	for _, tr := range tracks {
		got := lyrics(map[string]any{"item_id": tr.ItemID, "provider": "library", "media_type": "track", "name": tr.Name})
		id, _ := strconv.ParseInt(tr.ItemID, 10, 64)
		want, err := e.srv.App.Library.Lyrics(context.Background(), viewer, id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case len(want) == 0:
			if got[0] != nil || got[1] != nil {
				t.Errorf("%s has no lyrics, got %v", tr.Name, got)
			}
		case want[0].Synced:
			synced++
			// mediagen's synced lyrics: "First line" at 1.5 s, "Second line" at 62 s.
			if got[0] == nil || *got[0] != "First line\nSecond line" || got[1] == nil || *got[1] != "[00:01.50]First line\n[01:02.00]Second line" {
				t.Errorf("%s synced lyrics: %q", tr.Name, deref(got))
			}
		default:
			plain++
			if got[0] == nil || *got[0] != want[0].Text() || got[1] != nil {
				t.Errorf("%s plain lyrics: %q, want %q", tr.Name, deref(got), want[0].Text())
			}
		}
	}
	if plain == 0 || synced == 0 {
		t.Fatalf("the generated library must hold plain (%d) and synced (%d) lyrics for this test to mean anything", plain, synced)
	}
	if got := lyrics(map[string]any{"item_id": "Artist/Album/01 Song.flac", "provider": "filesystem_local--0", "media_type": "track"}); got[0] != nil || got[1] != nil {
		t.Errorf("a track outside the library: %v", got)
	}
}

func deref(p [2]*string) [2]string {
	var out [2]string
	for i, s := range p {
		if s != nil {
			out[i] = *s
		}
	}
	return out
}

// TestNoDashboards: the fullscreen player's cast button asks for dashboards and
// their sessions; Segue casts none, and says so with empty lists (the button
// hides) instead of an unknown-command toast.
func TestNoDashboards(t *testing.T) {
	e := newEnv(t, 2)
	for _, c := range []struct {
		command string
		args    any
	}{{"dashboard/sessions", nil}, {"dashboard/dashboards", map[string]any{"dashboard": "now_playing"}}} {
		var got []any
		e.call(t, c.command, c.args, &got)
		if got == nil || len(got) != 0 {
			t.Errorf("%s: %v, want []", c.command, got)
		}
	}
}
