package music

import (
	"sync"
	"time"

	"segue/internal/clock"
	"segue/internal/library"
)

// backgroundTask is MA's BackgroundTask (models background_task.py).
type backgroundTask struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	TranslationArgs []string       `json:"translation_args"`
	Logs            []string       `json:"logs"`
	Schedule        any            `json:"schedule"`
	LastRun         *string        `json:"last_run"`
	NextRun         *string        `json:"next_run"`
	UserID          *string        `json:"user_id"`
	LastRunUserID   *string        `json:"last_run_user_id"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
	StartedAt       *string        `json:"started_at"`
	FinishedAt      *string        `json:"finished_at"`
	LastError       *string        `json:"last_error"`
	FailureCount    int            `json:"failure_count"`
	FailureMessages []string       `json:"failure_messages"`
	Metadata        map[string]any `json:"metadata"`
	Progress        *int           `json:"progress"`
	ProgressText    *string        `json:"progress_text"`
	AllowRetry      bool           `json:"allow_retry"`
	AllowCancel     bool           `json:"allow_cancel"`
}

// syncMediaTypes get one music_sync task each, as MA makes one per provider and
// media type: the frontend refreshes a library page when its type's task ends.
var syncMediaTypes = []string{"artist", "album", "track"}

// syncTasks mirrors the scanner's progress as MA sync tasks.
type syncTasks struct {
	clock clock.Clock
	mu    sync.Mutex
	last  *library.ScanStatus
	seen  time.Time // when the current/last scan was first seen
}

func newSyncTasks(c clock.Clock) *syncTasks { return &syncTasks{clock: c} }

// update records a scan status; it reports whether the tasks' state changed
// enough to tell clients (start, end, or a new whole percent).
func (s *syncTasks) update(st library.ScanStatus) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.last
	s.last = &st
	if prev == nil || prev.Scanning != st.Scanning {
		s.seen = s.clock.Now()
		return true
	}
	return st.Scanning && percent(*prev) != percent(st)
}

func percent(st library.ScanStatus) int {
	if st.FilesTotal <= 0 {
		return 0
	}
	return min(100, st.FilesSeen*100/st.FilesTotal)
}

func isoString(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *syncTasks) list() []backgroundTask {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []backgroundTask{}
	st := s.last
	if st == nil {
		return out
	}
	status := "running"
	var lastErr *string
	switch {
	case st.Scanning:
	case st.LastError != "":
		status, lastErr = "failed", &st.LastError
	case st.Failed > 0:
		status = "partial_success"
	default:
		status = "success"
	}
	started := st.Started
	if started.IsZero() {
		started = s.seen
	}
	startedStr, now := isoString(started), isoString(s.clock.Now())
	var finished *string
	if !st.Scanning {
		f := st.Finished
		if f.IsZero() {
			f = s.seen
		}
		fs := isoString(f)
		finished = &fs
	}
	p := percent(*st)
	if !st.Scanning {
		p = 100
	}
	for _, mt := range syncMediaTypes {
		out = append(out, backgroundTask{ID: "music_sync_" + mt, Name: "Sync " + mt + "s from the music folders", Status: status,
			TranslationArgs: []string{}, Logs: []string{}, CreatedAt: startedStr, UpdatedAt: now, StartedAt: &startedStr,
			FinishedAt: finished, LastError: lastErr, FailureMessages: []string{}, Progress: &p,
			Metadata: map[string]any{"task_domain": "music_sync", "media_type": mt, "provider": library.ProviderDomain}})
	}
	return out
}

func (s *syncTasks) scanning() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last != nil && s.last.Scanning
}
