package music

import (
	"context"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/library"
)

// countArgs are the count commands' arguments; counts match what the listings
// with the same filters return.
type countArgs struct {
	FavoriteOnly     bool     `json:"favorite_only"`
	AlbumArtistsOnly bool     `json:"album_artists_only"`
	ArtistType       *string  `json:"artist_type"`
	AlbumTypes       []string `json:"album_types"`
}

func (m *Module) count(ctx context.Context, p *auth.Principal, kind string, a countArgs) (int, error) {
	v := m.viewer(p)
	la := listArgs{Favorite: &a.FavoriteOnly, ArtistType: a.ArtistType, AlbumTypes: a.AlbumTypes}
	if !la.onlyMusic(kind) {
		return 0, nil
	}
	switch kind {
	case "artist":
		return m.lib.CountArtists(ctx, v, library.ArtistQuery{AlbumArtistsOnly: a.AlbumArtistsOnly, Favorite: a.FavoriteOnly})
	case "album":
		return m.lib.CountAlbums(ctx, v, library.AlbumQuery{Favorite: a.FavoriteOnly})
	case "track":
		return m.lib.CountTracks(ctx, v, library.TrackQuery{Favorite: a.FavoriteOnly})
	case "playlist":
		rows, err := m.lib.Playlists(ctx, v, library.PlaylistQuery{Favorite: a.FavoriteOnly, Page: library.Page{Limit: library.MaxLimit}})
		return len(rows), err
	case "genre":
		if a.FavoriteOnly {
			return 0, nil
		}
		c, err := m.lib.Counts(ctx, v)
		return c.Genres, err
	}
	return 0, nil // radios, podcasts, audiobooks: Segue has none
}

func (m *Module) countCommands() []api.Command {
	var out []api.Command
	for _, k := range []struct{ cmd, kind string }{
		{"artists", "artist"}, {"albums", "album"}, {"tracks", "track"}, {"playlists", "playlist"}, {"genres", "genre"},
		{"radios", "radio"}, {"podcasts", "podcast"}, {"audiobooks", "audiobook"},
	} {
		out = append(out, api.Command{Name: "music/" + k.cmd + "/count", Scope: auth.ScopeLibraryRead,
			Description: "How many " + k.cmd + " the library listing shows.", Args: countArgs{},
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				var a countArgs
				if err := api.DecodeLenientArgs(c, &a); err != nil {
					return nil, err
				}
				return m.count(ctx, c.Principal, k.kind, a)
			}})
	}
	return out
}
