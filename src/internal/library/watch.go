package library

import (
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/sirupsen/logrus"

	"segue/internal/clock"
)

// maxWatches bounds the directories watched (each costs a kernel watch); past
// it, changes are found by the interval and StartScan.
const maxWatches = 8192

// watcher turns file-system events into one signal once they have settled.
type watcher struct {
	fs      *fsnotify.Watcher
	log     *logrus.Logger
	clock   clock.Clock
	settled chan struct{}
	done    chan struct{}

	mu      sync.Mutex
	watched map[string]bool
	full    bool
}

func newWatcher(log *logrus.Logger, clk clock.Clock) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fs: fw, log: log, clock: clk, settled: make(chan struct{}, 1), done: make(chan struct{}), watched: map[string]bool{}}
	go w.loop()
	return w, nil
}

func (w *watcher) close() {
	close(w.done)
	w.fs.Close()
}

func (w *watcher) loop() {
	var timer clock.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-w.done:
			if timer != nil {
				timer.Stop()
			}
			return
		case _, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if timer == nil {
				timer = w.clock.NewTimer(watchDebounce)
			} else {
				timer.Reset(watchDebounce)
			}
			fire = timer.C()
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if w.log != nil {
				w.log.WithError(err).Debug("library: file-system watch error")
			}
		case <-fire:
			fire = nil
			select {
			case w.settled <- struct{}{}:
			default:
			}
		}
	}
}

// add watches a directory once.
func (w *watcher) add(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[dir] || w.full {
		return
	}
	if len(w.watched) >= maxWatches {
		w.full = true
		return
	}
	if err := w.fs.Add(dir); err != nil {
		w.full = true // out of inotify watches: stop trying
		if w.log != nil {
			w.log.WithError(err).Warn("library: cannot watch more directories; later changes are found by rescans")
		}
		return
	}
	w.watched[dir] = true
}

// watchDir returns what the walk calls for each directory it reads, or nil.
func (l *Library) watchDir(f Folder) func(rel string) {
	w := l.watcher.Load()
	if w == nil {
		return nil
	}
	return func(rel string) { w.add(filepath.Join(f.Path, filepath.FromSlash(rel))) }
}
