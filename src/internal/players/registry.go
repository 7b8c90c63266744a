package players

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"sync"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/hass"
	"segue/internal/store"
)

// Publisher sends an MA event to the sessions to admits (nil: all); api.Server.PublishTo.
type Publisher func(to func(*auth.Principal) bool, event, objectID string, data any)

// Deps are what the registry needs.
type Deps struct {
	DB      *store.DB
	Clock   clock.Clock
	Log     logrus.FieldLogger
	Publish Publisher
	// DataDir holds the stream key file; Rand makes keys and queue item ids, and shuffles.
	DataDir string
	Rand    io.Reader
	// Speakers runs HA media_player services (nil: no Home Assistant).
	Speakers Speakers
	// Tracks expands library URIs into tracks the principal may play.
	Tracks func(ctx context.Context, p *auth.Principal, uris []string) ([]Track, error)
	// StreamBase is the URL speakers reach the public listener at (http://192.168.1.10:8095).
	StreamBase func() string
	// Throttle slows down forged stream capabilities; Open and Audio serve the tracks.
	Throttle *auth.Throttle
	Open     TrackOpener
	Audio    AudioServer
}

// Registry holds the known players and their queues. Home Assistant's media players
// arrive through the hass.MediaPlayerSink methods.
type Registry struct {
	d Deps

	keys *streamKeys

	mu      sync.Mutex
	entries map[string]*entry
	order   []string // player ids in the order first seen
}

// entry is one player: what HA last said about it and what Segue keeps.
type entry struct {
	state    hass.EntityState // State "unavailable" until HA reports it
	settings settings
	platform string      // the HA integration behind the entity ("cast", "sonos", …)
	device   hass.Device // its device-registry entry (zero: none, or HA would not tell)
	wire     []byte      // the last Player sent, to skip events that change nothing
	q        playQueue
	// ctl serialises commands to this player: each one may wait on Home Assistant,
	// which happens outside mu.
	ctl sync.Mutex
}

// NewRegistry opens the players' tables and lists every player seen before, as
// unavailable until Home Assistant reports it.
func NewRegistry(ctx context.Context, d Deps) (*Registry, error) {
	if err := openStore(ctx, d.DB); err != nil {
		return nil, err
	}
	known, err := loadSettings(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	keys, err := newStreamKeys(filepath.Join(d.DataDir, StreamKeyFile), d.Rand, d.Clock)
	if err != nil {
		return nil, err
	}
	r := &Registry{d: d, entries: map[string]*entry{}, keys: keys}
	for id, s := range known {
		e := r.addLocked(id, s)
		if e.q, err = loadQueue(ctx, d.DB, id); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Registry) addLocked(id string, s settings) *entry {
	e := &entry{state: hass.EntityState{EntityID: id, State: "unavailable"}, settings: s, q: newPlayQueue()}
	r.entries[id] = e
	r.order = append(r.order, id)
	slices.Sort(r.order)
	return e
}

// MediaPlayers implements hass.MediaPlayerSink: the full list after a (re)connect.
// Known players missing from it show as unavailable.
func (r *Registry) MediaPlayers(states []hass.EntityState, registry map[string]hass.MediaPlayerEntry) {
	seen := map[string]bool{}
	for _, st := range states {
		seen[st.EntityID] = true
		r.MediaPlayerChanged(st, false)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, e := range r.entries {
		e.platform, e.device = registry[id].Platform, registry[id].Device
		r.publishLocked(e, false) // the device may have changed (a firmware update)
	}
	for _, id := range r.order {
		if e := r.entries[id]; !seen[id] && e.state.State != "unavailable" {
			e.state = hass.EntityState{EntityID: id, State: "unavailable"}
			r.publishLocked(e, false)
		}
	}
}

// MediaPlayerChanged implements hass.MediaPlayerSink: one live change. When the change
// ends a track of ours, the queue moves on (an HA call made after the lock is released).
func (r *Registry) MediaPlayerChanged(st hass.EntityState, removed bool) {
	r.mu.Lock()
	then := r.changedLocked(st, removed)
	r.mu.Unlock()
	if then != nil {
		if err := then(context.Background()); err != nil {
			r.d.Log.WithError(err).WithField("player", st.EntityID).Warn("players: cannot start the next track")
		}
	}
}

func (r *Registry) changedLocked(st hass.EntityState, removed bool) func(ctx context.Context) error {
	e, known := r.entries[st.EntityID]
	if !known {
		if removed || !candidate(st) {
			return nil
		}
		name, _ := st.Attributes["friendly_name"].(string)
		s := settings{Name: name}
		if err := saveSettings(context.Background(), r.d.DB, st.EntityID, s); err != nil {
			r.d.Log.WithError(err).WithField("player", st.EntityID).Warn("players: cannot remember a new player")
		}
		e = r.addLocked(st.EntityID, s)
		e.state = st
		r.publishLocked(e, true)
		return nil
	}
	if name, _ := st.Attributes["friendly_name"].(string); name != "" && name != e.settings.Name {
		e.settings.Name = name
		if err := saveSettings(context.Background(), r.d.DB, st.EntityID, e.settings); err != nil {
			r.d.Log.WithError(err).WithField("player", st.EntityID).Warn("players: cannot store a player's name")
		}
	}
	e.state = st
	before := e.q
	then := r.followLocked(e, st)
	if then == nil && (before.state != e.q.state || before.url != e.q.url) {
		r.queueChangedLocked(e, false)
	}
	r.publishLocked(e, false)
	return then
}

// playerLocked is the entry as MA's Player; while the queue plays, what it plays is
// the current media (the frontend's now-playing bar reads the player).
func (r *Registry) playerLocked(e *entry) Player {
	contentID, _ := e.state.Attributes["media_content_id"].(string)
	p := fromEntity(e.state, e.settings.Name, e.q.url != "" || isOurs(contentID))
	p.HideInUI = e.settings.HideInUI
	p.DeviceInfo = deviceInfo(e.device)
	if item := e.q.currentItem(); item != nil && *p.ActiveSource == p.PlayerID {
		now := r.d.Clock.Now()
		pos, stamp := e.q.position(now), epoch(now)
		t := item.track
		p.CurrentMedia = &Media{URI: t.URI, MediaType: "track", Title: t.Title, Artist: t.Artist, Album: t.Album,
			ImageURL: r.imageURL(t), Duration: item.Duration, SourceID: p.PlayerID, QueueItemID: item.QueueItemID,
			ElapsedTime: &pos, ElapsedTimeLastUpdated: &stamp}
		if e.q.url != "" {
			p.PlaybackState = e.q.state
			p.ElapsedTime, p.ElapsedTimeLastUpdated = &pos, &stamp
		}
	}
	return p
}

// queueChangedLocked publishes the queue (and its items when they changed) and the
// player, and stores the queue.
func (r *Registry) queueChangedLocked(e *entry, items bool) {
	id := e.state.EntityID
	if err := saveQueue(context.Background(), r.d.DB, id, &e.q, items); err != nil {
		r.d.Log.WithError(err).WithField("player", id).Warn("players: cannot store the queue")
	}
	if r.d.Publish != nil {
		q := r.queueLocked(e)
		if items {
			r.d.Publish(nil, "queue_items_updated", id, q)
		}
		r.d.Publish(nil, "queue_updated", id, q)
	}
	r.publishLocked(e, false)
}

// publishLocked sends player_added (+ queue_added) for a new player, else
// player_updated when the Player changed.
func (r *Registry) publishLocked(e *entry, added bool) {
	p := r.playerLocked(e)
	wire, err := json.Marshal(p)
	if err != nil {
		return
	}
	if !added && string(wire) == string(e.wire) {
		return
	}
	e.wire = wire
	if r.d.Publish == nil {
		return
	}
	if added {
		r.d.Publish(nil, "player_added", p.PlayerID, p)
		r.d.Publish(nil, "queue_added", p.PlayerID, r.queueLocked(e))
		return
	}
	r.d.Publish(nil, "player_updated", p.PlayerID, p)
}

// visible applies the user's player_filter (MA: an empty filter shows every player).
func visible(p *auth.Principal, id string) bool {
	return p == nil || len(p.User.PlayerFilter) == 0 || slices.Contains(p.User.PlayerFilter, id)
}

func (r *Registry) playersFor(p *auth.Principal) []Player {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []Player{}
	for _, id := range r.order {
		if visible(p, id) {
			out = append(out, r.playerLocked(r.entries[id]))
		}
	}
	return out
}

func (r *Registry) queuesFor(p *auth.Principal) []Queue {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []Queue{}
	for _, id := range r.order {
		if visible(p, id) {
			out = append(out, r.queueLocked(r.entries[id]))
		}
	}
	return out
}

// lookupLocked finds a player the principal may see; others do not exist for them.
func (r *Registry) lookupLocked(p *auth.Principal, id string) (*entry, bool) {
	e, ok := r.entries[id]
	if !ok || !visible(p, id) {
		return nil, false
	}
	return e, true
}
