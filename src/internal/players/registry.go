package players

import (
	"context"
	"slices"
	"sync"

	"segue/internal/api"
	"segue/internal/auth"
)

// Registry holds the known players and their queues. Sources of players (Home
// Assistant media players, the in-browser player) add entries in later steps.
type Registry struct {
	mu      sync.RWMutex
	players []Player
	queues  []Queue
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// visible applies the user's player_filter (MA: an empty filter shows every player).
func visible(p *auth.Principal, id string) bool {
	return p == nil || len(p.User.PlayerFilter) == 0 || slices.Contains(p.User.PlayerFilter, id)
}

func (r *Registry) playersFor(p *auth.Principal) []Player {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := []Player{}
	for _, pl := range r.players {
		if visible(p, pl.PlayerID) {
			out = append(out, pl)
		}
	}
	return out
}

func (r *Registry) queuesFor(p *auth.Principal) []Queue {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := []Queue{}
	for _, q := range r.queues {
		if visible(p, q.QueueID) {
			out = append(out, q)
		}
	}
	return out
}

// Commands are the registry's read commands; MA's players/all arguments
// (return_unavailable, return_disabled, provider_filter, return_protocol_players)
// change nothing while the registry is empty and are ignored.
func (r *Registry) Commands() []api.Command {
	return []api.Command{
		{Name: "players/all", Scope: auth.ScopePlayersRead, Description: "All players the user may see (none yet: Segue has no players).",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return r.playersFor(c.Principal), nil }},
		{Name: "player_queues/all", Scope: auth.ScopeQueuesRead, Description: "The players' queues (none yet).",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return r.queuesFor(c.Principal), nil }},
	}
}
