package library

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"segue/internal/fail"
)

const albumCols = `a.id, a.folder_id, a.name, a.sort_name, a.artist_id, a.artist_name, a.compilation, a.mbid,
	a.year, a.genre, a.track_count, a.disc_count, a.duration_ms, a.size, a.cover_id, a.created_at, a.updated_at,
	coalesce(an.starred_at, 0), coalesce(an.rating, 0), coalesce(an.play_count, 0), coalesce(an.last_played, 0)`

func annotationJoin(alias string, kind Kind) string {
	return " LEFT JOIN lib_annotations an ON an.user_id = ? AND an.kind = " + strconv.Itoa(int(kind)) + " AND an.item_id = " + alias + ".id"
}

func (l *Library) albumWhere(v Viewer, q AlbumQuery) (*where, error) {
	w := &where{}
	w.in("a.folder_id", l.scope(v, q.Folders, q.IncludeOffline))
	if q.ArtistID != 0 {
		w.add("a.id IN (SELECT album_id FROM lib_album_artists WHERE artist_id = ?)", q.ArtistID)
	}
	if q.Genre != "" {
		w.add(`a.id IN (SELECT t.album_id FROM lib_tracks t JOIN lib_track_genres tg ON tg.track_id = t.id
			JOIN lib_genres g ON g.id = tg.genre_id WHERE g.name = ?)`, q.Genre)
	}
	if len(q.GenreIDs) > 0 {
		g := &where{}
		g.in("tg.genre_id", q.GenreIDs)
		w.add("a.id IN (SELECT t.album_id FROM lib_tracks t JOIN lib_track_genres tg ON tg.track_id = t.id"+g.sql()+")", g.args...)
	}
	if q.FromYear != 0 || q.ToYear != 0 {
		to := q.ToYear
		if to == 0 {
			to = 99999
		}
		w.add("a.year BETWEEN ? AND ?", q.FromYear, to)
	}
	if q.Favorite {
		w.add("an.starred_at > 0")
	}
	if q.Rated {
		w.add("an.rating > 0")
	}
	if q.Played {
		w.add("an.play_count > 0")
	}
	if fts, ok := ftsQuery(q.Search); ok {
		w.add("a.id IN (SELECT rowid FROM lib_albums_fts WHERE lib_albums_fts MATCH ?)", fts)
	}
	return w, nil
}

func (l *Library) albumOrder(s Sort) string {
	d := dir(s.Desc)
	switch s.By {
	case OrderName:
		return "a.name COLLATE NOCASE" + d + ", a.id"
	case OrderAdded:
		return "a.created_at" + d + ", a.id" + d
	case OrderModified:
		return "a.updated_at" + d + ", a.id" + d
	case OrderLastPlayed:
		return "coalesce(an.last_played, 0)" + d + ", a.id"
	case OrderPlayCount:
		return "coalesce(an.play_count, 0)" + d + ", a.id"
	case OrderRating:
		return "coalesce(an.rating, 0)" + d + ", a.id"
	case OrderStarred:
		return "coalesce(an.starred_at, 0)" + d + ", a.id"
	case OrderYear:
		return "a.year" + d + ", a.sort_name, a.id"
	case OrderDuration:
		return "a.duration_ms" + d + ", a.id"
	case OrderArtistName:
		return "a.artist_name COLLATE NOCASE" + d + ", a.year, a.sort_name, a.id"
	case OrderRandom:
		return "((a.id + " + strconv.FormatInt(l.randomSeed(), 10) + ") * 2654435761) % 4294967296, a.id"
	case OrderID:
		return "a.id" + d
	}
	return "a.sort_name" + d + ", a.id"
}

// Albums lists albums.
func (l *Library) Albums(ctx context.Context, v Viewer, q AlbumQuery) ([]Album, error) {
	w, err := l.albumWhere(v, q)
	if err != nil {
		return nil, err
	}
	limit, offset := q.Page.bounds()
	query := "SELECT " + albumCols + " FROM lib_albums a" + annotationJoin("a", KindAlbum) + w.sql() +
		" ORDER BY " + l.albumOrder(q.Sort) + " LIMIT ? OFFSET ?"
	args := append([]any{v.UserID}, w.args...)
	args = append(args, limit, offset)
	return l.queryAlbums(ctx, query, args...)
}

// CountAlbums counts what Albums would list without paging.
func (l *Library) CountAlbums(ctx context.Context, v Viewer, q AlbumQuery) (int, error) {
	w, err := l.albumWhere(v, q)
	if err != nil {
		return 0, err
	}
	var n int
	err = l.db.R.QueryRowContext(ctx, "SELECT count(*) FROM lib_albums a"+annotationJoin("a", KindAlbum)+w.sql(),
		append([]any{v.UserID}, w.args...)...).Scan(&n)
	return n, dbErr(err)
}

// Album reads one album with its genres; NotFound when the viewer cannot see it.
func (l *Library) Album(ctx context.Context, v Viewer, id int64) (Album, error) {
	w := &where{}
	w.in("a.folder_id", l.scope(v, nil, true))
	w.add("a.id = ?", id)
	as, err := l.queryAlbums(ctx, "SELECT "+albumCols+" FROM lib_albums a"+annotationJoin("a", KindAlbum)+w.sql(),
		append([]any{v.UserID}, w.args...)...)
	if err != nil {
		return Album{}, err
	}
	if len(as) == 0 {
		return Album{}, fail.NotFound("Album not found")
	}
	a := as[0]
	a.Genres, err = l.stringList(ctx, `SELECT DISTINCT g.name FROM lib_tracks t JOIN lib_track_genres tg ON tg.track_id = t.id
		JOIN lib_genres g ON g.id = tg.genre_id WHERE t.album_id = ? ORDER BY g.name COLLATE NOCASE`, id)
	return a, err
}

func (l *Library) queryAlbums(ctx context.Context, query string, args ...any) ([]Album, error) {
	rows, err := l.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []Album{}
	ids := []int64{}
	for rows.Next() {
		var a Album
		var dur, created, updated, starred, last int64
		if err := rows.Scan(&a.ID, &a.FolderID, &a.Name, &a.SortName, &a.ArtistID, &a.ArtistName, &a.Compilation, &a.MBID,
			&a.Year, &a.Genre, &a.TrackCount, &a.DiscCount, &dur, &a.Size, &a.CoverID, &created, &updated,
			&starred, &a.User.Rating, &a.User.PlayCount, &last); err != nil {
			return nil, dbErr(err)
		}
		a.Duration = time.Duration(dur) * time.Millisecond
		a.Added, a.Modified = fromMillis(created), fromMillis(updated)
		a.User.Starred, a.User.LastPlayed = fromMillis(starred), fromMillis(last)
		a.Available = l.online(a.FolderID)
		out = append(out, a)
		ids = append(ids, a.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	refs, err := l.artistRefs(ctx, "lib_album_artists", "album_id", ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Artists = refs[out[i].ID]
	}
	return out, nil
}

// artistRefs loads the ordered artists of albums or tracks.
func (l *Library) artistRefs(ctx context.Context, table, col string, ids []int64) (map[int64][]ArtistRef, error) {
	out := map[int64][]ArtistRef{}
	if len(ids) == 0 {
		return out, nil
	}
	w := &where{}
	w.in("x."+col, ids)
	rows, err := l.db.R.QueryContext(ctx, "SELECT x."+col+", ar.id, ar.name FROM "+table+" x JOIN lib_artists ar ON ar.id = x.artist_id"+
		w.sql()+" ORDER BY x."+col+", x.position", w.args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner int64
		var r ArtistRef
		if err := rows.Scan(&owner, &r.ID, &r.Name); err != nil {
			return nil, dbErr(err)
		}
		out[owner] = append(out[owner], r)
	}
	return out, dbErr(rows.Err())
}

func (l *Library) stringList(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := l.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, dbErr(err)
		}
		out = append(out, s)
	}
	return out, dbErr(rows.Err())
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
