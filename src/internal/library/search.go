package library

import "context"

// Search finds artists, albums and tracks whose names (tracks: title, artist or
// album) contain every word of Text as a prefix, best matches first. An empty Text
// lists everything in a stable order, so clients can page through the library.
func (l *Library) Search(ctx context.Context, v Viewer, q SearchQuery) (SearchResult, error) {
	var res SearchResult
	var err error
	fts, ok := ftsQuery(q.Text)
	scope := l.scope(v, q.Folders, false)
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
		w := &where{}
		w.in("a.folder_id", scope)
		query := "SELECT " + albumCols + " FROM lib_albums a" + annotationJoin("a", KindAlbum)
		order := " ORDER BY a.id"
		if ok {
			query += " JOIN lib_albums_fts ON lib_albums_fts.rowid = a.id"
			w.add("lib_albums_fts MATCH ?", fts)
			order = " ORDER BY lib_albums_fts.rank, a.sort_name, a.id"
		}
		limit, offset := q.Albums.bounds()
		args := append(append([]any{v.UserID}, w.args...), limit, offset)
		if res.Albums, err = l.queryAlbums(ctx, query+w.sql()+order+" LIMIT ? OFFSET ?", args...); err != nil {
			return res, err
		}
	}
	if q.Tracks.Limit >= 0 {
		w := &where{}
		w.in("t.folder_id", scope)
		query := "SELECT " + trackCols + " FROM lib_tracks t" + annotationJoin("t", KindTrack)
		order := " ORDER BY t.id"
		if ok {
			query += " JOIN lib_tracks_fts ON lib_tracks_fts.rowid = t.id"
			w.add("lib_tracks_fts MATCH ?", fts)
			order = " ORDER BY lib_tracks_fts.rank, t.sort_title, t.id"
		}
		limit, offset := q.Tracks.bounds()
		args := append(append([]any{v.UserID}, w.args...), limit, offset)
		if res.Tracks, err = l.queryTracks(ctx, query+w.sql()+order+" LIMIT ? OFFSET ?", args...); err != nil {
			return res, err
		}
	}
	return res, nil
}
