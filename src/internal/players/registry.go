package players

import (
	"context"
	"encoding/json"
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
}

// Registry holds the known players and their queues. Home Assistant's media players
// arrive through the hass.MediaPlayerSink methods.
type Registry struct {
	d Deps

	mu      sync.Mutex
	entries map[string]*entry
	order   []string // player ids in the order first seen
}

// entry is one player: what HA last said about it and what Segue keeps.
type entry struct {
	state    hass.EntityState // State "unavailable" until HA reports it
	settings settings
	wire     []byte // the last Player sent, to skip events that change nothing
	queue    Queue
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
	r := &Registry{d: d, entries: map[string]*entry{}}
	for id, s := range known {
		r.addLocked(id, s)
	}
	return r, nil
}

func (r *Registry) addLocked(id string, s settings) *entry {
	e := &entry{state: hass.EntityState{EntityID: id, State: "unavailable"}, settings: s, queue: newQueue(id, s.Name)}
	r.entries[id] = e
	r.order = append(r.order, id)
	slices.Sort(r.order)
	return e
}

// MediaPlayers implements hass.MediaPlayerSink: the full list after a (re)connect.
// Known players missing from it show as unavailable.
func (r *Registry) MediaPlayers(states []hass.EntityState) {
	seen := map[string]bool{}
	for _, st := range states {
		seen[st.EntityID] = true
		r.MediaPlayerChanged(st, false)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range r.order {
		if e := r.entries[id]; !seen[id] && e.state.State != "unavailable" {
			e.state = hass.EntityState{EntityID: id, State: "unavailable"}
			r.publishLocked(e, false)
		}
	}
}

// MediaPlayerChanged implements hass.MediaPlayerSink: one live change.
func (r *Registry) MediaPlayerChanged(st hass.EntityState, removed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, known := r.entries[st.EntityID]
	if !known {
		if removed || !candidate(st) {
			return
		}
		name, _ := st.Attributes["friendly_name"].(string)
		s := settings{Name: name}
		if err := saveSettings(context.Background(), r.d.DB, st.EntityID, s); err != nil {
			r.d.Log.WithError(err).WithField("player", st.EntityID).Warn("players: cannot remember a new player")
		}
		e = r.addLocked(st.EntityID, s)
		e.state = st
		r.publishLocked(e, true)
		return
	}
	if name, _ := st.Attributes["friendly_name"].(string); name != "" && name != e.settings.Name {
		e.settings.Name = name
		if err := saveSettings(context.Background(), r.d.DB, st.EntityID, e.settings); err != nil {
			r.d.Log.WithError(err).WithField("player", st.EntityID).Warn("players: cannot store a player's name")
		}
	}
	e.state = st
	r.publishLocked(e, false)
}

// playerLocked is the entry as MA's Player.
func (r *Registry) playerLocked(e *entry) Player {
	p := fromEntity(e.state, e.settings.Name, false)
	p.HideInUI = e.settings.HideInUI
	return p
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
