package app

import "context"

// wireDeviceLogin wires this feature into the server (see wiring for what it may add).
func (a *App) wireDeviceLogin(ctx context.Context, w *wiring) error {
	return nil
}
