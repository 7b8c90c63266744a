package library

import (
	"context"
	"sort"
	"sync"
	"time"
)

// nowPlayingGrace keeps an entry this long past the end of its track.
const nowPlayingGrace = 5 * time.Minute

// nowPlayingSet is what each user plays on each player, in memory only: it is
// over when the server restarts, as a playback would be.
type nowPlayingSet struct {
	mu      sync.Mutex
	entries map[nowPlayingKey]nowPlayingEntry
}

type nowPlayingKey struct{ user, player string }

type nowPlayingEntry struct {
	track int64
	since time.Time
	until time.Time
}

// maxNowPlaying bounds the set: a client inventing player names cannot grow it.
const maxNowPlaying = 1000

func (s *nowPlayingSet) set(user, player string, track int64, now time.Time, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries == nil {
		s.entries = map[nowPlayingKey]nowPlayingEntry{}
	}
	s.expire(now)
	k := nowPlayingKey{user, player}
	if _, ok := s.entries[k]; !ok && len(s.entries) >= maxNowPlaying {
		return
	}
	s.entries[k] = nowPlayingEntry{track: track, since: now, until: now.Add(d + nowPlayingGrace)}
}

func (s *nowPlayingSet) clear(user, player string, track int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := nowPlayingKey{user, player}
	if e, ok := s.entries[k]; ok && e.track == track {
		delete(s.entries, k)
	}
}

func (s *nowPlayingSet) expire(now time.Time) {
	for k, e := range s.entries {
		if now.After(e.until) {
			delete(s.entries, k)
		}
	}
}

func (s *nowPlayingSet) list(now time.Time) []NowPlaying {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	out := make([]NowPlaying, 0, len(s.entries))
	for k, e := range s.entries {
		out = append(out, NowPlaying{UserID: k.user, Player: k.player, Track: Track{ID: e.track}, Since: e.since})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Since.After(out[j].Since) })
	return out
}

// NowPlaying lists what every user is playing now (Subsonic shows everyone's),
// limited to tracks the viewer can see, newest first.
func (l *Library) NowPlaying(ctx context.Context, v Viewer) ([]NowPlaying, error) {
	out := []NowPlaying{}
	for _, np := range l.nowPlaying.list(l.clock.Now()) {
		t, err := l.Track(ctx, v, np.Track.ID)
		if err != nil {
			continue // deleted, or not visible to this viewer
		}
		np.Track = t
		if err := l.db.R.QueryRowContext(ctx, "SELECT username FROM users WHERE user_id = ?", np.UserID).Scan(&np.Username); err != nil {
			continue // the user is gone
		}
		out = append(out, np)
	}
	return out, nil
}
