package app

import "context"

// wireHass wires this feature into the server (see wiring for what it may add).
func (a *App) wireHass(ctx context.Context, w *wiring) error {
	return nil
}
