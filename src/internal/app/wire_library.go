package app

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"segue/internal/library"
	"segue/internal/library/media/mediagen"
)

// demoTracks is the size of the demo library a fresh install outside the add-on
// gets when no music folder is configured.
const demoTracks = 40

// wireLibrary opens the music library over the configured folders (or a
// generated demo library) and scans it in the background: at once, on request,
// every scan interval, and after watched file changes.
func (a *App) wireLibrary(ctx context.Context, w *wiring) error {
	dirs, err := a.musicDirs()
	if err != nil {
		return err
	}
	lib, err := library.Open(ctx, library.Deps{
		DB: a.DB, Clock: a.Clock, Random: a.rnd, Log: a.Log, Folders: dirs,
		ScanInterval: time.Duration(a.Cfg.ScanIntervalMinutes) * time.Minute,
		Watch:        true,
		CacheDir:     filepath.Join(a.Cfg.DataDir, "cache", "art"),
	})
	if err != nil {
		return err
	}
	a.Library = lib
	a.onRun = append(a.onRun, func(ctx context.Context) { _ = lib.Run(ctx) })
	return nil
}

// musicDirs are the configured music folders as absolute paths. Outside the
// add-on, none configured means a small generated demo library in the data
// directory, so a first run shows something playable.
func (a *App) musicDirs() ([]string, error) {
	if len(a.Cfg.MusicDirs) > 0 || a.Cfg.AddonMode {
		out := make([]string, 0, len(a.Cfg.MusicDirs))
		for _, d := range a.Cfg.MusicDirs {
			abs, err := filepath.Abs(d)
			if err != nil {
				return nil, err
			}
			out = append(out, abs)
		}
		return out, nil
	}
	demo, err := filepath.Abs(filepath.Join(a.Cfg.DataDir, "demo-music"))
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
	a.Log.WithField("folder", demo).Info("no music folder configured (--music-dirs): serving a generated demo library")
	return []string{demo}, nil
}
