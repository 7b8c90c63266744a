package app

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"segue/internal/clock"
	"segue/internal/config"
	"segue/internal/library"
	"segue/internal/library/media/mediagen"
	"segue/internal/store"

	"github.com/sirupsen/logrus"
)

// demoTracks is the size of the demo library a fresh install outside the add-on
// gets when no music folder is configured.
const demoTracks = 40

// openLibrary opens the music library over the configured folders (or a
// generated demo library); its Run scans in the background: at once, on
// request, every scan interval, and after watched file changes.
func openLibrary(ctx context.Context, cfg config.Config, log *logrus.Logger, clk clock.Clock, rnd io.Reader, db *store.DB) (*library.Library, error) {
	dirs, err := musicDirs(cfg, log)
	if err != nil {
		return nil, err
	}
	return library.Open(ctx, library.Deps{
		DB: db, Clock: clk, Random: rnd, Log: log, Folders: dirs,
		ScanInterval: time.Duration(cfg.ScanIntervalMinutes) * time.Minute,
		Watch:        true,
		CacheDir:     filepath.Join(cfg.DataDir, "cache", "art"),
	})
}

// musicDirs are the configured music folders as absolute paths. Outside the
// add-on, none configured means a small generated demo library in the data
// directory, so a first run shows something playable.
func musicDirs(cfg config.Config, log *logrus.Logger) ([]string, error) {
	if len(cfg.MusicDirs) > 0 || cfg.AddonMode {
		out := make([]string, 0, len(cfg.MusicDirs))
		for _, d := range cfg.MusicDirs {
			abs, err := filepath.Abs(d)
			if err != nil {
				return nil, err
			}
			out = append(out, abs)
		}
		return out, nil
	}
	demo, err := filepath.Abs(filepath.Join(cfg.DataDir, "demo-music"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(demo); errors.Is(err, fs.ErrNotExist) {
		tmp := demo + ".partial"
		_ = os.RemoveAll(tmp)
		if _, err := mediagen.Generate(tmp, mediagen.Options{Tracks: demoTracks, Seed: 1}); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, demo); err != nil {
			return nil, err
		}
	}
	log.WithField("folder", demo).Info("no music folder configured (--music-dirs): serving a generated demo library")
	return []string{demo}, nil
}
