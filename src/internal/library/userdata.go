package library

import (
	"context"
	"time"

	"segue/internal/fail"
)

// Star marks items as the viewer's favourites (an MA favourite is a Subsonic star).
// Every id must exist and be visible to the viewer, or nothing is changed.
func (l *Library) Star(ctx context.Context, v Viewer, kind Kind, ids ...int64) error {
	return l.setStar(ctx, v, kind, ids, millis(l.clock.Now()))
}

// Unstar clears the viewer's stars on items.
func (l *Library) Unstar(ctx context.Context, v Viewer, kind Kind, ids ...int64) error {
	return l.setStar(ctx, v, kind, ids, 0)
}

func (l *Library) setStar(ctx context.Context, v Viewer, kind Kind, ids []int64, at int64) error {
	if err := l.requireUser(v); err != nil {
		return err
	}
	for _, id := range ids {
		if err := l.checkVisible(ctx, v, kind, id); err != nil {
			return err
		}
	}
	err := l.db.Tx(ctx, func(tx dbtx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO lib_annotations(user_id, kind, item_id, starred_at) VALUES(?, ?, ?, ?)
				ON CONFLICT(user_id, kind, item_id) DO UPDATE SET starred_at = excluded.starred_at`, v.UserID, kind, id, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return dbErr(err)
	}
	for _, id := range ids {
		l.notify(Change{Op: Updated, Kind: kind, ID: id, UserID: v.UserID})
	}
	return nil
}

// SetRating sets the viewer's rating (0 clears it, 1-5).
func (l *Library) SetRating(ctx context.Context, v Viewer, kind Kind, id int64, rating int) error {
	if rating < 0 || rating > 5 {
		return fail.Invalid("rating must be between 0 and 5")
	}
	if err := l.requireUser(v); err != nil {
		return err
	}
	if err := l.checkVisible(ctx, v, kind, id); err != nil {
		return err
	}
	_, err := l.db.W.ExecContext(ctx, `INSERT INTO lib_annotations(user_id, kind, item_id, rating) VALUES(?, ?, ?, ?)
		ON CONFLICT(user_id, kind, item_id) DO UPDATE SET rating = excluded.rating`, v.UserID, kind, id, rating)
	if err != nil {
		return dbErr(err)
	}
	l.notify(Change{Op: Updated, Kind: kind, ID: id, UserID: v.UserID})
	return nil
}

// Scrobble records a play. A submission counts a play of the track, its album
// and its artists at time at; otherwise the track becomes what the viewer is
// playing now on player (a client name).
func (l *Library) Scrobble(ctx context.Context, v Viewer, trackID int64, at time.Time, submission bool, player string) error {
	if err := l.requireUser(v); err != nil {
		return err
	}
	t, err := l.Track(ctx, v, trackID)
	if err != nil {
		return err
	}
	if !submission {
		l.nowPlaying.set(v.UserID, player, trackID, l.clock.Now(), t.Duration)
		return nil
	}
	if at.IsZero() {
		at = l.clock.Now()
	}
	ms := millis(at)
	items := []struct {
		kind Kind
		id   int64
	}{{KindTrack, t.ID}, {KindAlbum, t.AlbumID}}
	for _, a := range t.Artists {
		items = append(items, struct {
			kind Kind
			id   int64
		}{KindArtist, a.ID})
	}
	err = l.db.Tx(ctx, func(tx dbtx) error {
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO lib_annotations(user_id, kind, item_id, play_count, last_played) VALUES(?, ?, ?, 1, ?)
				ON CONFLICT(user_id, kind, item_id) DO UPDATE SET play_count = play_count + 1,
				last_played = max(last_played, excluded.last_played)`, v.UserID, it.kind, it.id, ms); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return dbErr(err)
	}
	l.nowPlaying.clear(v.UserID, player, trackID)
	for _, it := range items {
		l.notify(Change{Op: Updated, Kind: it.kind, ID: it.id, UserID: v.UserID})
	}
	return nil
}

func (l *Library) requireUser(v Viewer) error {
	if v.UserID == "" {
		return fail.Forbidden("a user is required")
	}
	return nil
}

// checkVisible answers NotFound for an id that does not exist or that the viewer
// cannot see, so ids of other users' folders and private playlists are not probed.
func (l *Library) checkVisible(ctx context.Context, v Viewer, kind Kind, id int64) error {
	var err error
	switch kind {
	case KindArtist:
		_, err = l.Artist(ctx, v, id)
	case KindAlbum:
		_, err = l.Album(ctx, v, id)
	case KindTrack:
		_, err = l.Track(ctx, v, id)
	case KindPlaylist:
		_, err = l.Playlist(ctx, v, id)
	default:
		err = fail.Invalid("unknown item kind")
	}
	return err
}
