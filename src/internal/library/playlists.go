package library

import (
	"context"
	"slices"
	"strings"
	"time"

	"segue/internal/fail"
)

// Playlist bounds: a client cannot grow the database without limit.
const (
	MaxPlaylistTracks = 10_000
	maxPlaylistName   = 500
)

const playlistCols = `p.id, p.name, p.comment, p.owner_id, coalesce(u.username, ''), p.public, p.created_at, p.updated_at,
	(SELECT count(*) FROM lib_playlist_tracks pt WHERE pt.playlist_id = p.id),
	(SELECT coalesce(sum(t.duration_ms), 0) FROM lib_playlist_tracks pt JOIN lib_tracks t ON t.id = pt.track_id WHERE pt.playlist_id = p.id),
	(SELECT t.cover_id FROM lib_playlist_tracks pt JOIN lib_tracks t ON t.id = pt.track_id WHERE pt.playlist_id = p.id AND t.cover_id != 0 ORDER BY pt.position LIMIT 1),
	coalesce(an.starred_at, 0), coalesce(an.rating, 0), coalesce(an.play_count, 0), coalesce(an.last_played, 0)`

const playlistFrom = ` FROM lib_playlists p LEFT JOIN users u ON u.user_id = p.owner_id`

// Playlists lists the viewer's own playlists and other users' public ones.
func (l *Library) Playlists(ctx context.Context, v Viewer, q PlaylistQuery) ([]Playlist, error) {
	w := playlistWhere(v, q)
	order := "p.name COLLATE NOCASE" + dir(q.Sort.Desc) + ", p.id"
	switch q.Sort.By {
	case OrderAdded:
		order = "p.created_at" + dir(q.Sort.Desc) + ", p.id"
	case OrderModified:
		order = "p.updated_at" + dir(q.Sort.Desc) + ", p.id"
	}
	limit, offset := q.Page.bounds()
	args := append(append([]any{v.UserID}, w.args...), limit, offset)
	return l.queryPlaylists(ctx, v, "SELECT "+playlistCols+playlistFrom+annotationJoin("p", KindPlaylist)+w.sql()+
		" ORDER BY "+order+" LIMIT ? OFFSET ?", args...)
}

// CountPlaylists counts what Playlists would list without paging.
func (l *Library) CountPlaylists(ctx context.Context, v Viewer, q PlaylistQuery) (int, error) {
	w := playlistWhere(v, q)
	var n int
	err := l.db.R.QueryRowContext(ctx, "SELECT count(*) FROM lib_playlists p"+annotationJoin("p", KindPlaylist)+w.sql(),
		append([]any{v.UserID}, w.args...)...).Scan(&n)
	return n, dbErr(err)
}

func playlistWhere(v Viewer, q PlaylistQuery) *where {
	w := &where{}
	w.add("(p.owner_id = ? OR p.public = 1)", v.UserID)
	if q.Favorite {
		w.add("an.starred_at > 0")
	}
	if q.Search != "" {
		w.add("p.name LIKE ? ESCAPE '\\'", "%"+escapeLike(q.Search)+"%")
	}
	return w
}

// Playlist reads one playlist; NotFound when it does not exist or is another
// user's private playlist.
func (l *Library) Playlist(ctx context.Context, v Viewer, id int64) (Playlist, error) {
	ps, err := l.queryPlaylists(ctx, v, "SELECT "+playlistCols+playlistFrom+annotationJoin("p", KindPlaylist)+
		" WHERE p.id = ? AND (p.owner_id = ? OR p.public = 1)", v.UserID, id, v.UserID)
	if err != nil {
		return Playlist{}, err
	}
	if len(ps) == 0 {
		return Playlist{}, fail.NotFound("Playlist not found")
	}
	return ps[0], nil
}

func (l *Library) queryPlaylists(ctx context.Context, v Viewer, query string, args ...any) ([]Playlist, error) {
	rows, err := l.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := []Playlist{}
	for rows.Next() {
		var p Playlist
		var created, updated, dur, starred, last int64
		var cover *int64
		if err := rows.Scan(&p.ID, &p.Name, &p.Comment, &p.OwnerID, &p.OwnerName, &p.Public, &created, &updated,
			&p.TrackCount, &dur, &cover, &starred, &p.User.Rating, &p.User.PlayCount, &last); err != nil {
			return nil, dbErr(err)
		}
		if cover != nil {
			p.CoverID = *cover
		}
		p.Editable = p.OwnerID == v.UserID
		p.Created, p.Changed = fromMillis(created), fromMillis(updated)
		p.Duration = time.Duration(dur) * time.Millisecond
		p.User.Starred, p.User.LastPlayed = fromMillis(starred), fromMillis(last)
		out = append(out, p)
	}
	return out, dbErr(rows.Err())
}

// PlaylistTracks lists a playlist's entries in order; entries the viewer's folders
// hide are left out. Offline tracks stay, with Available false.
func (l *Library) PlaylistTracks(ctx context.Context, v Viewer, id int64, page Page) ([]Track, error) {
	if _, err := l.Playlist(ctx, v, id); err != nil {
		return nil, err
	}
	w := &where{}
	w.in("t.folder_id", l.scope(v, nil, true))
	w.add("pt.playlist_id = ?", id)
	limit, offset := page.bounds()
	args := append(append([]any{v.UserID}, w.args...), limit, offset)
	return l.queryTracks(ctx, "SELECT "+trackCols+" FROM lib_playlist_tracks pt JOIN lib_tracks t ON t.id = pt.track_id"+
		annotationJoin("t", KindTrack)+w.sql()+" ORDER BY pt.position LIMIT ? OFFSET ?", args...)
}

// CreatePlaylist makes a playlist owned by the viewer with the given tracks.
func (l *Library) CreatePlaylist(ctx context.Context, v Viewer, name string, trackIDs []int64) (Playlist, error) {
	if err := l.requireUser(v); err != nil {
		return Playlist{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > maxPlaylistName {
		return Playlist{}, fail.Invalid("a playlist needs a name of at most %d bytes", maxPlaylistName)
	}
	if err := l.checkTracks(ctx, v, trackIDs); err != nil {
		return Playlist{}, err
	}
	now := millis(l.clock.Now())
	var id int64
	err := l.db.Tx(ctx, func(tx dbtx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO lib_playlists(owner_id, name, created_at, updated_at) VALUES(?, ?, ?, ?)",
			v.UserID, name, now, now)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return insertEntries(ctx, tx, id, 0, trackIDs)
	})
	if err != nil {
		return Playlist{}, dbErr(err)
	}
	l.publish(Event{Changes: []Change{{Op: Added, Kind: KindPlaylist, ID: id}}})
	return l.Playlist(ctx, v, id)
}

// ReplacePlaylistTracks sets a playlist's entries; owner only.
func (l *Library) ReplacePlaylistTracks(ctx context.Context, v Viewer, id int64, trackIDs []int64) error {
	if err := l.requireOwner(ctx, v, id); err != nil {
		return err
	}
	if err := l.checkTracks(ctx, v, trackIDs); err != nil {
		return err
	}
	err := l.db.Tx(ctx, func(tx dbtx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM lib_playlist_tracks WHERE playlist_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE lib_playlists SET updated_at = ? WHERE id = ?", millis(l.clock.Now()), id); err != nil {
			return err
		}
		return insertEntries(ctx, tx, id, 0, trackIDs)
	})
	if err != nil {
		return dbErr(err)
	}
	l.publish(Event{Changes: []Change{{Op: Updated, Kind: KindPlaylist, ID: id}}})
	return nil
}

// UpdatePlaylist changes a playlist; owner only.
func (l *Library) UpdatePlaylist(ctx context.Context, v Viewer, id int64, u PlaylistUpdate) error {
	if err := l.requireOwner(ctx, v, id); err != nil {
		return err
	}
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		if n == "" || len(n) > maxPlaylistName {
			return fail.Invalid("a playlist needs a name of at most %d bytes", maxPlaylistName)
		}
		u.Name = &n
	}
	if u.Comment != nil && len(*u.Comment) > 4*maxPlaylistName {
		return fail.Invalid("the comment is too long")
	}
	if err := l.checkTracks(ctx, v, u.Add); err != nil {
		return err
	}
	err := l.db.Tx(ctx, func(tx dbtx) error {
		if u.Name != nil {
			if _, err := tx.ExecContext(ctx, "UPDATE lib_playlists SET name = ? WHERE id = ?", *u.Name, id); err != nil {
				return err
			}
		}
		if u.Comment != nil {
			if _, err := tx.ExecContext(ctx, "UPDATE lib_playlists SET comment = ? WHERE id = ?", *u.Comment, id); err != nil {
				return err
			}
		}
		if u.Public != nil {
			if _, err := tx.ExecContext(ctx, "UPDATE lib_playlists SET public = ? WHERE id = ?", *u.Public, id); err != nil {
				return err
			}
		}
		if len(u.Remove) > 0 || len(u.Add) > 0 {
			if err := editEntries(ctx, tx, id, u.Remove, u.Add); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "UPDATE lib_playlists SET updated_at = ? WHERE id = ?", millis(l.clock.Now()), id)
		return err
	})
	if err != nil {
		return dbErr(err)
	}
	l.publish(Event{Changes: []Change{{Op: Updated, Kind: KindPlaylist, ID: id}}})
	return nil
}

// DeletePlaylist removes a playlist; owner only.
func (l *Library) DeletePlaylist(ctx context.Context, v Viewer, id int64) error {
	if err := l.requireOwner(ctx, v, id); err != nil {
		return err
	}
	err := l.db.Tx(ctx, func(tx dbtx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM lib_playlists WHERE id = ?", id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM lib_annotations WHERE kind = ? AND item_id = ?", KindPlaylist, id)
		return err
	})
	if err != nil {
		return dbErr(err)
	}
	l.publish(Event{Changes: []Change{{Op: Deleted, Kind: KindPlaylist, ID: id}}})
	return nil
}

// requireOwner: NotFound when the viewer cannot see the playlist, Forbidden when
// they can but do not own it.
func (l *Library) requireOwner(ctx context.Context, v Viewer, id int64) error {
	p, err := l.Playlist(ctx, v, id)
	if err != nil {
		return err
	}
	if !p.Editable || v.UserID == "" {
		return fail.Forbidden("Only the owner can change this playlist")
	}
	return nil
}

// checkTracks requires every id to be a track the viewer can see.
func (l *Library) checkTracks(ctx context.Context, v Viewer, ids []int64) error {
	if len(ids) > MaxPlaylistTracks {
		return fail.Invalid("a playlist holds at most %d tracks", MaxPlaylistTracks)
	}
	uniq := slices.Clone(ids)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	for start := 0; start < len(uniq); start += 500 {
		chunk := uniq[start:min(start+500, len(uniq))]
		w := &where{}
		w.in("folder_id", l.scope(v, nil, true))
		w.in("id", chunk)
		var n int
		if err := l.db.R.QueryRowContext(ctx, "SELECT count(*) FROM lib_tracks"+w.sql(), w.args...).Scan(&n); err != nil {
			return dbErr(err)
		}
		if n != len(chunk) {
			return fail.NotFound("Song not found")
		}
	}
	return nil
}

func insertEntries(ctx context.Context, tx dbtx, id int64, from int, trackIDs []int64) error {
	for i, t := range trackIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO lib_playlist_tracks(playlist_id, position, track_id) VALUES(?, ?, ?)",
			id, from+i, t); err != nil {
			return err
		}
	}
	return nil
}

// editEntries removes entries at the given positions, appends trackIDs and
// renumbers, in one transaction.
func editEntries(ctx context.Context, tx dbtx, id int64, remove []int, add []int64) error {
	rows, err := tx.QueryContext(ctx, "SELECT track_id FROM lib_playlist_tracks WHERE playlist_id = ? ORDER BY position", id)
	if err != nil {
		return err
	}
	var cur []int64
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		cur = append(cur, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	drop := map[int]bool{}
	for _, i := range remove {
		if i < 0 || i >= len(cur) {
			return fail.Invalid("no entry at index %d", i)
		}
		drop[i] = true
	}
	next := make([]int64, 0, len(cur)+len(add))
	for i, t := range cur {
		if !drop[i] {
			next = append(next, t)
		}
	}
	next = append(next, add...)
	if len(next) > MaxPlaylistTracks {
		return fail.Invalid("a playlist holds at most %d tracks", MaxPlaylistTracks)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM lib_playlist_tracks WHERE playlist_id = ?", id); err != nil {
		return err
	}
	return insertEntries(ctx, tx, id, 0, next)
}
