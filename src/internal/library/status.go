package library

import (
	"context"
	"time"
)

// ScanStatus is the scanner's progress, for the UI, Subsonic getScanStatus and
// MA's tasks_updated.
type ScanStatus struct {
	Scanning bool
	// FullScan is true when every file is re-checked (startScan, interval), false
	// for a watched change.
	FullScan      bool
	Started       time.Time
	Finished      time.Time // of the last completed scan
	FilesSeen     int
	FilesTotal    int // an estimate from the last scan while the walk is under way
	CurrentFolder string
	Added         int
	Updated       int
	Removed       int
	Failed        int
	// Tracks is the number of tracks in the library.
	Tracks int
	// LastError is why the last scan could not finish ("" if it did).
	LastError string
}

// Counts returns the library totals the viewer can see.
func (l *Library) Counts(ctx context.Context, v Viewer) (Counts, error) {
	var c Counts
	var err error
	if c.Artists, err = l.CountArtists(ctx, v, ArtistQuery{AlbumArtistsOnly: true}); err != nil {
		return c, err
	}
	if c.Albums, err = l.CountAlbums(ctx, v, AlbumQuery{}); err != nil {
		return c, err
	}
	if c.Tracks, err = l.CountTracks(ctx, v, TrackQuery{}); err != nil {
		return c, err
	}
	w := &where{}
	w.in("t.folder_id", l.scope(v, nil, false))
	if err := l.db.R.QueryRowContext(ctx, "SELECT count(DISTINCT tg.genre_id) FROM lib_track_genres tg JOIN lib_tracks t ON t.id = tg.track_id"+
		w.sql(), w.args...).Scan(&c.Genres); err != nil {
		return c, dbErr(err)
	}
	err = l.db.R.QueryRowContext(ctx, "SELECT count(*) FROM lib_playlists WHERE owner_id = ? OR public = 1", v.UserID).Scan(&c.Playlists)
	return c, dbErr(err)
}

// Failures lists the files the scanner could not read, and why.
func (l *Library) Failures(ctx context.Context, page Page) ([]FileFailure, error) {
	limit, offset := page.bounds()
	rows, err := l.db.R.QueryContext(ctx, "SELECT folder_id, path, reason, at FROM lib_failures ORDER BY folder_id, path LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []FileFailure{}
	for rows.Next() {
		var f FileFailure
		var at int64
		if err := rows.Scan(&f.FolderID, &f.Path, &f.Reason, &at); err != nil {
			return nil, dbErr(err)
		}
		f.At = fromMillis(at)
		out = append(out, f)
	}
	return out, dbErr(rows.Err())
}
