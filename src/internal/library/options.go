package library

import (
	"strings"

	"segue/internal/fail"
)

// Viewer is who asks: their per-user data is joined in, and only the music folders
// they may see are read. Build it with Library.Viewer so a user's provider filter
// is always applied.
type Viewer struct {
	UserID string
	// Folders limits the viewer to these folders; nil means every folder.
	Folders []int64
}

// Paging bounds.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
	MaxOffset    = 1_000_000
)

// Page is a window of a list. A Limit of 0 means DefaultLimit; larger limits are
// clamped to MaxLimit, negative offsets to 0.
type Page struct {
	Offset int
	Limit  int
}

func (p Page) bounds() (limit, offset int) {
	limit, offset = p.Limit, p.Offset
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset = max(0, min(offset, MaxOffset))
	return limit, offset
}

// Order sorts a list. Lists sort by sort name when Order is empty.
type Order string

const (
	OrderName       Order = "name"
	OrderSortName   Order = "sort_name"
	OrderAdded      Order = "added"
	OrderModified   Order = "modified"
	OrderLastPlayed Order = "last_played"
	OrderPlayCount  Order = "play_count"
	OrderRating     Order = "rating"
	OrderStarred    Order = "starred"
	OrderYear       Order = "year"
	OrderDuration   Order = "duration"
	OrderArtistName Order = "artist_name"
	OrderRandom     Order = "random"
	// OrderPosition is album order for tracks (disc, track) and playlist order.
	OrderPosition Order = "position"
	// OrderID is insertion order: stable for syncing clients paging everything.
	OrderID Order = "id"
)

// Sort is an order and its direction.
type Sort struct {
	By   Order
	Desc bool
}

// ParseSort reads MA's order_by ("name", "sort_name_desc", "year:desc",
// "timestamp_added", "random", …). Unknown keys give the default order, never an
// error, as MA does.
func ParseSort(s string) Sort {
	s = strings.TrimSpace(s)
	desc := false
	if k, dir, ok := strings.Cut(s, ":"); ok {
		s, desc = k, strings.EqualFold(dir, "desc")
	} else if k, ok := strings.CutSuffix(s, "_desc"); ok {
		s, desc = k, true
	}
	switch s {
	case "name":
		return Sort{OrderName, desc}
	case "sort_name":
		return Sort{OrderSortName, desc}
	case "timestamp_added":
		return Sort{OrderAdded, desc}
	case "timestamp_modified":
		return Sort{OrderModified, desc}
	case "last_played":
		return Sort{OrderLastPlayed, desc}
	case "play_count":
		return Sort{OrderPlayCount, desc}
	case "year":
		return Sort{OrderYear, desc}
	case "duration":
		return Sort{OrderDuration, desc}
	case "artist_name", "album_artist_name":
		return Sort{OrderArtistName, desc}
	case "position":
		return Sort{OrderPosition, desc}
	case "random", "random_play_count":
		return Sort{OrderRandom, false}
	}
	return Sort{}
}

// ArtistQuery selects artists.
type ArtistQuery struct {
	// Folders narrows to these folders (within the viewer's); nil means all.
	Folders []int64
	// AlbumArtistsOnly keeps artists that are the album artist of some album.
	AlbumArtistsOnly bool
	// GenreIDs keeps artists with a track of any of these genres.
	GenreIDs []int64
	Favorite bool   // starred by the viewer
	Search   string // full-text; empty matches everything
	Sort     Sort
	Page     Page
	// IncludeOffline also lists items of offline folders (Available false).
	IncludeOffline bool
}

// AlbumQuery selects albums.
type AlbumQuery struct {
	Folders  []int64
	ArtistID int64 // albums with this album artist
	Genre    string
	// GenreIDs keeps albums with a track of any of these genres (MA's genre filter).
	GenreIDs []int64
	FromYear int // inclusive; 0 = no bound
	ToYear   int
	Favorite bool
	// Rated, Played keep albums the viewer rated or played.
	Rated          bool
	Played         bool
	Search         string
	Sort           Sort
	Page           Page
	IncludeOffline bool
}

// TrackQuery selects tracks.
type TrackQuery struct {
	Folders        []int64
	AlbumID        int64
	ArtistID       int64 // tracks by this artist (any track artist)
	Genre          string
	GenreIDs       []int64
	FromYear       int
	ToYear         int
	Favorite       bool
	Played         bool
	Search         string
	Sort           Sort
	Page           Page
	IncludeOffline bool
}

// GenreQuery selects genres.
type GenreQuery struct {
	Folders []int64
	Search  string
	Page    Page
}

// PlaylistQuery selects the playlists a viewer can see: their own and others' public ones.
type PlaylistQuery struct {
	Favorite bool
	Search   string
	Sort     Sort
	Page     Page
}

// SearchQuery is one search over artists, albums and tracks, each paged on its own.
// An empty Text matches everything (clients sync the whole library this way), in a
// stable order. A negative Limit leaves that kind out.
type SearchQuery struct {
	Text    string
	Folders []int64
	Artists Page
	Albums  Page
	Tracks  Page
}

// SearchResult holds the matches of each kind.
type SearchResult struct {
	Artists []Artist
	Albums  []Album
	Tracks  []Track
}

// AlbumList kinds (Subsonic getAlbumList/getAlbumList2 `type`).
const (
	ListRandom   = "random"
	ListNewest   = "newest"
	ListHighest  = "highest"
	ListFrequent = "frequent"
	ListRecent   = "recent"
	ListStarred  = "starred"
	ListByName   = "alphabeticalByName"
	ListByArtist = "alphabeticalByArtist"
	ListByYear   = "byYear"
	ListByGenre  = "byGenre"
)

// AlbumList turns an album-list kind into an album query. byYear sorts descending
// when fromYear > toYear; byGenre needs genre.
func AlbumList(kind string, fromYear, toYear int, genre string, page Page) (AlbumQuery, error) {
	q := AlbumQuery{Page: page}
	switch kind {
	case ListRandom:
		q.Sort = Sort{By: OrderRandom}
	case ListNewest:
		q.Sort = Sort{By: OrderAdded, Desc: true}
	case ListHighest:
		q.Rated, q.Sort = true, Sort{By: OrderRating, Desc: true}
	case ListFrequent:
		q.Played, q.Sort = true, Sort{By: OrderPlayCount, Desc: true}
	case ListRecent:
		q.Played, q.Sort = true, Sort{By: OrderLastPlayed, Desc: true}
	case ListStarred:
		q.Favorite, q.Sort = true, Sort{By: OrderStarred, Desc: true}
	case ListByName:
		q.Sort = Sort{By: OrderSortName}
	case ListByArtist:
		q.Sort = Sort{By: OrderArtistName}
	case ListByYear:
		q.FromYear, q.ToYear = min(fromYear, toYear), max(fromYear, toYear)
		q.Sort = Sort{By: OrderYear, Desc: fromYear > toYear}
	case ListByGenre:
		if genre == "" {
			return q, fail.Invalid("genre is required for byGenre")
		}
		q.Genre, q.Sort = genre, Sort{By: OrderSortName}
	default:
		return q, fail.Invalid("unknown album list type %q", kind)
	}
	return q, nil
}
