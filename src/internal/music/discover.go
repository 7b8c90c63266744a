package music

import (
	"context"
	"slices"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/library"
)

// Discover rows: a few honest folders the library can fill by itself.

type recommendationFolder struct {
	base
	Path             string  `json:"path"`
	Image            *Image  `json:"image"`
	Icon             *string `json:"icon"`
	Subtitle         *string `json:"subtitle"`
	Items            []any   `json:"items"`
	Type             string  `json:"type"`
	EnabledByDefault bool    `json:"enabled_by_default"`
}

type row struct {
	id, name, icon string
	items          func(ctx context.Context, p *auth.Principal) (any, error)
}

const rowSize = 20

func (m *Module) rows() []row {
	albums := func(sort library.Sort, played bool) func(context.Context, *auth.Principal) (any, error) {
		return func(ctx context.Context, p *auth.Principal) (any, error) {
			return m.listAlbumsQuery(ctx, p, library.AlbumQuery{Sort: sort, Played: played, Page: library.Page{Limit: rowSize}})
		}
	}
	return []row{
		{"recently_added_albums", "Recently added albums", "mdi-new-box", albums(library.Sort{By: library.OrderAdded, Desc: true}, false)},
		{"recently_played", "Recently played", "mdi-motion-play", func(ctx context.Context, p *auth.Principal) (any, error) {
			return m.recentlyPlayed(ctx, p, recentArgs{Limit: rowSize})
		}},
		{"most_played_albums", "Most played albums", "mdi-fire", albums(library.Sort{By: library.OrderPlayCount, Desc: true}, true)},
		{"random_albums", "Random albums", "mdi-dice-multiple", albums(library.Sort{By: library.OrderRandom}, false)},
	}
}

func (m *Module) listAlbumsQuery(ctx context.Context, p *auth.Principal, q library.AlbumQuery) ([]Album, error) {
	rows, err := m.lib.Albums(ctx, m.viewer(p), q)
	if err != nil {
		return nil, err
	}
	vw := m.view()
	out := make([]Album, 0, len(rows))
	for _, r := range rows {
		out = append(out, vw.album(r))
	}
	return out, nil
}

func (m *Module) recommendations() []recommendationFolder {
	out := []recommendationFolder{}
	for _, r := range m.rows() {
		icon := r.icon
		b := base{ItemID: r.id, Provider: "library", Name: r.name, SortName: r.name, URI: "library://folder/" + r.id,
			ExternalIDs: [][2]string{}, MediaType: "folder"}
		out = append(out, recommendationFolder{base: b, Path: "library://" + r.id, Icon: &icon, Items: []any{}, Type: "default", EnabledByDefault: true})
	}
	return out
}

type rowArgs struct {
	Provider string `json:"provider"`
	ItemID   string `json:"item_id"`
}

// rowItems fills one Discover row; an unknown row is empty, never an error.
func (m *Module) rowItems(ctx context.Context, p *auth.Principal, a rowArgs) (any, error) {
	if a.Provider == "library" {
		for _, r := range m.rows() {
			if r.id == a.ItemID {
				return r.items(ctx, p)
			}
		}
	}
	return []any{}, nil
}

type recentArgs struct {
	Limit      int      `json:"limit"`
	MediaTypes []string `json:"media_types"`
}

// recentlyPlayed lists the user's last played tracks as ItemMappings (MA's playlog rows).
func (m *Module) recentlyPlayed(ctx context.Context, p *auth.Principal, a recentArgs) ([]ItemMapping, error) {
	out := []ItemMapping{}
	if len(a.MediaTypes) > 0 && !slices.Contains(a.MediaTypes, "track") {
		return out, nil
	}
	limit := a.Limit
	if limit <= 0 {
		limit = 10
	}
	rows, err := m.lib.Tracks(ctx, m.viewer(p), library.TrackQuery{Played: true, Sort: library.Sort{By: library.OrderLastPlayed, Desc: true},
		Page: library.Page{Limit: min(limit, 100)}})
	if err != nil {
		return nil, err
	}
	vw := m.view()
	for _, t := range rows {
		im := vw.itemMapping("track", t.ID, t.Title, vw.image(t.CoverID, t.FolderID), 0)
		im.Available = t.Available
		out = append(out, im)
	}
	return out, nil
}

func (m *Module) discoverCommands() []api.Command {
	read := func(name, desc string, args any, h api.Handler) api.Command {
		return api.Command{Name: name, Scope: auth.ScopeLibraryRead, Description: desc, Args: args, Handler: h}
	}
	return []api.Command{
		read("music/recommendations", "Discover rows: recently added, recently played, most played, random albums.", nil,
			func(ctx context.Context, c *api.Call) (any, error) { return m.recommendations(), nil }),
		read("music/recommendations/items", "The items of one Discover row.", rowArgs{}, argsHandler(m.rowItems)),
		read("music/recently_played_items", "The user's recently played tracks.", recentArgs{}, argsHandler(m.recentlyPlayed)),
		read("music/in_progress_items", "Partly played audiobooks and episodes (none: Segue has neither).", nil,
			func(ctx context.Context, c *api.Call) (any, error) { return []any{}, nil }),
	}
}
