package app

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/config"
	"segue/internal/feature"
	"segue/internal/library"
	"segue/internal/music"
	"segue/internal/secrets"
)

// musicModule is the Music Assistant face of the library: MA's core-state and
// library commands, /imageproxy on both listeners (and so through the remote
// http_proxy channel, which replays against the public handler), and library
// changes as MA events.
func musicModule(cfg config.Config, rnd io.Reader, lib *library.Library, users *auth.Users, apiSrv *api.Server,
	clk clock.Clock, log *logrus.Logger) (feature.Module, error) {
	key, err := secrets.LoadOrCreateKey(filepath.Join(cfg.DataDir, "imageproxy.key"), 32, rnd)
	if err != nil {
		return feature.Module{}, err
	}
	m := music.New(music.Deps{
		Library: lib, Users: users, PublishTo: apiSrv.PublishTo, ImageKey: key, Clock: clk, Log: log,
		Covers: func(ctx context.Context, coverID int64, size int) (io.ReadSeekCloser, string, time.Time, error) {
			p, err := lib.Cover(ctx, coverID, size)
			if err != nil {
				return nil, "", time.Time{}, err
			}
			return p.ReadSeekCloser, p.ContentType, p.ModTime, nil
		},
	})
	images := http.NewServeMux()
	m.Mount(images)
	return feature.Module{Name: "music", Commands: m.Commands(),
		Routes:     []feature.Route{{Pattern: "GET /imageproxy/{id}", Handler: images}, {Pattern: "GET /imageproxy", Handler: images}},
		Background: []func(context.Context) error{func(ctx context.Context) error { m.Run(ctx); return nil }},
	}, nil
}
