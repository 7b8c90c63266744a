package subsonic

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"segue/internal/auth"
	"segue/internal/library"
)

// ignoredArticles are left out when artists are indexed by letter (as navidrome).
const ignoredArticles = "The El La Los Las Le Les"

// maxCollect bounds what one answer gathers by paging the library (artists of
// getArtists, songs of an album, starred items): far above any real library
// folder, and a bound on memory whatever the database holds.
const maxCollect = 100_000

// collect pages through fetch until a short page or maxCollect items.
func collect[T any](fetch func(library.Page) ([]T, error)) ([]T, error) {
	var out []T
	for offset := 0; offset < maxCollect; offset += library.MaxLimit {
		page, err := fetch(library.Page{Offset: offset, Limit: library.MaxLimit})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < library.MaxLimit {
			break
		}
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}

// viewer is who asks, limited to their provider filter.
func (h *Handler) viewer(p *auth.Principal) library.Viewer {
	return h.d.Library.Viewer(p.User.ID, p.User.ProviderFilter)
}

// folders reads musicFolderId: nil (every folder the viewer may see) or the one asked for.
func folders(params *Params) ([]int64, *Error) {
	s := params.Values.Get("musicFolderId")
	if s == "" {
		return nil, nil
	}
	id, ok := positiveID(s)
	if !ok {
		return nil, errNotFound
	}
	return []int64{id}, nil
}

func (h *Handler) getMusicFolders(_ context.Context, p *auth.Principal, _ *Params) (*Response, *Error) {
	fs := h.d.Library.Folders(h.viewer(p))
	out := &MusicFolders{Folders: make([]MusicFolder, 0, len(fs))}
	for _, f := range fs {
		out.Folders = append(out.Folders, MusicFolder{ID: int(f.ID), Name: f.Name})
	}
	r := h.enc.envelope()
	r.MusicFolders = out
	return r, nil
}

// indexKey is the index letter of a name: its first letter after an ignored
// article, upper-cased; "#" for anything that is not a letter.
func indexKey(name string) string {
	for _, a := range strings.Fields(ignoredArticles) {
		if rest, ok := strings.CutPrefix(name, a+" "); ok && rest != "" {
			name = rest
			break
		}
	}
	r, _ := utf8.DecodeRuneInString(name)
	if !unicode.IsLetter(r) {
		return "#"
	}
	return string(unicode.ToUpper(r))
}

func (h *Handler) artistIndex(ctx context.Context, v library.Viewer, fs []int64) ([]IndexID3, error) {
	artists, err := collect(func(pg library.Page) ([]library.Artist, error) {
		return h.d.Library.Artists(ctx, v, library.ArtistQuery{Folders: fs, AlbumArtistsOnly: true,
			Sort: library.Sort{By: library.OrderSortName}, Page: pg})
	})
	if err != nil {
		return nil, err
	}
	out := []IndexID3{}
	pos := map[string]int{}
	for _, a := range artists {
		k := indexKey(a.Name)
		i, ok := pos[k]
		if !ok {
			i = len(out)
			pos[k] = i
			out = append(out, IndexID3{Name: k, Artist: []ArtistID3{}})
		}
		out[i].Artist = append(out[i].Artist, artistID3(a))
	}
	return out, nil
}

func (h *Handler) getArtists(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	fs, perr := folders(params)
	if perr != nil {
		return nil, perr
	}
	idx, err := h.artistIndex(ctx, h.viewer(p), fs)
	if err != nil {
		return nil, fromDomain(err)
	}
	r := h.enc.envelope()
	r.Artists = &ArtistsID3{IgnoredArticles: ignoredArticles, Index: idx}
	return r, nil
}

// lastModified is the newest scan of the viewer's folders, in Unix milliseconds.
func (h *Handler) lastModified(v library.Viewer) int64 {
	var last int64
	for _, f := range h.d.Library.Folders(v) {
		last = max(last, f.LastScan.UnixMilli())
	}
	return max(last, 0)
}

func (h *Handler) getIndexes(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	fs, perr := folders(params)
	if perr != nil {
		return nil, perr
	}
	v := h.viewer(p)
	out := &Indexes{IgnoredArticles: ignoredArticles, LastModified: h.lastModified(v), Index: []IndexID3{}}
	since := int64(params.intOr("ifModifiedSince", 0, 0, 1<<62))
	if since == 0 || since < out.LastModified {
		idx, err := h.artistIndex(ctx, v, fs)
		if err != nil {
			return nil, fromDomain(err)
		}
		out.Index = idx
	}
	r := h.enc.envelope()
	r.Indexes = out
	return r, nil
}

func (h *Handler) artistAlbums(ctx context.Context, v library.Viewer, id int64) ([]library.Album, error) {
	return collect(func(pg library.Page) ([]library.Album, error) {
		return h.d.Library.Albums(ctx, v, library.AlbumQuery{ArtistID: id, Sort: library.Sort{By: library.OrderYear}, Page: pg})
	})
}

func (h *Handler) albumTracks(ctx context.Context, v library.Viewer, id int64) ([]library.Track, error) {
	return collect(func(pg library.Page) ([]library.Track, error) {
		return h.d.Library.Tracks(ctx, v, library.TrackQuery{AlbumID: id, Sort: library.Sort{By: library.OrderPosition}, Page: pg})
	})
}

// getMusicDirectory browses artist → albums → songs (the tag-based tree, as navidrome).
func (h *Handler) getMusicDirectory(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	id := params.Values.Get("id")
	if id == "" {
		return nil, errMissing("id")
	}
	kind, n, ok := parseItemID(id)
	if !ok {
		return nil, errNotFound
	}
	v := h.viewer(p)
	var dir *Directory
	switch kind {
	case library.KindArtist:
		a, err := h.d.Library.Artist(ctx, v, n)
		if err != nil {
			return nil, fromDomain(err)
		}
		albums, err := h.artistAlbums(ctx, v, n)
		if err != nil {
			return nil, fromDomain(err)
		}
		dir = &Directory{ID: artistID(a.ID), Name: a.Name, Starred: iso(a.User.Starred), UserRating: a.User.Rating,
			PlayCount: int64(a.User.PlayCount), Child: albumChildren(albums)}
	case library.KindAlbum:
		a, err := h.d.Library.Album(ctx, v, n)
		if err != nil {
			return nil, fromDomain(err)
		}
		tracks, err := h.albumTracks(ctx, v, n)
		if err != nil {
			return nil, fromDomain(err)
		}
		dir = &Directory{ID: albumID(a.ID), Parent: artistID(a.ArtistID), Name: a.Name, Starred: iso(a.User.Starred),
			UserRating: a.User.Rating, PlayCount: int64(a.User.PlayCount), Child: songChildren(tracks)}
	default:
		return nil, errNotFound
	}
	r := h.enc.envelope()
	r.Directory = dir
	return r, nil
}

func (h *Handler) getArtist(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	n, perr := requiredID(params, "id", library.KindArtist)
	if perr != nil {
		return nil, perr
	}
	v := h.viewer(p)
	a, err := h.d.Library.Artist(ctx, v, n)
	if err != nil {
		return nil, fromDomain(err)
	}
	albums, err := h.artistAlbums(ctx, v, n)
	if err != nil {
		return nil, fromDomain(err)
	}
	out := artistID3(a)
	out.Album = albumID3s(albums)
	r := h.enc.envelope()
	r.Artist = &out
	return r, nil
}

func (h *Handler) getAlbum(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	n, perr := requiredID(params, "id", library.KindAlbum)
	if perr != nil {
		return nil, perr
	}
	v := h.viewer(p)
	a, err := h.d.Library.Album(ctx, v, n)
	if err != nil {
		return nil, fromDomain(err)
	}
	tracks, err := h.albumTracks(ctx, v, n)
	if err != nil {
		return nil, fromDomain(err)
	}
	out := albumID3(a)
	out.Song = songChildren(tracks)
	r := h.enc.envelope()
	r.Album = &out
	return r, nil
}

func (h *Handler) getSong(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	n, perr := requiredID(params, "id", library.KindTrack)
	if perr != nil {
		return nil, perr
	}
	t, err := h.d.Library.Track(ctx, h.viewer(p), n)
	if err != nil {
		return nil, fromDomain(err)
	}
	c := songChild(t)
	r := h.enc.envelope()
	r.Song = &c
	return r, nil
}

func (h *Handler) getGenres(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	fs, perr := folders(params)
	if perr != nil {
		return nil, perr
	}
	v := h.viewer(p)
	gs, err := collect(func(pg library.Page) ([]library.Genre, error) {
		return h.d.Library.Genres(ctx, v, library.GenreQuery{Folders: fs, Page: pg})
	})
	if err != nil {
		return nil, fromDomain(err)
	}
	out := &Genres{Genre: make([]Genre, 0, len(gs))}
	for _, g := range gs {
		out.Genre = append(out.Genre, Genre{Value: g.Name, SongCount: g.TrackCount, AlbumCount: g.AlbumCount})
	}
	r := h.enc.envelope()
	r.Genres = out
	return r, nil
}

// getArtistInfo2 answers what the files hold: no biography, no internet lookups.
func (h *Handler) getArtistInfo2(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	n, perr := requiredID(params, "id", library.KindArtist)
	if perr != nil {
		return nil, perr
	}
	a, err := h.d.Library.Artist(ctx, h.viewer(p), n)
	if err != nil {
		return nil, fromDomain(err)
	}
	r := h.enc.envelope()
	r.ArtistInfo2 = &ArtistInfo2{MusicBrainzID: a.MBID, SimilarArtist: []ArtistID3{}}
	return r, nil
}

func (h *Handler) getAlbumInfo2(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	n, perr := requiredID(params, "id", library.KindAlbum)
	if perr != nil {
		return nil, perr
	}
	a, err := h.d.Library.Album(ctx, h.viewer(p), n)
	if err != nil {
		return nil, fromDomain(err)
	}
	r := h.enc.envelope()
	r.AlbumInfo = &AlbumInfo{MusicBrainzID: a.MBID}
	return r, nil
}

// requiredID reads a required id of one kind: missing is code 10, anything
// that is not an id of that kind is not found (70).
func requiredID(params *Params, name string, kind library.Kind) (int64, *Error) {
	s := params.Values.Get(name)
	if s == "" {
		return 0, errMissing(name)
	}
	n, ok := parseKindID(s, kind)
	if !ok {
		return 0, errNotFound
	}
	return n, nil
}
