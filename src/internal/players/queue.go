package players

import (
	"encoding/json"
	"time"
)

// Track is one library track as a queue needs it (from music.QueueTracks).
type Track struct {
	ID       int64  `json:"id"`
	Name     string `json:"-"` // "<artists> - <title>"
	Title    string `json:"title"`
	Artist   string `json:"artist"`
	Album    string `json:"album"`
	Duration int    `json:"duration"`
	Suffix   string `json:"suffix"`
	// SampleRate (Hz), BitDepth and Channels decide whether a speaker can take the file
	// as it is; 0 when unknown.
	SampleRate int    `json:"sample_rate"`
	BitDepth   int    `json:"bit_depth"`
	Channels   int    `json:"channels"`
	ImagePath  string `json:"image_path"`
	URI        string `json:"uri"`
	MediaItem  any    `json:"-"`
	Image      any    `json:"-"`
}

// QueueItem is MA's QueueItem.
type QueueItem struct {
	QueueID         string          `json:"queue_id"`
	QueueItemID     string          `json:"queue_item_id"`
	Name            string          `json:"name"`
	Duration        int             `json:"duration"`
	SortIndex       int             `json:"sort_index"`
	Streamdetails   any             `json:"streamdetails"`
	MediaItem       json.RawMessage `json:"media_item"`
	Image           json.RawMessage `json:"image"`
	Index           int             `json:"index"`
	Available       bool            `json:"available"`
	ExtraAttributes map[string]any  `json:"extra_attributes"`

	track Track
}

// playQueue is one player's queue and what Segue believes its speaker is doing.
type playQueue struct {
	items    []QueueItem // play order
	current  int         // index into items, -1 for none
	shuffle  bool
	repeat   string // off, one, all
	nextSort int    // sort_index of the next inserted item

	state   PlaybackState
	ended   bool
	posBase float64   // seconds into the current item at posAt
	posAt   time.Time // while playing, position grows from here
	// Our stream on the speaker: its URL and the offset it started at. Empty when the
	// speaker plays nothing of ours (a stop, a long pause, something else took over).
	url    string
	offset int
	// expectIdle: we replaced or stopped the stream, so the next idle is ours, not
	// the end of a track.
	expectIdle bool
	pausedAt   time.Time
	// commandAt is when we last told the speaker to change; HA states stamped before it
	// are older news (events reach us after the command's own answer).
	commandAt time.Time
}

func newPlayQueue() playQueue { return playQueue{current: -1, repeat: "off", state: StateIdle} }

// position is where playback is in the current item at now.
func (q *playQueue) position(now time.Time) float64 {
	if q.state == StatePlaying && !q.posAt.IsZero() {
		return q.posBase + now.Sub(q.posAt).Seconds()
	}
	return q.posBase
}

func (q *playQueue) setPosition(p float64, now time.Time) { q.posBase, q.posAt = p, now }

func (q *playQueue) currentItem() *QueueItem {
	if q.current < 0 || q.current >= len(q.items) {
		return nil
	}
	return &q.items[q.current]
}

// newQueue is a player's queue in MA's shape.
func newQueue(playerID, name string) Queue {
	return Queue{QueueID: playerID, DisplayName: name, RepeatMode: "off", OverlayVolume: 100, State: StateIdle, Sources: []any{}}
}

// queueLocked is the entry's queue as MA's PlayerQueue.
func (r *Registry) queueLocked(e *entry) Queue {
	now := r.d.Clock.Now()
	q := newQueue(e.state.EntityID, e.settings.Name)
	pq := &e.q
	q.Available = e.state.State != "unavailable" && e.state.State != "unknown"
	active := r.playerLocked(e).ActiveSource
	q.Active = active != nil && *active == e.state.EntityID
	q.Items = len(pq.items)
	q.ShuffleEnabled, q.RepeatMode, q.State, q.Ended = pq.shuffle, pq.repeat, pq.state, pq.ended
	if item := pq.currentItem(); item != nil {
		i := pq.current
		q.CurrentIndex, q.IndexInBuffer = &i, &i
		q.CurrentItem = item
		if i+1 < len(pq.items) {
			q.NextItem = &pq.items[i+1]
		}
	}
	q.ElapsedTime, q.ElapsedTimeLastUpdated = pq.position(now), epoch(now)
	return q
}
