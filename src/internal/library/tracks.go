package library

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"segue/internal/fail"
)

const trackCols = `t.id, t.folder_id, t.dir, t.file, t.title, t.sort_title, t.album_id, t.album_name, t.artist_id, t.artist_name,
	t.album_artist, t.track_no, t.disc_no, t.year, t.date, t.genre, t.compilation, t.duration_ms, t.size,
	t.format, t.codec, t.bit_rate, t.sample_rate, t.bit_depth, t.channels, t.mbid,
	t.rg_track_gain, t.rg_track_peak, t.rg_album_gain, t.rg_album_peak, t.lyrics != '', t.cover_id, t.created_at, t.updated_at,
	coalesce(an.starred_at, 0), coalesce(an.rating, 0), coalesce(an.play_count, 0), coalesce(an.last_played, 0)`

func (l *Library) trackWhere(v Viewer, q TrackQuery) *where {
	w := &where{}
	w.in("t.folder_id", l.scope(v, q.Folders, q.IncludeOffline))
	if q.AlbumID != 0 {
		w.add("t.album_id = ?", q.AlbumID)
	}
	if q.ArtistID != 0 {
		w.add("t.id IN (SELECT track_id FROM lib_track_artists WHERE artist_id = ?)", q.ArtistID)
	}
	if q.Genre != "" {
		w.add("t.id IN (SELECT tg.track_id FROM lib_track_genres tg JOIN lib_genres g ON g.id = tg.genre_id WHERE g.name = ?)", q.Genre)
	}
	if len(q.GenreIDs) > 0 {
		g := &where{}
		g.in("tg.genre_id", q.GenreIDs)
		w.add("t.id IN (SELECT tg.track_id FROM lib_track_genres tg"+g.sql()+")", g.args...)
	}
	if q.FromYear != 0 || q.ToYear != 0 {
		to := q.ToYear
		if to == 0 {
			to = 99999
		}
		w.add("t.year BETWEEN ? AND ?", q.FromYear, to)
	}
	if q.Favorite {
		w.add("an.starred_at > 0")
	}
	if q.Played {
		w.add("an.play_count > 0")
	}
	if fts, ok := ftsQuery(q.Search); ok {
		w.add("t.id IN (SELECT rowid FROM lib_tracks_fts WHERE lib_tracks_fts MATCH ?)", fts)
	}
	return w
}

func (l *Library) trackOrder(s Sort) string {
	d := dir(s.Desc)
	switch s.By {
	case OrderName:
		return "t.title COLLATE NOCASE" + d + ", t.id"
	case OrderAdded:
		return "t.created_at" + d + ", t.id" + d
	case OrderModified:
		return "t.updated_at" + d + ", t.id" + d
	case OrderLastPlayed:
		return "coalesce(an.last_played, 0)" + d + ", t.id"
	case OrderPlayCount:
		return "coalesce(an.play_count, 0)" + d + ", t.id"
	case OrderRating:
		return "coalesce(an.rating, 0)" + d + ", t.id"
	case OrderStarred:
		return "coalesce(an.starred_at, 0)" + d + ", t.id"
	case OrderYear:
		return "t.year" + d + ", t.sort_title, t.id"
	case OrderDuration:
		return "t.duration_ms" + d + ", t.id"
	case OrderArtistName:
		return "t.artist_name COLLATE NOCASE" + d + ", t.album_name COLLATE NOCASE, t.disc_no, t.track_no, t.id"
	case OrderPosition:
		return "t.disc_no" + d + ", t.track_no" + d + ", t.dir, t.file, t.id"
	case OrderRandom:
		return "((t.id + " + strconv.FormatInt(l.randomSeed(), 10) + ") * 2654435761) % 4294967296, t.id"
	case OrderID:
		return "t.id" + d
	}
	return "t.sort_title" + d + ", t.id"
}

// Tracks lists tracks.
func (l *Library) Tracks(ctx context.Context, v Viewer, q TrackQuery) ([]Track, error) {
	w := l.trackWhere(v, q)
	limit, offset := q.Page.bounds()
	query := "SELECT " + trackCols + " FROM lib_tracks t" + annotationJoin("t", KindTrack) + w.sql() +
		" ORDER BY " + l.trackOrder(q.Sort) + " LIMIT ? OFFSET ?"
	args := append([]any{v.UserID}, w.args...)
	return l.queryTracks(ctx, query, append(args, limit, offset)...)
}

// CountTracks counts what Tracks would list without paging.
func (l *Library) CountTracks(ctx context.Context, v Viewer, q TrackQuery) (int, error) {
	w := l.trackWhere(v, q)
	var n int
	err := l.db.R.QueryRowContext(ctx, "SELECT count(*) FROM lib_tracks t"+annotationJoin("t", KindTrack)+w.sql(),
		append([]any{v.UserID}, w.args...)...).Scan(&n)
	return n, dbErr(err)
}

// Track reads one track with its genres; NotFound when the viewer cannot see it.
// Tracks of offline folders are found, with Available false.
func (l *Library) Track(ctx context.Context, v Viewer, id int64) (Track, error) {
	w := &where{}
	w.in("t.folder_id", l.scope(v, nil, true))
	w.add("t.id = ?", id)
	ts, err := l.queryTracks(ctx, "SELECT "+trackCols+" FROM lib_tracks t"+annotationJoin("t", KindTrack)+w.sql(),
		append([]any{v.UserID}, w.args...)...)
	if err != nil {
		return Track{}, err
	}
	if len(ts) == 0 {
		return Track{}, fail.NotFound("Song not found")
	}
	t := ts[0]
	t.Genres, err = l.stringList(ctx, `SELECT g.name FROM lib_track_genres tg JOIN lib_genres g ON g.id = tg.genre_id
		WHERE tg.track_id = ? ORDER BY g.name COLLATE NOCASE`, id)
	return t, err
}

func (l *Library) queryTracks(ctx context.Context, query string, args ...any) ([]Track, error) {
	rows, err := l.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []Track{}
	ids := []int64{}
	for rows.Next() {
		var t Track
		var dir, file string
		var dur, created, updated, starred, last int64
		var tg, tp, ag, ap sql.NullFloat64
		if err := rows.Scan(&t.ID, &t.FolderID, &dir, &file, &t.Title, &t.SortTitle, &t.AlbumID, &t.AlbumName, &t.ArtistID, &t.ArtistName,
			&t.AlbumArtist, &t.TrackNumber, &t.DiscNumber, &t.Year, &t.Date, &t.Genre, &t.Compilation, &dur, &t.Size,
			&t.Audio.Format, &t.Audio.Codec, &t.Audio.BitRate, &t.Audio.SampleRate, &t.Audio.BitDepth, &t.Audio.Channels, &t.MBID,
			&tg, &tp, &ag, &ap, &t.HasLyrics, &t.CoverID, &created, &updated,
			&starred, &t.User.Rating, &t.User.PlayCount, &last); err != nil {
			return nil, dbErr(err)
		}
		t.Path = joinRel(dir, file)
		t.Duration = time.Duration(dur) * time.Millisecond
		t.Audio.ContentType = contentType(t.Audio.Format)
		t.ReplayGain = ReplayGain{nullFloat(tg), nullFloat(tp), nullFloat(ag), nullFloat(ap)}
		t.Added, t.Modified = fromMillis(created), fromMillis(updated)
		t.User.Starred, t.User.LastPlayed = fromMillis(starred), fromMillis(last)
		t.Available = l.online(t.FolderID)
		out = append(out, t)
		ids = append(ids, t.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	refs, err := l.artistRefs(ctx, "lib_track_artists", "track_id", ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Artists = refs[out[i].ID]
	}
	return out, nil
}

func nullFloat(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	v := f.Float64
	return &v
}

func joinRel(dir, file string) string {
	if dir == "" {
		return file
	}
	return dir + "/" + file
}

// contentType is the MIME type of a format.
func contentType(format string) string {
	switch format {
	case "mp3":
		return "audio/mpeg"
	case "flac":
		return "audio/flac"
	case "m4a", "mp4":
		return "audio/mp4"
	case "ogg", "oga", "opus":
		return "audio/ogg"
	}
	return "application/octet-stream"
}
