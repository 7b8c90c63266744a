package app

import "context"

// wireRemote wires this feature into the server (see wiring for what it may add).
func (a *App) wireRemote(ctx context.Context, w *wiring) error {
	return nil
}
