package library

import "context"

// Search finds artists, albums and tracks whose names (tracks: title, artist or
// album) contain every word of Text as a prefix, best matches first. An empty Text
// lists everything in a stable order, so clients can page through the library.
func (l *Library) Search(ctx context.Context, v Viewer, q SearchQuery) (SearchResult, error) {
	var res SearchResult
	var err error
	fts, ok := ftsQuery(q.Text)
	scope, all := l.scopeAll(v, q.Folders, false)
	if q.Artists.Limit >= 0 {
		from, args := artistFrom(scope)
		a := append(args, v.UserID)
		query := "SELECT " + artistCols + from
		if ok {
			query += " JOIN lib_artists_fts ON lib_artists_fts.rowid = ar.id WHERE lib_artists_fts MATCH ? ORDER BY lib_artists_fts.rank, ar.sort_name, ar.id"
			a = append(a, fts)
		} else {
			query += " ORDER BY ar.id"
		}
		limit, offset := q.Artists.bounds()
		if res.Artists, err = l.queryArtists(ctx, query+" LIMIT ? OFFSET ?", append(a, limit, offset)...); err != nil {
			return res, err
		}
	}
	if q.Albums.Limit >= 0 {
		limit, offset := q.Albums.bounds()
		query, args := rankedPage("a", "lib_albums", fts, ok, scope, all, limit, offset)
		query = "SELECT " + albumCols + query + annotationJoin("a", KindAlbum) + " ORDER BY m.r, m.id"
		if res.Albums, err = l.queryAlbums(ctx, query, append(args, v.UserID)...); err != nil {
			return res, err
		}
	}
	if q.Tracks.Limit >= 0 {
		limit, offset := q.Tracks.bounds()
		query, args := rankedPage("t", "lib_tracks", fts, ok, scope, all, limit, offset)
		query = "SELECT " + trackCols + query + annotationJoin("t", KindTrack) + " ORDER BY m.r, m.id"
		if res.Tracks, err = l.queryTracks(ctx, query, append(args, v.UserID)...); err != nil {
			return res, err
		}
	}
	return res, nil
}

// rankedPage is the FROM clause of one page of albums or tracks (table, as
// alias) matching fts, best first (FTS5 rank, then id), or all of them by id
// when there is no fts. The page's ids are chosen first and only they are
// joined to their rows: for a common word, ranking thousands of matches
// inside the FTS index is cheap, looking each up in the table is not. When the
// scope is every folder the folder filter, the only reason to look rows up,
// is left out.
func rankedPage(alias, table, fts string, ok bool, scope []int64, all bool, limit, offset int) (string, []any) {
	w := &where{}
	w.in("x.folder_id", scope)
	var page string
	var args []any
	switch {
	case !ok:
		page = "SELECT x.id, 0 r FROM " + table + " x" + w.sql() + " ORDER BY x.id"
		args = w.args
	case all:
		page = "SELECT rowid id, rank r FROM " + table + "_fts WHERE " + table + "_fts MATCH ? ORDER BY rank, rowid"
		args = []any{fts}
	default:
		w.add(table+"_fts MATCH ?", fts)
		page = "SELECT x.id, " + table + "_fts.rank r FROM " + table + "_fts JOIN " + table + " x ON x.id = " + table + "_fts.rowid" +
			w.sql() + " ORDER BY " + table + "_fts.rank, x.id"
		args = w.args
	}
	return " FROM (" + page + " LIMIT ? OFFSET ?) m JOIN " + table + " " + alias + " ON " + alias + ".id = m.id",
		append(args, limit, offset)
}
