package library

import (
	"context"
	"database/sql"
)

// pendingFile is one new or changed file on its way into the database.
type pendingFile struct {
	facts fileFacts
	// existingID is the row already at this path (a changed file), movedID the row
	// of a file that moved here (same identity, gone from its old path); 0 if none.
	existingID int64
	movedID    int64
	// dirCover is the directory's cover image (relative path and mtime), "" if none.
	dirCover      string
	dirCoverMtime int64
}

// writeResult is what a batch changed.
type writeResult struct {
	changes []Change
	albums  []int64 // albums whose totals must be recomputed
}

type ingestStmts struct {
	artist, album, albumArtist, genre, art                         *sql.Stmt
	insertTrack, updateTrack, trackAlbum                           *sql.Stmt
	delTrackArtists, addTrackArtist, delTrackGenres, addTrackGenre *sql.Stmt
}

func prepareIngest(ctx context.Context, tx dbtx) (*ingestStmts, func(), error) {
	s := &ingestStmts{}
	var all []*sql.Stmt
	prep := func(dst **sql.Stmt, q string) error {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		*dst = st
		all = append(all, st)
		return nil
	}
	closeAll := func() {
		for _, st := range all {
			st.Close()
		}
	}
	const trackSet = `folder_id = ?, dir = ?, file = ?, size = ?, mtime = ?, identity = ?, missing = 0, album_id = ?, album_name = ?,
		artist_id = ?, artist_name = ?, album_artist = ?, title = ?, sort_title = ?, track_no = ?, disc_no = ?, year = ?, date = ?,
		genre = ?, compilation = ?, duration_ms = ?, bit_rate = ?, sample_rate = ?, bit_depth = ?, channels = ?, format = ?, codec = ?,
		mbid = ?, release_track_mbid = ?, rg_track_gain = ?, rg_track_peak = ?, rg_album_gain = ?, rg_album_peak = ?, lyrics = ?,
		has_picture = ?, cover_id = ?, updated_at = ?`
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&s.artist, `INSERT INTO lib_artists(key, name, sort_name, mbid, created_at) VALUES(?, ?, ?, ?, ?)
			ON CONFLICT(key) DO UPDATE SET mbid = CASE WHEN lib_artists.mbid = '' THEN excluded.mbid ELSE lib_artists.mbid END
			RETURNING id`},
		{&s.album, `INSERT INTO lib_albums(folder_id, key, name, sort_name, artist_id, artist_name, compilation, mbid, created_at, updated_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(folder_id, key) DO UPDATE SET updated_at = excluded.updated_at RETURNING id`},
		{&s.albumArtist, `INSERT OR IGNORE INTO lib_album_artists(album_id, position, artist_id) VALUES(?, ?, ?)`},
		{&s.genre, `INSERT INTO lib_genres(name) VALUES(?) ON CONFLICT(name) DO UPDATE SET name = lib_genres.name RETURNING id`},
		{&s.art, `INSERT INTO lib_art(folder_id, path, embedded, mtime) VALUES(?, ?, ?, ?)
			ON CONFLICT(folder_id, path, embedded) DO UPDATE SET mtime = excluded.mtime RETURNING id`},
		{&s.insertTrack, `INSERT INTO lib_tracks(folder_id, dir, file, size, mtime, identity, album_id, album_name, artist_id, artist_name,
			album_artist, title, sort_title, track_no, disc_no, year, date, genre, compilation, duration_ms, bit_rate, sample_rate,
			bit_depth, channels, format, codec, mbid, release_track_mbid, rg_track_gain, rg_track_peak, rg_album_gain, rg_album_peak,
			lyrics, has_picture, cover_id, updated_at, created_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.updateTrack, "UPDATE lib_tracks SET " + trackSet + " WHERE id = ?"},
		{&s.trackAlbum, "SELECT album_id FROM lib_tracks WHERE id = ?"},
		{&s.delTrackArtists, "DELETE FROM lib_track_artists WHERE track_id = ?"},
		{&s.addTrackArtist, "INSERT INTO lib_track_artists(track_id, position, artist_id) VALUES(?, ?, ?)"},
		{&s.delTrackGenres, "DELETE FROM lib_track_genres WHERE track_id = ?"},
		{&s.addTrackGenre, "INSERT OR IGNORE INTO lib_track_genres(track_id, genre_id) VALUES(?, ?)"},
	} {
		if err := prep(p.dst, p.q); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	return s, closeAll, nil
}

// writeFiles stores new and changed files within a scan's write transaction;
// the caller recomputes the albums it returns.
func (l *Library) writeFiles(ctx context.Context, tx dbtx, batch []pendingFile) (writeResult, error) {
	var res writeResult
	if len(batch) == 0 {
		return res, nil
	}
	now := millis(l.clock.Now())
	err := func() error {
		st, done, err := prepareIngest(ctx, tx)
		if err != nil {
			return err
		}
		defer done()
		artistIDs := map[string]int64{}
		artistID := func(name, mbid string) (int64, error) {
			k := foldKey(name)
			if id, ok := artistIDs[k]; ok {
				return id, nil
			}
			var id int64
			err := st.artist.QueryRowContext(ctx, k, name, sortName(name), mbid, now).Scan(&id)
			artistIDs[k] = id
			return id, err
		}
		// Most files of a batch share their album, genres and folder cover:
		// look each up once per batch.
		type albumKey struct {
			folder int64
			key    string
		}
		albumIDs := map[albumKey]int64{}
		genreIDs := map[string]int64{}
		artIDs := map[string]int64{}
		for i := range batch {
			p := &batch[i]
			f := &p.facts
			f.normalize()
			var trackArtists, albumArtists []int64
			for j, a := range f.artists {
				id, err := artistID(a, at(f.artistMBIDs, j, len(f.artists)))
				if err != nil {
					return err
				}
				trackArtists = append(trackArtists, id)
			}
			for j, a := range f.albumArtists {
				id, err := artistID(a, at(f.albumArtistMBIDs, j, len(f.albumArtists)))
				if err != nil {
					return err
				}
				albumArtists = append(albumArtists, id)
			}
			key, albumName := f.albumKey()
			albumID, seen := albumIDs[albumKey{f.folderID, key}]
			if !seen {
				if err := st.album.QueryRowContext(ctx, f.folderID, key, albumName, sortName(albumName), albumArtists[0],
					f.displayAlbumArtist(), f.compilation, f.albumMBID, now, now).Scan(&albumID); err != nil {
					return err
				}
				albumIDs[albumKey{f.folderID, key}] = albumID
				for j, a := range albumArtists {
					if _, err := st.albumArtist.ExecContext(ctx, albumID, j, a); err != nil {
						return err
					}
				}
			}
			coverID := int64(0)
			if f.hasPicture {
				if err := st.art.QueryRowContext(ctx, f.folderID, joinRel(f.dir, f.file), 1, f.mtime).Scan(&coverID); err != nil {
					return err
				}
			} else if p.dirCover != "" {
				var ok bool
				if coverID, ok = artIDs[p.dirCover]; !ok {
					if err := st.art.QueryRowContext(ctx, f.folderID, p.dirCover, 0, p.dirCoverMtime).Scan(&coverID); err != nil {
						return err
					}
					artIDs[p.dirCover] = coverID
				}
			}
			genre := ""
			if len(f.genres) > 0 {
				genre = f.genres[0]
			}
			args := []any{f.folderID, f.dir, f.file, f.size, f.mtime, f.identity(), albumID, albumName,
				trackArtists[0], f.displayArtist(), f.displayAlbumArtist(), f.title, sortName(f.title), f.trackNo, f.discNo, f.year, f.date,
				genre, f.compilation, f.duration.Milliseconds(), f.bitRate, f.sampleRate, f.bitDepth, f.channels, f.format, f.codec,
				f.mbid, f.releaseTrack, f.rg.TrackGain, f.rg.TrackPeak, f.rg.AlbumGain, f.rg.AlbumPeak, encodeLyrics(f.lyrics),
				f.hasPicture, coverID, now}
			id := p.existingID
			if id == 0 {
				id = p.movedID
			}
			op := Updated
			if id != 0 {
				var oldAlbum int64
				if err := st.trackAlbum.QueryRowContext(ctx, id).Scan(&oldAlbum); err != nil {
					return err
				}
				if oldAlbum != albumID {
					res.albums = append(res.albums, oldAlbum)
				}
				if _, err := st.updateTrack.ExecContext(ctx, append(args, id)...); err != nil {
					return err
				}
			} else {
				op = Added
				r, err := st.insertTrack.ExecContext(ctx, append(args, now)...)
				if err != nil {
					return err
				}
				id, _ = r.LastInsertId()
			}
			if op == Updated {
				if _, err := st.delTrackArtists.ExecContext(ctx, id); err != nil {
					return err
				}
				if _, err := st.delTrackGenres.ExecContext(ctx, id); err != nil {
					return err
				}
			}
			for j, a := range trackArtists {
				if _, err := st.addTrackArtist.ExecContext(ctx, id, j, a); err != nil {
					return err
				}
			}
			for _, g := range f.genres {
				gid, ok := genreIDs[foldKey(g)]
				if !ok {
					if err := st.genre.QueryRowContext(ctx, g).Scan(&gid); err != nil {
						return err
					}
					genreIDs[foldKey(g)] = gid
				}
				if _, err := st.addTrackGenre.ExecContext(ctx, id, gid); err != nil {
					return err
				}
			}
			res.changes = append(res.changes, Change{Op: op, Kind: KindTrack, ID: id})
			res.albums = append(res.albums, albumID)
		}
		return nil
	}()
	return res, err
}

// at returns ids[i] when ids line up with the names they belong to.
func at(ids []string, i, n int) string {
	if len(ids) != n {
		return ""
	}
	return ids[i]
}

// refreshAlbums recomputes the totals, year, first genre and cover of albums
// from their tracks.
func refreshAlbums(ctx context.Context, tx dbtx, ids []int64, now int64) error {
	for start := 0; start < len(ids); start += 500 {
		w := &where{}
		w.in("a.id", ids[start:min(start+500, len(ids))])
		_, err := tx.ExecContext(ctx, `UPDATE lib_albums AS a SET
			track_count = (SELECT count(*) FROM lib_tracks t WHERE t.album_id = a.id),
			disc_count = (SELECT count(DISTINCT t.disc_no) FROM lib_tracks t WHERE t.album_id = a.id),
			duration_ms = (SELECT coalesce(sum(t.duration_ms), 0) FROM lib_tracks t WHERE t.album_id = a.id),
			size = (SELECT coalesce(sum(t.size), 0) FROM lib_tracks t WHERE t.album_id = a.id),
			year = (SELECT coalesce(max(t.year), 0) FROM lib_tracks t WHERE t.album_id = a.id),
			compilation = (SELECT coalesce(max(t.compilation), 0) FROM lib_tracks t WHERE t.album_id = a.id),
			genre = coalesce((SELECT t.genre FROM lib_tracks t WHERE t.album_id = a.id AND t.genre != ''
				ORDER BY t.disc_no, t.track_no, t.id LIMIT 1), ''),
			cover_id = coalesce((SELECT t.cover_id FROM lib_tracks t WHERE t.album_id = a.id AND t.cover_id != 0
				ORDER BY t.has_picture DESC, t.disc_no, t.track_no, t.id LIMIT 1), 0),
			updated_at = ?`+w.sql(), append([]any{now}, w.args...)...)
		if err != nil {
			return err
		}
	}
	return nil
}
