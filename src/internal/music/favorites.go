package music

import (
	"context"
	"encoding/json"
	"strings"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/library"
)

// A favourite is the library's star: the same data Subsonic's star/unstar change.

var kinds = map[string]library.Kind{"artist": library.KindArtist, "album": library.KindAlbum, "track": library.KindTrack, "playlist": library.KindPlaylist}

// itemRef is what add_item receives: a URI string or the whole item object.
type itemRef struct {
	URI       string `json:"uri"`
	ItemID    flexID `json:"item_id"`
	Provider  string `json:"provider"`
	MediaType string `json:"media_type"`
}

func (r *itemRef) UnmarshalJSON(b []byte) error {
	var uri string
	if err := json.Unmarshal(b, &uri); err == nil {
		r.URI = uri
		return nil
	}
	type plain itemRef
	return json.Unmarshal(b, (*plain)(r))
}

// target resolves a reference to a library kind and id.
func (m *Module) target(r itemRef) (library.Kind, int64, error) {
	mediaType, id := r.MediaType, string(r.ItemID)
	provider := r.Provider
	if rest, ok := strings.CutPrefix(r.URI, "library://"); ok {
		mediaType, id, _ = strings.Cut(rest, "/")
		provider = "library"
	}
	kind, ok := kinds[mediaType]
	if !ok {
		return 0, 0, fail.Invalid("Only artists, albums, tracks and playlists can be favourites")
	}
	n, err := m.resolveID(mediaType, itemArgs{ItemID: flexID(id), Provider: provider})
	return kind, n, err
}

type addFavoriteArgs struct {
	Item itemRef `json:"item"`
}

type removeFavoriteArgs struct {
	MediaType string `json:"media_type"`
	ID        flexID `json:"library_item_id"`
}

func (m *Module) addFavorite(ctx context.Context, p *auth.Principal, a addFavoriteArgs) (any, error) {
	kind, id, err := m.target(a.Item)
	if err != nil {
		return nil, err
	}
	return nil, m.lib.Star(ctx, m.viewer(p), kind, id)
}

func (m *Module) removeFavorite(ctx context.Context, p *auth.Principal, a removeFavoriteArgs) (any, error) {
	kind, id, err := m.target(itemRef{MediaType: a.MediaType, ItemID: a.ID, Provider: "library"})
	if err != nil {
		return nil, err
	}
	return nil, m.lib.Unstar(ctx, m.viewer(p), kind, id)
}

type libraryAddArgs struct {
	Item itemRef `json:"item"`
}

// libraryAdd: every file in the music folders is in the library already, so
// adding answers the library item. Removing is refused: the library is what the
// folders hold (they are mounted read-only in the add-on), and hiding items per
// user would make MA and Subsonic disagree.
func (m *Module) libraryAdd(ctx context.Context, p *auth.Principal, a libraryAddArgs) (any, error) {
	kind, id, err := m.target(a.Item)
	if err != nil {
		return nil, err
	}
	return m.item(ctx, m.viewer(p), mediaTypes[kind], id)
}

func libraryRemove(context.Context, *auth.Principal, removeFavoriteArgs) (any, error) {
	return nil, fail.Invalid("Segue's library is the music in your folders: remove the file from its folder to remove it from the library")
}

func (m *Module) favoriteCommands() []api.Command {
	write := func(name, desc string, args any, h api.Handler) api.Command {
		return api.Command{Name: name, Scope: auth.ScopeLibraryWrite, Description: desc, Args: args, Handler: h}
	}
	return []api.Command{
		write("music/favorites/add_item", "Mark an item as favourite (a Subsonic star).", addFavoriteArgs{}, argsHandler(m.addFavorite)),
		write("music/favorites/remove_item", "Remove a favourite (a Subsonic unstar).", removeFavoriteArgs{}, argsHandler(m.removeFavorite)),
		write("music/library/add_item", "Everything in the music folders is in the library: answers the library item.", libraryAddArgs{}, argsHandler(m.libraryAdd)),
		write("music/library/remove_item", "Refused: remove the file from its music folder instead.", removeFavoriteArgs{}, argsHandler(libraryRemove)),
	}
}
