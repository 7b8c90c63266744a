package app

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"segue/internal/music"
	"segue/internal/secrets"
	"segue/internal/web"
)

// wireMusic adds the Music Assistant face of the library: MA's core-state and
// library commands, /imageproxy on both listeners (and so through the remote
// http_proxy channel, which replays against the public handler), and library
// changes as MA events.
func (a *App) wireMusic(ctx context.Context, w *wiring) error {
	key, err := secrets.LoadOrCreateKey(filepath.Join(a.Cfg.DataDir, "imageproxy.key"), 32, a.rnd)
	if err != nil {
		return err
	}
	lib := a.Library
	m := music.New(music.Deps{
		Library: lib, Users: a.Users, PublishTo: a.API.PublishTo, ImageKey: key, Clock: a.Clock, Log: a.Log,
		Covers: func(ctx context.Context, coverID int64, size int) (io.ReadSeekCloser, string, time.Time, error) {
			p, err := lib.Cover(ctx, coverID, size)
			if err != nil {
				return nil, "", time.Time{}, err
			}
			return p.ReadSeekCloser, p.ContentType, p.ModTime, nil
		},
	})
	a.Registry.Register(m.Commands()...)
	w.Mounts = append(w.Mounts, func(mux *http.ServeMux, _ web.Listener) { m.Mount(mux) })
	a.onRun = append(a.onRun, m.Run)
	return nil
}
