package library

import "context"

// Genres lists genres with their album and track counts in the folders in scope,
// by name.
func (l *Library) Genres(ctx context.Context, v Viewer, q GenreQuery) ([]Genre, error) {
	w := &where{}
	w.in("t.folder_id", l.scope(v, q.Folders, false))
	if q.Search != "" {
		w.add("g.name LIKE ? ESCAPE '\\'", "%"+escapeLike(q.Search)+"%")
	}
	limit, offset := q.Page.bounds()
	rows, err := l.db.R.QueryContext(ctx, `SELECT g.id, g.name, count(DISTINCT t.album_id), count(*) FROM lib_genres g
		JOIN lib_track_genres tg ON tg.genre_id = g.id JOIN lib_tracks t ON t.id = tg.track_id`+w.sql()+
		` GROUP BY g.id ORDER BY g.name COLLATE NOCASE LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
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
