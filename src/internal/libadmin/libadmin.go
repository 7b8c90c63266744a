// Package libadmin is the admins' window on the music library: the commands
// behind the web UI's Library page (folders, scan progress, totals, failed
// files, Rescan) and scan progress as events.
package libadmin

import (
	"context"
	"sync"
	"time"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/feature"
	"segue/internal/library"
)

// EventScanProgress carries a Scan value each time the scanner moves on.
const EventScanProgress = "library_scan_progress"

// progressEvery bounds how often progress events go out while a scan runs.
const progressEvery = 500 * time.Millisecond

// maxFailures is how many failed files the page lists.
const maxFailures = 200

// Library is what the page reads.
type Library interface {
	Folders(v library.Viewer) []library.Folder
	Counts(ctx context.Context, v library.Viewer) (library.Counts, error)
	Failures(ctx context.Context, page library.Page) ([]library.FileFailure, error)
	Status() library.ScanStatus
	StartScan() bool
	Subscribe(fn func(library.Event)) (cancel func())
}

// Folder is a music folder as the page shows it.
type Folder struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Path       string `json:"path"`
	Online     bool   `json:"online"`
	Problem    string `json:"problem"`
	TrackCount int    `json:"track_count"`
	LastScan   string `json:"last_scan,omitempty"`
}

// Scan is the scanner's progress.
type Scan struct {
	Scanning      bool   `json:"scanning"`
	FilesSeen     int    `json:"files_seen"`
	FilesTotal    int    `json:"files_total"`
	CurrentFolder string `json:"current_folder"`
	Started       string `json:"started,omitempty"`
	Finished      string `json:"finished,omitempty"`
	Added         int    `json:"added"`
	Updated       int    `json:"updated"`
	Removed       int    `json:"removed"`
	Failed        int    `json:"failed"`
	LastError     string `json:"last_error,omitempty"`
}

// Counts are the library totals.
type Counts struct {
	Artists int `json:"artists"`
	Albums  int `json:"albums"`
	Tracks  int `json:"tracks"`
	Genres  int `json:"genres"`
}

// Failure is a file the scanner could not read.
type Failure struct {
	FolderID int64  `json:"folder_id"`
	Path     string `json:"path"`
	Reason   string `json:"reason"`
	At       string `json:"at,omitempty"`
}

// Status is library/status' answer.
type Status struct {
	Folders  []Folder  `json:"folders"`
	Scan     Scan      `json:"scan"`
	Counts   Counts    `json:"counts"`
	Failures []Failure `json:"failures"`
}

// Deps are what the module needs.
type Deps struct {
	Library Library
	// Publish sends an event to the sessions to accepts (api.Server.PublishTo).
	Publish func(to func(*auth.Principal) bool, event, objectID string, data any)
	Clock   clock.Clock
}

// page answers the commands and forwards scan progress.
type page struct {
	d Deps

	mu       sync.Mutex
	lastSent time.Time
	wasScan  bool
}

// New is the library page's module: library/status and library/scan (admins)
// and scan progress as events, forwarded from now until its background work
// ends (subscribing here, not in the background work, misses no event of the
// first scan).
func New(d Deps) feature.Module {
	m := &page{d: d}
	stopForwarding := d.Library.Subscribe(m.onEvent)
	return feature.Module{Name: "libadmin",
		Commands: []api.Command{
			{Name: "library/status", Scope: auth.ScopeLibraryManage,
				Description: "Music folders (online or offline), scan progress, library totals and the files that could not be read.",
				Handler:     func(ctx context.Context, _ *api.Call) (any, error) { return m.status(ctx) }},
			{Name: "library/scan", Scope: auth.ScopeLibraryManage,
				Description: "Start a full scan of the music folders (no-op while one runs); returns the scan progress.",
				Handler: func(ctx context.Context, _ *api.Call) (any, error) {
					m.d.Library.StartScan()
					s := scanOf(m.d.Library.Status())
					s.Scanning = true
					return s, nil
				}},
		},
		Background: []func(context.Context) error{func(ctx context.Context) error {
			<-ctx.Done()
			stopForwarding()
			return nil
		}},
	}
}

func (m *page) onEvent(e library.Event) {
	if e.Scan == nil {
		return
	}
	now := m.d.Clock.Now()
	m.mu.Lock()
	changed := e.Scan.Scanning != m.wasScan
	due := now.Sub(m.lastSent) >= progressEvery
	if changed || due {
		m.lastSent, m.wasScan = now, e.Scan.Scanning
	}
	m.mu.Unlock()
	if changed || due {
		m.d.Publish(canManage, EventScanProgress, "", scanOf(*e.Scan))
	}
}

func canManage(p *auth.Principal) bool { return p.Can(auth.ScopeLibraryManage) }

func (m *page) status(ctx context.Context) (Status, error) {
	all := library.Viewer{} // admins see every folder
	out := Status{Folders: []Folder{}, Failures: []Failure{}, Scan: scanOf(m.d.Library.Status())}
	for _, f := range m.d.Library.Folders(all) {
		out.Folders = append(out.Folders, Folder{ID: f.ID, Name: f.Name, Path: f.Path, Online: f.Online, Problem: f.Problem,
			TrackCount: f.TrackCount, LastScan: stamp(f.LastScan)})
	}
	c, err := m.d.Library.Counts(ctx, all)
	if err != nil {
		return out, err
	}
	out.Counts = Counts{Artists: c.Artists, Albums: c.Albums, Tracks: c.Tracks, Genres: c.Genres}
	fs, err := m.d.Library.Failures(ctx, library.Page{Limit: maxFailures})
	if err != nil {
		return out, err
	}
	for _, f := range fs {
		out.Failures = append(out.Failures, Failure{FolderID: f.FolderID, Path: f.Path, Reason: f.Reason, At: stamp(f.At)})
	}
	return out, nil
}

func scanOf(s library.ScanStatus) Scan {
	return Scan{Scanning: s.Scanning, FilesSeen: s.FilesSeen, FilesTotal: s.FilesTotal, CurrentFolder: s.CurrentFolder,
		Started: stamp(s.Started), Finished: stamp(s.Finished), Added: s.Added, Updated: s.Updated, Removed: s.Removed,
		Failed: s.Failed, LastError: s.LastError}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
