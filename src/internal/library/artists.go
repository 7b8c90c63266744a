package library

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"segue/internal/fail"
)

const artistCols = `ar.id, ar.name, ar.sort_name, ar.mbid, ar.created_at, st.albums, st.tracks, st.cover, st.online,
	coalesce(an.starred_at, 0), coalesce(an.rating, 0), coalesce(an.play_count, 0), coalesce(an.last_played, 0)`

// artistFrom joins each artist's totals over the folders in scope.
func artistFrom(scope []int64) (string, []any) {
	w := &where{}
	w.in("s.folder_id", scope)
	return ` FROM lib_artists ar JOIN (SELECT s.artist_id, sum(s.album_count) albums, sum(s.track_count) tracks,
		max(s.cover_id) cover, max(f.online) online FROM lib_artist_stats s JOIN lib_folders f ON f.id = s.folder_id` +
		w.sql() + ` GROUP BY s.artist_id) st ON st.artist_id = ar.id` + annotationJoin("ar", KindArtist), w.args
}

func (l *Library) artistWhere(q ArtistQuery) *where {
	w := &where{}
	if q.AlbumArtistsOnly {
		w.add("st.albums > 0")
	}
	if len(q.GenreIDs) > 0 {
		g := &where{}
		g.in("tg.genre_id", q.GenreIDs)
		w.add("ar.id IN (SELECT ta.artist_id FROM lib_track_artists ta JOIN lib_track_genres tg ON tg.track_id = ta.track_id"+g.sql()+")", g.args...)
	}
	if q.Favorite {
		w.add("an.starred_at > 0")
	}
	if fts, ok := ftsQuery(q.Search); ok {
		w.add("ar.id IN (SELECT rowid FROM lib_artists_fts WHERE lib_artists_fts MATCH ?)", fts)
	}
	return w
}

func (l *Library) artistOrder(s Sort) string {
	d := dir(s.Desc)
	switch s.By {
	case OrderName:
		return "ar.name COLLATE NOCASE" + d + ", ar.id"
	case OrderAdded, OrderModified:
		return "ar.created_at" + d + ", ar.id" + d
	case OrderLastPlayed:
		return "coalesce(an.last_played, 0)" + d + ", ar.id"
	case OrderPlayCount:
		return "coalesce(an.play_count, 0)" + d + ", ar.id"
	case OrderRating:
		return "coalesce(an.rating, 0)" + d + ", ar.id"
	case OrderStarred:
		return "coalesce(an.starred_at, 0)" + d + ", ar.id"
	case OrderRandom:
		return "((ar.id + " + strconv.FormatInt(l.randomSeed(), 10) + ") * 2654435761) % 4294967296, ar.id"
	case OrderID:
		return "ar.id" + d
	}
	return "ar.sort_name" + d + ", ar.id"
}

// Artists lists artists that have tracks or albums in the folders in scope.
func (l *Library) Artists(ctx context.Context, v Viewer, q ArtistQuery) ([]Artist, error) {
	from, args := artistFrom(l.scope(v, q.Folders, q.IncludeOffline))
	w := l.artistWhere(q)
	limit, offset := q.Page.bounds()
	args = append(append(append(args, v.UserID), w.args...), limit, offset)
	return l.queryArtists(ctx, "SELECT "+artistCols+from+w.sql()+" ORDER BY "+l.artistOrder(q.Sort)+" LIMIT ? OFFSET ?", args...)
}

// CountArtists counts what Artists would list without paging.
func (l *Library) CountArtists(ctx context.Context, v Viewer, q ArtistQuery) (int, error) {
	from, args := artistFrom(l.scope(v, q.Folders, q.IncludeOffline))
	w := l.artistWhere(q)
	var n int
	err := l.db.R.QueryRowContext(ctx, "SELECT count(*)"+from+w.sql(), append(append(args, v.UserID), w.args...)...).Scan(&n)
	return n, dbErr(err)
}

// Artist reads one artist; NotFound when the viewer sees nothing of theirs.
func (l *Library) Artist(ctx context.Context, v Viewer, id int64) (Artist, error) {
	from, args := artistFrom(l.scope(v, nil, true))
	as, err := l.queryArtists(ctx, "SELECT "+artistCols+from+" WHERE ar.id = ?", append(args, v.UserID, id)...)
	if err != nil {
		return Artist{}, err
	}
	if len(as) == 0 {
		return Artist{}, fail.NotFound("Artist not found")
	}
	return as[0], nil
}

func (l *Library) queryArtists(ctx context.Context, query string, args ...any) ([]Artist, error) {
	rows, err := l.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []Artist{}
	for rows.Next() {
		var a Artist
		var created, starred, last int64
		if err := rows.Scan(&a.ID, &a.Name, &a.SortName, &a.MBID, &created, &a.AlbumCount, &a.TrackCount, &a.CoverID, &a.Available,
			&starred, &a.User.Rating, &a.User.PlayCount, &last); err != nil {
			return nil, dbErr(err)
		}
		a.Added = fromMillis(created)
		a.User.Starred, a.User.LastPlayed = fromMillis(starred), fromMillis(last)
		out = append(out, a)
	}
	return out, dbErr(rows.Err())
}

// IgnoredArticles are dropped from the front of names when sorting and indexing
// (the Subsonic ignoredArticles attribute; navidrome's default list).
const IgnoredArticles = "The El La Los Las Le Les Os As O A"

// sortName folds a name for sorting: lower case, a leading article moved to the
// end ("the beatles" → "beatles, the").
func sortName(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, a := range strings.Fields(IgnoredArticles) {
		a = strings.ToLower(a) + " "
		if rest, ok := strings.CutPrefix(n, a); ok && strings.TrimSpace(rest) != "" {
			return strings.TrimSpace(rest) + ", " + strings.TrimSpace(a)
		}
	}
	return n
}

// Index is one letter of the artist index.
type Index struct {
	Name    string // "A" … "Z", or "#" for everything else
	Artists []Artist
}

// Indexes groups the album artists in scope by the first letter of their sort
// name. Indexes are not paged (Subsonic getIndexes/getArtists return them whole);
// the count of artists is bounded by the library.
func (l *Library) Indexes(ctx context.Context, v Viewer, folders []int64) ([]Index, error) {
	from, args := artistFrom(l.scope(v, folders, false))
	as, err := l.queryArtists(ctx, "SELECT "+artistCols+from+" WHERE st.albums > 0 ORDER BY ar.sort_name, ar.id",
		append(args, v.UserID)...)
	if err != nil {
		return nil, err
	}
	var out []Index
	for _, a := range as {
		key := indexKey(a.SortName)
		if len(out) == 0 || out[len(out)-1].Name != key {
			out = append(out, Index{Name: key})
		}
		out[len(out)-1].Artists = append(out[len(out)-1].Artists, a)
	}
	// "#" sorts before letters by byte order only for some symbols; put it last, as navidrome does.
	for i, ix := range out {
		if ix.Name == "#" && i != len(out)-1 {
			out = append(append(out[:i:i], out[i+1:]...), ix)
			break
		}
	}
	return out, nil
}

func indexKey(sort string) string {
	r, _ := utf8.DecodeRuneInString(foldDiacritics(sort))
	if unicode.IsLetter(r) && r < unicode.MaxASCII {
		return string(unicode.ToUpper(r))
	}
	return "#"
}

// foldDiacritics maps common accented Latin letters to their base letter for indexing.
func foldDiacritics(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	const from, to = "àáâãäåāèéêëēìíîïīòóôõöøōùúûüūýÿçñšž", "aaaaaaaeeeeeiiiiiooooooouuuuuyycnsz"
	fr := []rune(from)
	for i, c := range fr {
		if c == r {
			return string(to[i]) + s[size:]
		}
	}
	return s
}

// LastModified is when the library last changed (Subsonic getIndexes lastModified).
func (l *Library) LastModified(ctx context.Context) (time.Time, error) {
	var ms int64
	err := l.db.R.QueryRowContext(ctx, "SELECT coalesce(max(updated_at), 0) FROM lib_tracks").Scan(&ms)
	return fromMillis(ms), dbErr(err)
}
