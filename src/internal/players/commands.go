package players

import (
	"context"
	"slices"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/text"
)

func handle[A any](fn func(ctx context.Context, p *auth.Principal, a A) (any, error)) api.Handler {
	return func(ctx context.Context, c *api.Call) (any, error) {
		var a A
		if err := api.DecodeLenientArgs(c, &a); err != nil {
			return nil, err
		}
		return fn(ctx, c.Principal, a)
	}
}

type playerArgs struct {
	PlayerID string `json:"player_id"`
}

type queueArgs struct {
	QueueID string `json:"queue_id"`
}

type savePlayerArgs struct {
	PlayerID string `json:"player_id"`
	Values   struct {
		HideInUI       *bool   `json:"hide_in_ui"`
		HidePlayerInUI *bool   `json:"hide_player_in_ui"` // MA's older key
		OutputFormat   *string `json:"output_format"`
	} `json:"values"`
}

// errNoPlayer is what a player the caller may not see looks like: it does not exist.
func errNoPlayer(id string) error { return fail.NotFound("Player %s not found", text.Truncate(id, 80)) }

// Commands are MA's player and queue commands. Every one that names a player checks
// the caller's player_filter: a filtered player is "not found".
func (r *Registry) Commands() []api.Command {
	return slices.Concat(r.readCommands(), r.configCommands(), r.queueCommands(), r.playerCommands())
}

func (r *Registry) readCommands() []api.Command {
	return []api.Command{
		{Name: "players/all", Scope: auth.ScopePlayersRead, Description: "All players the user may see (Home Assistant media players).",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return r.playersFor(c.Principal), nil }},
		{Name: "player_queues/all", Scope: auth.ScopeQueuesRead, Description: "The queues of the players the user may see.",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return r.queuesFor(c.Principal), nil }},
		{Name: "players/get", Scope: auth.ScopePlayersRead, Description: "One player.", Args: playerArgs{},
			Handler: handle(func(ctx context.Context, p *auth.Principal, a playerArgs) (any, error) {
				r.mu.Lock()
				defer r.mu.Unlock()
				e, ok := r.lookupLocked(p, a.PlayerID)
				if !ok {
					return nil, errNoPlayer(a.PlayerID)
				}
				return r.playerLocked(e), nil
			})},
		{Name: "player_queues/get", Scope: auth.ScopeQueuesRead, Description: "One queue.", Args: queueArgs{},
			Handler: handle(func(ctx context.Context, p *auth.Principal, a queueArgs) (any, error) {
				r.mu.Lock()
				defer r.mu.Unlock()
				e, ok := r.lookupLocked(p, a.QueueID)
				if !ok {
					return nil, errNoPlayer(a.QueueID)
				}
				return r.queueLocked(e), nil
			})},
	}
}
