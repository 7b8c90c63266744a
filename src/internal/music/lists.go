package music

import (
	"context"
	"strings"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/library"
)

// listArgs are MA's library_items arguments (base.py::library_items and the
// per-type extras). Absent keys keep the defaults; unknown keys are ignored.
type listArgs struct {
	Favorite         *bool    `json:"favorite"`
	Search           string   `json:"search"`
	Limit            *int     `json:"limit"`
	Offset           int      `json:"offset"`
	OrderBy          string   `json:"order_by"`
	Provider         flexList `json:"provider"`
	Genre            flexList `json:"genre"`
	PlayedOnly       bool     `json:"played_only"`
	AlbumArtistsOnly bool     `json:"album_artists_only"`
	ArtistType       *string  `json:"artist_type"`
	AlbumTypes       []string `json:"album_types"`
	ContentType      *string  `json:"content_type"`
}

func (a listArgs) page() library.Page {
	limit := 500 // MA's default page
	if a.Limit != nil {
		limit = *a.Limit
	}
	if limit <= 0 {
		limit = 1
	}
	return library.Page{Limit: limit, Offset: a.Offset}
}

func (a listArgs) favorite() bool { return a.Favorite != nil && *a.Favorite }

// folders maps provider instance ids to music folders; nil means every folder,
// and an id that names no folder leaves nothing to list.
func (m *Module) folders(providers []string) []int64 {
	if len(providers) == 0 {
		return nil
	}
	out := []int64{}
	for _, p := range providers {
		if p == "library" {
			return nil
		}
		if f, ok := m.lib.FolderByProvider(p); ok {
			out = append(out, f.ID)
		}
	}
	return out
}

// genreName resolves MA's genre filter (library genre ids) to the genre's name.
// Only the first id is used: the library filters by one genre at a time.
func (m *Module) genreName(ctx context.Context, v library.Viewer, ids []string) (string, bool, error) {
	if len(ids) == 0 {
		return "", true, nil
	}
	want, ok := libraryID(ids[0])
	if !ok {
		return "", false, nil
	}
	genres, err := m.lib.Genres(ctx, v, library.GenreQuery{Page: library.Page{Limit: library.MaxLimit}})
	if err != nil {
		return "", false, err
	}
	for _, g := range genres {
		if g.ID == want {
			return g.Name, true, nil
		}
	}
	return "", false, nil
}

// onlyMusic reports whether per-type filters leave anything: Segue's artists are
// all "singer" (music), its albums plain albums or compilations, its genres music.
func (a listArgs) onlyMusic(kind string) bool {
	if a.ArtistType != nil && *a.ArtistType != "singer" && kind == "artist" {
		return false
	}
	if a.ContentType != nil && *a.ContentType != "music" && kind == "genre" {
		return false
	}
	if kind == "album" && len(a.AlbumTypes) > 0 {
		for _, t := range a.AlbumTypes {
			if t == "album" || t == "compilation" {
				return true
			}
		}
		return false
	}
	return true
}

func (m *Module) artistQuery(a listArgs) library.ArtistQuery {
	return library.ArtistQuery{Folders: m.folders(a.Provider), AlbumArtistsOnly: a.AlbumArtistsOnly, Favorite: a.favorite(),
		Search: strings.TrimSpace(a.Search), Sort: library.ParseSort(a.OrderBy), Page: a.page()}
}

func (m *Module) albumQuery(ctx context.Context, v library.Viewer, a listArgs) (library.AlbumQuery, bool, error) {
	genre, ok, err := m.genreName(ctx, v, a.Genre)
	q := library.AlbumQuery{Folders: m.folders(a.Provider), Genre: genre, Favorite: a.favorite(), Played: a.PlayedOnly,
		Search: strings.TrimSpace(a.Search), Sort: library.ParseSort(a.OrderBy), Page: a.page()}
	return q, ok, err
}

func (m *Module) trackQuery(ctx context.Context, v library.Viewer, a listArgs) (library.TrackQuery, bool, error) {
	genre, ok, err := m.genreName(ctx, v, a.Genre)
	q := library.TrackQuery{Folders: m.folders(a.Provider), Genre: genre, Favorite: a.favorite(), Played: a.PlayedOnly,
		Search: strings.TrimSpace(a.Search), Sort: library.ParseSort(a.OrderBy), Page: a.page()}
	return q, ok, err
}

func (m *Module) listArtists(ctx context.Context, p *auth.Principal, a listArgs) ([]Artist, error) {
	out := []Artist{}
	if !a.onlyMusic("artist") {
		return out, nil
	}
	rows, err := m.lib.Artists(ctx, m.viewer(p), m.artistQuery(a))
	if err != nil {
		return nil, err
	}
	v := m.view()
	for _, r := range rows {
		out = append(out, v.artist(r))
	}
	return out, nil
}

func (m *Module) listAlbums(ctx context.Context, p *auth.Principal, a listArgs) ([]Album, error) {
	out := []Album{}
	lv := m.viewer(p)
	q, ok, err := m.albumQuery(ctx, lv, a)
	if err != nil || !ok || !a.onlyMusic("album") {
		return out, err
	}
	rows, err := m.lib.Albums(ctx, lv, q)
	if err != nil {
		return nil, err
	}
	v := m.view()
	for _, r := range rows {
		out = append(out, v.album(r))
	}
	return out, nil
}

func (m *Module) listTracks(ctx context.Context, p *auth.Principal, a listArgs) ([]Track, error) {
	out := []Track{}
	lv := m.viewer(p)
	q, ok, err := m.trackQuery(ctx, lv, a)
	if err != nil || !ok {
		return out, err
	}
	rows, err := m.lib.Tracks(ctx, lv, q)
	if err != nil {
		return nil, err
	}
	v := m.view()
	for _, r := range rows {
		out = append(out, v.track(r))
	}
	return out, nil
}

func (m *Module) listPlaylists(ctx context.Context, p *auth.Principal, a listArgs) ([]Playlist, error) {
	rows, err := m.lib.Playlists(ctx, m.viewer(p), library.PlaylistQuery{Favorite: a.favorite(), Search: strings.TrimSpace(a.Search),
		Sort: library.ParseSort(a.OrderBy), Page: a.page()})
	if err != nil {
		return nil, err
	}
	v := m.view()
	out := make([]Playlist, 0, len(rows))
	for _, r := range rows {
		out = append(out, v.playlist(r))
	}
	return out, nil
}

func (m *Module) listGenres(ctx context.Context, p *auth.Principal, a listArgs) ([]Genre, error) {
	out := []Genre{}
	if !a.onlyMusic("genre") || a.favorite() {
		return out, nil // genres cannot be favourites in Segue
	}
	rows, err := m.lib.Genres(ctx, m.viewer(p), library.GenreQuery{Folders: m.folders(a.Provider), Search: strings.TrimSpace(a.Search), Page: a.page()})
	if err != nil {
		return nil, err
	}
	v := m.view()
	for _, r := range rows {
		out = append(out, v.genre(r))
	}
	return out, nil
}

func listCommand[T any](name, what string, fn func(context.Context, *auth.Principal, listArgs) ([]T, error)) api.Command {
	return api.Command{Name: name, Scope: auth.ScopeLibraryRead, Description: "Library " + what + " (MA's filters, order_by and paging).",
		Args: listArgs{}, Handler: func(ctx context.Context, c *api.Call) (any, error) {
			var a listArgs
			if err := api.DecodeLenientArgs(c, &a); err != nil {
				return nil, err
			}
			return fn(ctx, c.Principal, a)
		}}
}

func noItems(context.Context, *auth.Principal, listArgs) ([]any, error) { return []any{}, nil }

func (m *Module) listCommands() []api.Command {
	return []api.Command{
		listCommand("music/artists/library_items", "artists", m.listArtists),
		listCommand("music/albums/library_items", "albums", m.listAlbums),
		listCommand("music/tracks/library_items", "tracks", m.listTracks),
		listCommand("music/playlists/library_items", "playlists", m.listPlaylists),
		listCommand("music/genres/library_items", "genres", m.listGenres),
		listCommand("music/radios/library_items", "radio stations (none: Segue has no radio provider)", noItems),
		listCommand("music/podcasts/library_items", "podcasts (none)", noItems),
		listCommand("music/audiobooks/library_items", "audiobooks (none)", noItems),
	}
}
