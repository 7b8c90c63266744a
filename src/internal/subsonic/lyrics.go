package subsonic

import (
	"context"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/library"
)

// getLyrics finds lyrics by artist and title. Nothing found is an empty
// lyrics element, not an error (as navidrome answers).
func (h *Handler) getLyrics(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	artist, title := params.Values.Get("artist"), params.Values.Get("title")
	out := &Lyrics{}
	if artist != "" || title != "" {
		ly, err := h.d.Library.LyricsFor(ctx, h.viewer(p), artist, title)
		switch {
		case err == nil:
			out = &Lyrics{Artist: ly.Artist, Title: ly.Title, Value: ly.Text()}
		case !fail.Is(err, fail.KindNotFound):
			return nil, fromDomain(err)
		}
	}
	r := h.enc.envelope()
	r.Lyrics = out
	return r, nil
}

// getLyricsBySongID answers the songLyrics extension: every set of lyrics of a song.
func (h *Handler) getLyricsBySongID(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	n, perr := requiredID(params, "id", library.KindTrack)
	if perr != nil {
		return nil, perr
	}
	ls, err := h.d.Library.Lyrics(ctx, h.viewer(p), n)
	if err != nil {
		return nil, fromDomain(err)
	}
	out := &LyricsList{StructuredLyrics: make([]StructuredLyrics, 0, len(ls))}
	for _, ly := range ls {
		s := StructuredLyrics{Lang: ly.Lang, Synced: ly.Synced, DisplayArtist: ly.Artist, DisplayTitle: ly.Title,
			Line: make([]LyricLine, 0, len(ly.Lines))}
		if s.Lang == "" {
			s.Lang = "xxx" // ISO 639 "undetermined", as the extension asks
		}
		for _, l := range ly.Lines {
			line := LyricLine{Value: l.Text}
			if ly.Synced {
				ms := l.Start.Milliseconds()
				line.Start = &ms
			}
			s.Line = append(s.Line, line)
		}
		out.StructuredLyrics = append(out.StructuredLyrics, s)
	}
	r := h.enc.envelope()
	r.LyricsList = out
	return r, nil
}
