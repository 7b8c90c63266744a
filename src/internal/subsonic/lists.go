package subsonic

import (
	"context"
	"strings"

	"segue/internal/auth"
	"segue/internal/library"
)

// Bounds of list sizes (the Subsonic spec's maxima; larger requests are clamped).
const (
	maxListSize   = 500
	maxSearchSize = library.MaxLimit
)

func (h *Handler) albumListQuery(params *Params) (library.AlbumQuery, int, *Error) {
	kind := params.Values.Get("type")
	if kind == "" {
		return library.AlbumQuery{}, 0, errMissing("type")
	}
	switch {
	case kind == library.ListByGenre && params.Values.Get("genre") == "":
		return library.AlbumQuery{}, 0, errMissing("genre")
	case kind == library.ListByYear && !params.has("fromYear"):
		return library.AlbumQuery{}, 0, errMissing("fromYear")
	case kind == library.ListByYear && !params.has("toYear"):
		return library.AlbumQuery{}, 0, errMissing("toYear")
	}
	fs, perr := folders(params)
	if perr != nil {
		return library.AlbumQuery{}, 0, perr
	}
	size := params.intOr("size", 10, 0, maxListSize)
	page := library.Page{Offset: params.intOr("offset", 0, 0, library.MaxOffset), Limit: size}
	q, err := library.AlbumList(kind, params.intOr("fromYear", 0, 0, 9999), params.intOr("toYear", 0, 0, 9999), params.Values.Get("genre"), page)
	if err != nil {
		return q, 0, fromDomain(err)
	}
	q.Folders = fs
	return q, size, nil
}

func (h *Handler) albums(ctx context.Context, p *auth.Principal, params *Params) ([]library.Album, *Error) {
	q, size, perr := h.albumListQuery(params)
	if perr != nil {
		return nil, perr
	}
	if size == 0 {
		return []library.Album{}, nil
	}
	as, err := h.d.Library.Albums(ctx, h.viewer(p), q)
	if err != nil {
		return nil, fromDomain(err)
	}
	return as, nil
}

func (h *Handler) getAlbumList(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	as, perr := h.albums(ctx, p, params)
	if perr != nil {
		return nil, perr
	}
	r := h.enc.envelope()
	r.AlbumList = &AlbumList{Album: albumChildren(as)}
	return r, nil
}

func (h *Handler) getAlbumList2(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	as, perr := h.albums(ctx, p, params)
	if perr != nil {
		return nil, perr
	}
	r := h.enc.envelope()
	r.AlbumList2 = &AlbumList2{Album: albumID3s(as)}
	return r, nil
}

func (h *Handler) getRandomSongs(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	fs, perr := folders(params)
	if perr != nil {
		return nil, perr
	}
	size := params.intOr("size", 10, 0, maxListSize)
	ts := []library.Track{}
	if size > 0 {
		var err error
		ts, err = h.d.Library.Tracks(ctx, h.viewer(p), library.TrackQuery{Folders: fs, Genre: params.Values.Get("genre"),
			FromYear: params.intOr("fromYear", 0, 0, 9999), ToYear: params.intOr("toYear", 0, 0, 9999),
			Sort: library.Sort{By: library.OrderRandom}, Page: library.Page{Limit: size}})
		if err != nil {
			return nil, fromDomain(err)
		}
	}
	r := h.enc.envelope()
	r.RandomSongs = &Songs{Song: songChildren(ts)}
	return r, nil
}

func (h *Handler) getSongsByGenre(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	genre := params.Values.Get("genre")
	if genre == "" {
		return nil, errMissing("genre")
	}
	fs, perr := folders(params)
	if perr != nil {
		return nil, perr
	}
	size := params.intOr("count", 10, 0, maxListSize)
	ts := []library.Track{}
	if size > 0 {
		var err error
		ts, err = h.d.Library.Tracks(ctx, h.viewer(p), library.TrackQuery{Folders: fs, Genre: genre,
			Page: library.Page{Offset: params.intOr("offset", 0, 0, library.MaxOffset), Limit: size}})
		if err != nil {
			return nil, fromDomain(err)
		}
	}
	r := h.enc.envelope()
	r.SongsByGenre = &Songs{Song: songChildren(ts)}
	return r, nil
}

// searchPage reads <kind>Count and <kind>Offset; a count of 0 leaves the kind out.
func searchPage(params *Params, kind string) library.Page {
	n := params.intOr(kind+"Count", 20, 0, maxSearchSize)
	if n == 0 {
		return library.Page{Limit: -1}
	}
	return library.Page{Offset: params.intOr(kind+"Offset", 0, 0, library.MaxOffset), Limit: n}
}

// searchText cleans the query: clients send "" (two quote characters) or a
// lone "*" to mean everything; both become the empty query, which lists all.
func searchText(params *Params) string {
	q := strings.TrimSpace(params.Values.Get("query"))
	q = strings.Trim(q, `"'`)
	q = strings.TrimSpace(strings.Trim(q, "*"))
	return q
}

func (h *Handler) search(ctx context.Context, p *auth.Principal, params *Params) (library.SearchResult, *Error) {
	if !params.has("query") {
		return library.SearchResult{}, errMissing("query")
	}
	fs, perr := folders(params)
	if perr != nil {
		return library.SearchResult{}, perr
	}
	res, err := h.d.Library.Search(ctx, h.viewer(p), library.SearchQuery{Text: searchText(params), Folders: fs,
		Artists: searchPage(params, "artist"), Albums: searchPage(params, "album"), Tracks: searchPage(params, "song")})
	if err != nil {
		return res, fromDomain(err)
	}
	return res, nil
}

func (h *Handler) search2(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	res, perr := h.search(ctx, p, params)
	if perr != nil {
		return nil, perr
	}
	r := h.enc.envelope()
	r.SearchResult2 = &SearchResult2{Artist: artistID3s(res.Artists), Album: albumChildren(res.Albums), Song: songChildren(res.Tracks)}
	return r, nil
}

func (h *Handler) search3(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	res, perr := h.search(ctx, p, params)
	if perr != nil {
		return nil, perr
	}
	r := h.enc.envelope()
	r.SearchResult3 = &SearchResult3{Artist: artistID3s(res.Artists), Album: albumID3s(res.Albums), Song: songChildren(res.Tracks)}
	return r, nil
}

// starredItems gathers the viewer's starred artists, albums and songs.
func (h *Handler) starredItems(ctx context.Context, p *auth.Principal, params *Params) ([]library.Artist, []library.Album, []library.Track, *Error) {
	fs, perr := folders(params)
	if perr != nil {
		return nil, nil, nil, perr
	}
	v := h.viewer(p)
	starred := library.Sort{By: library.OrderStarred, Desc: true}
	artists, err := collect(func(pg library.Page) ([]library.Artist, error) {
		return h.d.Library.Artists(ctx, v, library.ArtistQuery{Folders: fs, Favorite: true, Sort: starred, Page: pg})
	})
	if err != nil {
		return nil, nil, nil, fromDomain(err)
	}
	albums, err := collect(func(pg library.Page) ([]library.Album, error) {
		return h.d.Library.Albums(ctx, v, library.AlbumQuery{Folders: fs, Favorite: true, Sort: starred, Page: pg})
	})
	if err != nil {
		return nil, nil, nil, fromDomain(err)
	}
	tracks, err := collect(func(pg library.Page) ([]library.Track, error) {
		return h.d.Library.Tracks(ctx, v, library.TrackQuery{Folders: fs, Favorite: true, Sort: starred, Page: pg})
	})
	if err != nil {
		return nil, nil, nil, fromDomain(err)
	}
	return artists, albums, tracks, nil
}

func (h *Handler) getStarred(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	ar, al, tr, perr := h.starredItems(ctx, p, params)
	if perr != nil {
		return nil, perr
	}
	r := h.enc.envelope()
	r.Starred = &Starred{Artist: artistID3s(ar), Album: albumChildren(al), Song: songChildren(tr)}
	return r, nil
}

func (h *Handler) getStarred2(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	ar, al, tr, perr := h.starredItems(ctx, p, params)
	if perr != nil {
		return nil, perr
	}
	r := h.enc.envelope()
	r.Starred2 = &Starred2{Artist: artistID3s(ar), Album: albumID3s(al), Song: songChildren(tr)}
	return r, nil
}
