package music

import (
	"context"
	"strconv"
	"strings"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/library"
	"segue/internal/text"
)

// itemArgs name one item: a library id ("library", "12") or one of its provider
// mappings (a folder instance and the mapping's key, e.g. "album/12").
type itemArgs struct {
	ItemID   flexID `json:"item_id"`
	Provider string `json:"provider_instance_id_or_domain"`
	AlbumURI string `json:"album_uri"`
}

// resolveID finds the library id an item reference names.
func (m *Module) resolveID(mediaType string, a itemArgs) (int64, error) {
	id := string(a.ItemID)
	if a.Provider != "" && a.Provider != "library" {
		// Segue's mapping keys for albums, artists and playlists end in the library id.
		if _, ok := m.lib.FolderByProvider(a.Provider); ok && strings.HasPrefix(id, mediaType+"/") {
			id = strings.TrimPrefix(id, mediaType+"/")
		} else {
			id = ""
		}
	}
	if n, ok := libraryID(id); ok {
		return n, nil
	}
	return 0, fail.NotFound("%s not found in library: %s", strings.ToUpper(mediaType[:1])+mediaType[1:], text.Truncate(string(a.ItemID), 64))
}

func itemHandler[T any](m *Module, mediaType string, fn func(ctx context.Context, v library.Viewer, id int64, a itemArgs) (T, error)) api.Handler {
	return func(ctx context.Context, c *api.Call) (any, error) {
		var a itemArgs
		if err := api.DecodeLenientArgs(c, &a); err != nil {
			return nil, err
		}
		id, err := m.resolveID(mediaType, a)
		if err != nil {
			return nil, err
		}
		return fn(ctx, m.viewer(c.Principal), id, a)
	}
}

const allRows = library.MaxLimit

func (m *Module) getArtist(ctx context.Context, v library.Viewer, id int64, _ itemArgs) (Artist, error) {
	a, err := m.lib.Artist(ctx, v, id)
	return m.view().artist(a), err
}

func (m *Module) getAlbum(ctx context.Context, v library.Viewer, id int64, _ itemArgs) (Album, error) {
	a, err := m.lib.Album(ctx, v, id)
	if err != nil {
		return Album{}, err
	}
	return m.view().album(a), nil
}

// getTrack answers the full form: the album as a full Album, audio_metadata set.
func (m *Module) getTrack(ctx context.Context, v library.Viewer, id int64, _ itemArgs) (Track, error) {
	t, err := m.lib.Track(ctx, v, id)
	if err != nil {
		return Track{}, err
	}
	vw := m.view()
	out := vw.track(t)
	if t.AlbumID != 0 {
		if a, err := m.lib.Album(ctx, v, t.AlbumID); err == nil {
			out.Album = vw.album(a)
		}
	}
	out.AudioMetadata = map[string]any{"bpm": nil, "musical_key": nil}
	return out, nil
}

func (m *Module) getPlaylist(ctx context.Context, v library.Viewer, id int64, _ itemArgs) (Playlist, error) {
	p, err := m.lib.Playlist(ctx, v, id)
	return m.view().playlist(p), err
}

func (m *Module) albums(ctx context.Context, v library.Viewer, q library.AlbumQuery) ([]Album, error) {
	q.Page = library.Page{Limit: allRows}
	rows, err := m.lib.Albums(ctx, v, q)
	out := make([]Album, 0, len(rows))
	vw := m.view()
	for _, r := range rows {
		out = append(out, vw.album(r))
	}
	return out, err
}

func (m *Module) tracks(ctx context.Context, v library.Viewer, q library.TrackQuery) ([]Track, error) {
	q.Page = library.Page{Limit: allRows}
	rows, err := m.lib.Tracks(ctx, v, q)
	out := make([]Track, 0, len(rows))
	vw := m.view()
	for _, r := range rows {
		out = append(out, vw.track(r))
	}
	return out, err
}

func (m *Module) artistAlbums(ctx context.Context, v library.Viewer, id int64, _ itemArgs) ([]Album, error) {
	if _, err := m.lib.Artist(ctx, v, id); err != nil {
		return nil, err
	}
	return m.albums(ctx, v, library.AlbumQuery{ArtistID: id})
}

func (m *Module) artistTracks(ctx context.Context, v library.Viewer, id int64, _ itemArgs) ([]Track, error) {
	if _, err := m.lib.Artist(ctx, v, id); err != nil {
		return nil, err
	}
	return m.tracks(ctx, v, library.TrackQuery{ArtistID: id})
}

func (m *Module) albumTracks(ctx context.Context, v library.Viewer, id int64, _ itemArgs) ([]Track, error) {
	if _, err := m.lib.Album(ctx, v, id); err != nil {
		return nil, err
	}
	return m.tracks(ctx, v, library.TrackQuery{AlbumID: id, Sort: library.Sort{By: library.OrderPosition}})
}

func (m *Module) playlistTracks(ctx context.Context, v library.Viewer, id int64, _ itemArgs) ([]Track, error) {
	rows, err := m.lib.PlaylistTracks(ctx, v, id, library.Page{Limit: allRows})
	if err != nil {
		return nil, err
	}
	vw := m.view()
	out := make([]Track, 0, len(rows))
	for i, r := range rows {
		t := vw.track(r)
		pos := i
		t.Position = &pos
		out = append(out, t)
	}
	return out, nil
}

// trackAlbums is the album a track is on (Segue knows one album per file).
func (m *Module) trackAlbums(ctx context.Context, v library.Viewer, id int64, _ itemArgs) ([]Album, error) {
	t, err := m.lib.Track(ctx, v, id)
	if err != nil {
		return nil, err
	}
	out := []Album{}
	if a, err := m.lib.Album(ctx, v, t.AlbumID); err == nil {
		out = append(out, m.view().album(a))
	}
	return out, nil
}

func none(context.Context, library.Viewer, int64, itemArgs) ([]any, error) { return []any{}, nil }

type genresForArgs struct {
	MediaType string `json:"media_type"`
	MediaID   flexID `json:"media_id"`
}

// genresFor lists the genres of a track or album as library genres.
func (m *Module) genresFor(ctx context.Context, p *auth.Principal, a genresForArgs) ([]Genre, error) {
	out := []Genre{}
	v := m.viewer(p)
	id, ok := libraryID(string(a.MediaID))
	if !ok {
		return out, nil
	}
	var names []string
	switch a.MediaType {
	case "track":
		t, err := m.lib.Track(ctx, v, id)
		if err != nil {
			return out, nil
		}
		names = t.Genres
	case "album":
		al, err := m.lib.Album(ctx, v, id)
		if err != nil {
			return out, nil
		}
		names = al.Genres
	default:
		return out, nil
	}
	if len(names) == 0 {
		return out, nil
	}
	all, err := m.lib.Genres(ctx, v, library.GenreQuery{Page: library.Page{Limit: library.MaxLimit}})
	if err != nil {
		return nil, err
	}
	vw := m.view()
	for _, g := range all {
		for _, n := range names {
			if strings.EqualFold(g.Name, n) {
				out = append(out, vw.genre(g))
				break
			}
		}
	}
	return out, nil
}

type mediaCountArgs struct {
	GenreIDs flexList `json:"genre_ids"`
}

// genreMediaCounts answers {genre_id: {media_type: count}} for Discover.
func (m *Module) genreMediaCounts(ctx context.Context, p *auth.Principal, a mediaCountArgs) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	if len(a.GenreIDs) == 0 {
		return out, nil
	}
	all, err := m.lib.Genres(ctx, m.viewer(p), library.GenreQuery{Page: library.Page{Limit: library.MaxLimit}})
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range a.GenreIDs {
		want[id] = true
	}
	for _, g := range all {
		if id := strconv.FormatInt(g.ID, 10); want[id] {
			out[id] = map[string]int{"album": g.AlbumCount, "track": g.TrackCount}
		}
	}
	return out, nil
}

type libraryItemArgs struct {
	MediaType string `json:"media_type"`
	itemArgs
}

// libraryItem answers music/get_library_item: the library item or null.
func (m *Module) libraryItem(ctx context.Context, p *auth.Principal, a libraryItemArgs) (any, error) {
	id, err := m.resolveID(a.MediaType, a.itemArgs)
	if err != nil {
		return nil, nil
	}
	if _, ok := kinds[a.MediaType]; !ok {
		return nil, nil
	}
	item, err := m.item(ctx, m.viewer(p), a.MediaType, id)
	if fail.Is(err, fail.KindNotFound) {
		return nil, nil
	}
	return item, err
}

func argsHandler[A any, R any](fn func(context.Context, *auth.Principal, A) (R, error)) api.Handler {
	return func(ctx context.Context, c *api.Call) (any, error) {
		var a A
		if err := api.DecodeLenientArgs(c, &a); err != nil {
			return nil, err
		}
		return fn(ctx, c.Principal, a)
	}
}

func (m *Module) itemCommands() []api.Command {
	read := func(name, desc string, args any, h api.Handler) api.Command {
		return api.Command{Name: name, Scope: auth.ScopeLibraryRead, Description: desc, Args: args, Handler: h}
	}
	ia := itemArgs{}
	return []api.Command{
		read("music/artists/get_artist", "One artist.", ia, itemHandler(m, "artist", m.getArtist)),
		read("music/artists/get", "One artist.", ia, itemHandler(m, "artist", m.getArtist)),
		read("music/albums/get_album", "One album with its artists.", ia, itemHandler(m, "album", m.getAlbum)),
		read("music/albums/get", "One album with its artists.", ia, itemHandler(m, "album", m.getAlbum)),
		read("music/tracks/get_track", "One track with its album.", ia, itemHandler(m, "track", m.getTrack)),
		read("music/tracks/get", "One track with its album.", ia, itemHandler(m, "track", m.getTrack)),
		read("music/playlists/get_playlist", "One playlist.", ia, itemHandler(m, "playlist", m.getPlaylist)),
		read("music/playlists/get", "One playlist.", ia, itemHandler(m, "playlist", m.getPlaylist)),
		read("music/artists/artist_albums", "Albums where the artist is album artist.", ia, itemHandler(m, "artist", m.artistAlbums)),
		read("music/artists/artist_tracks", "Tracks by the artist.", ia, itemHandler(m, "artist", m.artistTracks)),
		read("music/albums/album_tracks", "The album's tracks in disc and track order.", ia, itemHandler(m, "album", m.albumTracks)),
		read("music/playlists/playlist_tracks", "The playlist's tracks with their positions.", ia, itemHandler(m, "playlist", m.playlistTracks)),
		read("music/albums/album_versions", "Other versions of an album (none: one library, no streaming providers).", ia, itemHandler(m, "album", none)),
		read("music/tracks/track_versions", "Other versions of a track (none).", ia, itemHandler(m, "track", none)),
		read("music/tracks/track_albums", "The album a track is on.", ia, itemHandler(m, "track", m.trackAlbums)),
		read("music/genres/genres_for_media_item", "Genres of a track or album.", genresForArgs{}, argsHandler(m.genresFor)),
		read("music/genres/genre_exclusions_for_media_item", "Genres excluded from an item (none: Segue takes genres from the tags).", genresForArgs{},
			func(ctx context.Context, c *api.Call) (any, error) { return []Genre{}, nil }),
		read("music/genres/media_counts", "Albums and tracks per genre.", mediaCountArgs{}, argsHandler(m.genreMediaCounts)),
		read("music/get_library_item", "The library item a reference names, or null.", libraryItemArgs{}, argsHandler(m.libraryItem)),
		read("metadata/get_track_lyrics", "A track's lyrics from its tags: [plain text, LRC when synced], nulls when none.", trackLyricsArgs{},
			argsHandler(m.trackLyrics)),
		read("music/artists/library_artist_types", "Artist types present (Segue's artists are all music artists).", nil,
			func(ctx context.Context, c *api.Call) (any, error) { return []string{"singer"}, nil }),
		read("music/browse", "Browse providers (none offer browsing: the library covers every folder).", nil,
			func(ctx context.Context, c *api.Call) (any, error) { return []any{}, nil }),
	}
}
