package music

import (
	"context"

	"segue/internal/api"
	"segue/internal/auth"
)

type dashboardsArgs struct {
	Dashboard string `json:"dashboard"`
}

// dashboardCommands answer MA's dashboards (its now-playing, party and quiz
// pages cast to a screen) with none: Segue casts no dashboards. The fullscreen
// player asks for both on opening and toasts an unknown command; with an empty
// list it hides its cast button.
func (m *Module) dashboardCommands() []api.Command {
	none := func(ctx context.Context, c *api.Call) (any, error) { return []any{}, nil }
	return []api.Command{
		{Name: "dashboard/sessions", Scope: auth.ScopePlayersRead, Description: "Dashboards being shown (none: Segue casts no dashboards).", Handler: none},
		{Name: "dashboard/dashboards", Scope: auth.ScopePlayersRead, Description: "Screens a dashboard can be cast to (none).",
			Args: dashboardsArgs{}, Handler: none},
	}
}
