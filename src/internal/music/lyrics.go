package music

import (
	"context"
	"fmt"
	"strings"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/library"
)

type trackLyricsArgs struct {
	Track struct {
		ItemID   flexID `json:"item_id"`
		Provider string `json:"provider"`
	} `json:"track"`
}

// trackLyrics answers metadata/get_track_lyrics with MA's pair (lyrics,
// lrc_lyrics): the plain text of the lyrics in the track's tags, and LRC when they
// are synced. A track with none, or one outside the library, is a pair of nulls:
// the fullscreen player asks for every track it shows and toasts any error.
func (m *Module) trackLyrics(ctx context.Context, p *auth.Principal, a trackLyricsArgs) (any, error) {
	none := [2]*string{}
	id, err := m.resolveID("track", itemArgs{ItemID: a.Track.ItemID, Provider: a.Track.Provider})
	if err != nil {
		return none, nil
	}
	all, err := m.lib.Lyrics(ctx, m.viewer(p), id)
	if fail.Is(err, fail.KindNotFound) || (err == nil && len(all) == 0) {
		return none, nil
	}
	if err != nil {
		return nil, err
	}
	ly := all[0]
	plain := ly.Text()
	if !ly.Synced {
		return [2]*string{&plain, nil}, nil
	}
	lrc := lrcLyrics(ly)
	return [2]*string{&plain, &lrc}, nil
}

// lrcLyrics writes synced lyrics as LRC, one "[mm:ss.xx]line" per line.
func lrcLyrics(ly library.Lyrics) string {
	var b strings.Builder
	for i, l := range ly.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		cs := l.Start.Milliseconds() / 10
		fmt.Fprintf(&b, "[%02d:%02d.%02d]%s", cs/6000, cs/100%60, cs%100, l.Text)
	}
	return b.String()
}
