package music

import (
	"context"
	"strings"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/text"
)

type coreValueArgs struct {
	Domain string `json:"domain"`
	Key    string `json:"key"`
}

// coreValue answers the settings the frontend reads while browsing. Clicking an
// item opens its page (there are no players to play on yet); the enqueue defaults
// are MA's own (player_queues/config.py).
func coreValue(a coreValueArgs) (any, error) {
	if a.Domain == "player_queues" {
		switch {
		case strings.HasPrefix(a.Key, "default_click_action_"):
			return "open", nil
		case a.Key == "default_enqueue_option_track":
			return "play", nil
		case strings.HasPrefix(a.Key, "default_enqueue_option_"):
			return "replace", nil
		}
	}
	return nil, fail.Invalid("Unknown setting %s/%s", text.Truncate(a.Domain, 40), text.Truncate(a.Key, 60))
}

func (m *Module) coreCommands() []api.Command {
	empty := func(ctx context.Context, c *api.Call) (any, error) { return []any{}, nil }
	return []api.Command{
		{Name: "players/tts_engines", Scope: auth.ScopePlayersControl, Description: "Text-to-speech engines for announcements (none).", Handler: empty},
		{Name: "config/core/get_value", Scope: auth.ScopeConfigCoreRead, Description: "One core setting (the queue click and enqueue defaults).",
			Args: coreValueArgs{},
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				var a coreValueArgs
				if err := api.DecodeLenientArgs(c, &a); err != nil {
					return nil, err
				}
				return coreValue(a)
			}},
		{Name: "tasks/list", Scope: auth.ScopeSystemRead, Description: "Background tasks: the library scan while it runs.",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return m.tasks.list(), nil }},
	}
}
