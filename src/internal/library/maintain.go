package library

import "context"

// refreshArtistStats recomputes per-folder artist totals; lists of artists read them.
func refreshArtistStats(ctx context.Context, tx dbtx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM lib_artist_stats;
		INSERT INTO lib_artist_stats(artist_id, folder_id, album_count, track_count, cover_id)
		SELECT artist_id, folder_id, sum(albums), sum(tracks), max(cover) FROM (
			SELECT aa.artist_id, a.folder_id, count(*) AS albums, 0 AS tracks, max(a.cover_id) AS cover
				FROM lib_album_artists aa JOIN lib_albums a ON a.id = aa.album_id GROUP BY aa.artist_id, a.folder_id
			UNION ALL
			SELECT ta.artist_id, t.folder_id, 0, count(*), max(t.cover_id)
				FROM lib_track_artists ta JOIN lib_tracks t ON t.id = ta.track_id GROUP BY ta.artist_id, t.folder_id
		) GROUP BY artist_id, folder_id`)
	return err
}

// removeOrphans deletes albums without tracks, artists, genres and artwork nobody
// refers to, and everyone's data on the items that are gone. It returns the
// albums and artists removed.
func removeOrphans(ctx context.Context, tx dbtx) ([]Change, error) {
	var gone []Change
	collect := func(kind Kind, query string) error {
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			gone = append(gone, Change{Op: Deleted, Kind: kind, ID: id})
		}
		return rows.Err()
	}
	// NOT IN over a subquery lets SQLite build one temporary index instead of
	// probing an unindexed column once per row.
	if err := collect(KindAlbum, `DELETE FROM lib_albums WHERE id NOT IN (SELECT album_id FROM lib_tracks) RETURNING id`); err != nil {
		return nil, err
	}
	if err := collect(KindArtist, `DELETE FROM lib_artists WHERE id NOT IN (
		SELECT artist_id FROM lib_track_artists UNION SELECT artist_id FROM lib_album_artists
		UNION SELECT artist_id FROM lib_tracks UNION SELECT artist_id FROM lib_albums) RETURNING id`); err != nil {
		return nil, err
	}
	_, err := tx.ExecContext(ctx, `
		DELETE FROM lib_genres WHERE id NOT IN (SELECT genre_id FROM lib_track_genres);
		DELETE FROM lib_art WHERE id NOT IN (SELECT cover_id FROM lib_tracks UNION SELECT cover_id FROM lib_albums);
		DELETE FROM lib_annotations WHERE kind = 1 AND item_id NOT IN (SELECT id FROM lib_artists);
		DELETE FROM lib_annotations WHERE kind = 2 AND item_id NOT IN (SELECT id FROM lib_albums);
		DELETE FROM lib_annotations WHERE kind = 3 AND item_id NOT IN (SELECT id FROM lib_tracks);`)
	return gone, err
}
