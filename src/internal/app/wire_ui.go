package app

import (
	"context"
	"net/http"

	"segue/internal/web"
	"segue/internal/webui"
)

// wireUI serves the embedded web UI: the page at GET / (after setup) and its
// assets under /ui/ on both listeners.
func (a *App) wireUI(ctx context.Context, w *wiring) error {
	ui, err := webui.New()
	if err != nil {
		return err
	}
	w.Home = ui.Home()
	w.Mounts = append(w.Mounts, func(mux *http.ServeMux, _ web.Listener) { ui.Register(mux) })
	return nil
}
