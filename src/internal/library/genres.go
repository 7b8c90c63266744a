package library

import (
	"context"

	"segue/internal/fail"
)

// Genres lists genres with their album and track counts in the folders in scope,
// by name.
func (l *Library) Genres(ctx context.Context, v Viewer, q GenreQuery) ([]Genre, error) {
	w := l.genreWhere(v, q)
	limit, offset := q.Page.bounds()
	return l.queryGenres(ctx, `SELECT g.id, g.name, count(DISTINCT t.album_id), count(*) FROM lib_genres g
		JOIN lib_track_genres tg ON tg.genre_id = g.id JOIN lib_tracks t ON t.id = tg.track_id`+w.sql()+
		` GROUP BY g.id ORDER BY g.name COLLATE NOCASE LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
}

// CountGenres counts what Genres would list without paging.
func (l *Library) CountGenres(ctx context.Context, v Viewer, q GenreQuery) (int, error) {
	w := l.genreWhere(v, q)
	var n int
	err := l.db.R.QueryRowContext(ctx, `SELECT count(DISTINCT tg.genre_id) FROM lib_genres g
		JOIN lib_track_genres tg ON tg.genre_id = g.id JOIN lib_tracks t ON t.id = tg.track_id`+w.sql(), w.args...).Scan(&n)
	return n, dbErr(err)
}

// Genre reads one genre with its counts; NotFound when the viewer has no track of it.
func (l *Library) Genre(ctx context.Context, v Viewer, id int64) (Genre, error) {
	w := l.genreWhere(v, GenreQuery{})
	w.add("g.id = ?", id)
	gs, err := l.queryGenres(ctx, `SELECT g.id, g.name, count(DISTINCT t.album_id), count(*) FROM lib_genres g
		JOIN lib_track_genres tg ON tg.genre_id = g.id JOIN lib_tracks t ON t.id = tg.track_id`+w.sql()+` GROUP BY g.id`, w.args...)
	if err != nil {
		return Genre{}, err
	}
	if len(gs) == 0 {
		return Genre{}, fail.NotFound("Genre not found")
	}
	return gs[0], nil
}

// GenresOf lists the genres of an artist, album or track, by name.
func (l *Library) GenresOf(ctx context.Context, v Viewer, kind Kind, id int64) ([]Genre, error) {
	w := l.genreWhere(v, GenreQuery{})
	switch kind {
	case KindTrack:
		w.add("t.id = ?", id)
	case KindAlbum:
		w.add("t.album_id = ?", id)
	case KindArtist:
		w.add("t.id IN (SELECT track_id FROM lib_track_artists WHERE artist_id = ?)", id)
	default:
		return []Genre{}, nil
	}
	return l.queryGenres(ctx, `SELECT g.id, g.name, count(DISTINCT t.album_id), count(*) FROM lib_genres g
		JOIN lib_track_genres tg ON tg.genre_id = g.id JOIN lib_tracks t ON t.id = tg.track_id`+w.sql()+
		` GROUP BY g.id ORDER BY g.name COLLATE NOCASE`, w.args...)
}

func (l *Library) genreWhere(v Viewer, q GenreQuery) *where {
	w := &where{}
	w.in("t.folder_id", l.scope(v, q.Folders, false))
	if q.Search != "" {
		w.add("g.name LIKE ? ESCAPE '\\'", "%"+escapeLike(q.Search)+"%")
	}
	return w
}

func (l *Library) queryGenres(ctx context.Context, query string, args ...any) ([]Genre, error) {
	rows, err := l.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []Genre{}
	for rows.Next() {
		var g Genre
		if err := rows.Scan(&g.ID, &g.Name, &g.AlbumCount, &g.TrackCount); err != nil {
			return nil, dbErr(err)
		}
		out = append(out, g)
	}
	return out, dbErr(rows.Err())
}

func escapeLike(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '_' || s[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}
