package app

import (
	"context"

	"segue/internal/players"
)

// wirePlayers adds the player registry (empty until players are added) and its
// players/all and player_queues/all commands, which the MA apps await at start-up.
func (a *App) wirePlayers(ctx context.Context, w *wiring) error {
	a.Registry.Register(players.NewRegistry().Commands()...)
	return nil
}
