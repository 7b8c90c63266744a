package app

import "context"

// wireSubsonic wires this feature into the server (see wiring for what it may add).
func (a *App) wireSubsonic(ctx context.Context, w *wiring) error {
	return nil
}
