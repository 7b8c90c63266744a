package app

import "context"

// wireUI wires this feature into the server (see wiring for what it may add).
func (a *App) wireUI(ctx context.Context, w *wiring) error {
	return nil
}
