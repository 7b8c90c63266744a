package music

import (
	"context"
	"slices"
	"strings"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/library"
)

type searchArgs struct {
	Query      string   `json:"search_query"`
	MediaTypes []string `json:"media_types"`
	Limit      *int     `json:"limit"`
	Providers  []string `json:"providers"`
}

func emptyResults() SearchResults {
	return SearchResults{Artists: []Artist{}, Albums: []Album{}, Genres: []Genre{}, Tracks: []Track{}, Playlists: []Playlist{},
		Radio: []any{}, Audiobooks: []any{}, Podcasts: []any{}, SoundEffects: []any{}}
}

// search answers music/search from the library. Searches aimed at a provider
// instance get nothing: folders offer no search of their own (the frontend only
// asks those that list "search" in their features).
func (m *Module) search(ctx context.Context, p *auth.Principal, a searchArgs) (SearchResults, error) {
	res := emptyResults()
	text := strings.TrimSpace(a.Query)
	if text == "" || (len(a.Providers) > 0 && !slices.Contains(a.Providers, "library")) {
		return res, nil
	}
	limit := 25
	if a.Limit != nil && *a.Limit > 0 {
		limit = min(*a.Limit, 100)
	}
	want := func(t string) bool { return len(a.MediaTypes) == 0 || slices.Contains(a.MediaTypes, t) }
	page := func(t string) library.Page {
		if want(t) {
			return library.Page{Limit: limit}
		}
		return library.Page{Limit: -1}
	}
	v := m.viewer(p)
	found, err := m.lib.Search(ctx, v, library.SearchQuery{Text: text, Artists: page("artist"), Albums: page("album"), Tracks: page("track")})
	if err != nil {
		return res, err
	}
	vw := m.view()
	for _, r := range found.Artists {
		res.Artists = append(res.Artists, vw.artist(r))
	}
	for _, r := range found.Albums {
		res.Albums = append(res.Albums, vw.album(r))
	}
	for _, r := range found.Tracks {
		res.Tracks = append(res.Tracks, vw.track(r))
	}
	if want("playlist") {
		if res.Playlists, err = m.listPlaylists(ctx, p, listArgs{Search: text, Limit: &limit}); err != nil {
			return res, err
		}
	}
	if want("genre") {
		if res.Genres, err = m.listGenres(ctx, p, listArgs{Search: text, Limit: &limit}); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (m *Module) searchCommands() []api.Command {
	return []api.Command{{Name: "music/search", Scope: auth.ScopeLibraryRead, Description: "Search the library (artists, albums, tracks, playlists, genres).",
		Args: searchArgs{}, Handler: argsHandler(m.search)}}
}
