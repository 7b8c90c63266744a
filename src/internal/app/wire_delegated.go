package app

import "context"

// wireDelegated wires this feature into the server (see wiring for what it may add).
func (a *App) wireDelegated(ctx context.Context, w *wiring) error {
	return nil
}
