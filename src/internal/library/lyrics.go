package library

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"segue/internal/fail"
)

// storedLyrics is the lyrics column: JSON, ” when a track has none.
type storedLyrics struct {
	Lang   string       `json:"lang,omitempty"`
	Synced bool         `json:"synced,omitempty"`
	Lines  []storedLine `json:"lines"`
}

type storedLine struct {
	Ms   int64  `json:"ms,omitempty"`
	Text string `json:"text"`
}

func encodeLyrics(l Lyrics) string {
	if len(l.Lines) == 0 {
		return ""
	}
	s := storedLyrics{Lang: l.Lang, Synced: l.Synced}
	for _, ln := range l.Lines {
		s.Lines = append(s.Lines, storedLine{Ms: ln.Start.Milliseconds(), Text: ln.Text})
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func decodeLyrics(raw string) (Lyrics, bool) {
	var s storedLyrics
	if raw == "" || json.Unmarshal([]byte(raw), &s) != nil || len(s.Lines) == 0 {
		return Lyrics{}, false
	}
	l := Lyrics{Lang: s.Lang, Synced: s.Synced}
	for _, ln := range s.Lines {
		l.Lines = append(l.Lines, LyricLine{Start: time.Duration(ln.Ms) * time.Millisecond, Text: ln.Text})
	}
	return l, true
}

// Text is the lyrics as plain text, one line per line.
func (ly Lyrics) Text() string {
	lines := make([]string, 0, len(ly.Lines))
	for _, l := range ly.Lines {
		lines = append(lines, l.Text)
	}
	return strings.Join(lines, "\n")
}

// Lyrics returns the lyrics embedded in a track (none: an empty list).
func (l *Library) Lyrics(ctx context.Context, v Viewer, trackID int64) ([]Lyrics, error) {
	t, err := l.Track(ctx, v, trackID)
	if err != nil {
		return nil, err
	}
	var raw string
	if err := l.db.R.QueryRowContext(ctx, "SELECT lyrics FROM lib_tracks WHERE id = ?", trackID).Scan(&raw); err != nil {
		return nil, dbErr(err)
	}
	ly, ok := decodeLyrics(raw)
	if !ok {
		return []Lyrics{}, nil
	}
	ly.TrackID, ly.Artist, ly.Title = t.ID, t.ArtistName, t.Title
	return []Lyrics{ly}, nil
}

// LyricsFor finds the lyrics of the first track matching artist and title
// (case-insensitive), as Subsonic getLyrics asks; NotFound when none has any.
func (l *Library) LyricsFor(ctx context.Context, v Viewer, artist, title string) (Lyrics, error) {
	w := &where{}
	w.in("folder_id", l.scope(v, nil, false))
	w.add("lyrics != ''")
	if artist != "" {
		w.add("artist_name = ? COLLATE NOCASE", artist)
	}
	if title != "" {
		w.add("title = ? COLLATE NOCASE", title)
	}
	var id int64
	err := l.db.R.QueryRowContext(ctx, "SELECT id FROM lib_tracks"+w.sql()+" ORDER BY id LIMIT 1", w.args...).Scan(&id)
	if isNoRows(err) {
		return Lyrics{}, fail.NotFound("Lyrics not found")
	}
	if err != nil {
		return Lyrics{}, dbErr(err)
	}
	ls, err := l.Lyrics(ctx, v, id)
	if err != nil || len(ls) == 0 {
		return Lyrics{}, fail.NotFound("Lyrics not found")
	}
	return ls[0], nil
}
