package library

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ProviderDomain is the MA provider domain of every music folder.
const ProviderDomain = "filesystem_local"

// Deps are what the library needs.
type Deps struct {
	DB     *store.DB
	Clock  clock.Clock
	Random io.Reader // seeds random orders
	Log    *logrus.Logger
	// Folders are the configured music folders (absolute paths).
	Folders []string
	// ScanInterval repeats a full scan; 0 scans only at start, on request and on
	// watched changes.
	ScanInterval time.Duration
	// Watch follows changes with file-system notifications where they work.
	Watch bool
	// CacheDir holds thumbnails (<data>/cache/art), at most CacheBytes of them
	// (DefaultCacheBytes when 0). Empty: covers are served at their own size.
	CacheDir   string
	CacheBytes int64
}

// DefaultCacheBytes bounds the thumbnail cache.
const DefaultCacheBytes = 256 << 20

// Library is the music library.
type Library struct {
	db    *store.DB
	clock clock.Clock
	rnd   io.Reader
	log   *logrus.Logger

	mu      sync.RWMutex
	folders []Folder // every known folder, configured or not, by id

	nowPlaying nowPlayingSet
	subs       subscribers
	scan       scanState
	scanning   sync.Mutex // one scan at a time
	// trigger asks the scan loop for a full scan; scanInterval repeats one.
	trigger      chan struct{}
	scanInterval time.Duration
	watch        bool
	watcher      atomic.Pointer[watcher] // set by Run; a Scan from elsewhere may read it
	thumbs       *thumbCache
}

// Open migrates the library schema and registers the configured folders. It
// neither scans nor reads the folders yet.
func Open(ctx context.Context, d Deps) (*Library, error) {
	ms, err := store.LoadMigrations(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	if err := d.DB.MigrateComponent(ctx, "library", ms); err != nil {
		if strings.Contains(err.Error(), "no such module: fts5") {
			return nil, fmt.Errorf("library: this binary was built without SQLite FTS5; build with -tags sqlite_fts5: %w", err)
		}
		return nil, err
	}
	l := &Library{db: d.DB, clock: d.Clock, rnd: d.Random, log: d.Log, trigger: make(chan struct{}, 1),
		scanInterval: d.ScanInterval, watch: d.Watch}
	if l.clock == nil {
		l.clock = clock.Real{}
	}
	if d.CacheDir != "" {
		limit := d.CacheBytes
		if limit <= 0 {
			limit = DefaultCacheBytes
		}
		l.thumbs = newThumbCache(d.CacheDir, limit, l.clock.Now)
	}
	if err := l.registerFolders(ctx, d.Folders); err != nil {
		return nil, err
	}
	return l, nil
}

// registerFolders adds configured folders and marks the others as no longer
// configured (their tracks stay, unavailable, with everyone's data).
func (l *Library) registerFolders(ctx context.Context, paths []string) error {
	err := l.db.Tx(ctx, func(tx dbtx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE lib_folders SET configured = 0"); err != nil {
			return err
		}
		for _, p := range paths {
			p = filepath.Clean(p)
			name := filepath.Base(p)
			if _, err := tx.ExecContext(ctx, `INSERT INTO lib_folders(path, name, configured) VALUES(?, ?, 1)
				ON CONFLICT(path) DO UPDATE SET configured = 1`, p, name); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "UPDATE lib_folders SET online = 0, problem = 'not configured' WHERE configured = 0")
		return err
	})
	if err != nil {
		return fmt.Errorf("library: register music folders: %w", err)
	}
	return l.reloadFolders(ctx)
}

func (l *Library) reloadFolders(ctx context.Context) error {
	rows, err := l.db.R.QueryContext(ctx, `SELECT f.id, f.path, f.name, f.configured, f.online, f.problem, f.last_scan_at,
		(SELECT count(*) FROM lib_tracks t WHERE t.folder_id = f.id) FROM lib_folders f ORDER BY f.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var out []Folder
	for rows.Next() {
		var f Folder
		var last int64
		if err := rows.Scan(&f.ID, &f.Path, &f.Name, &f.Configured, &f.Online, &f.Problem, &last, &f.TrackCount); err != nil {
			return err
		}
		f.LastScan = fromMillis(last)
		f.ProviderInstance = providerInstance(f.Path)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	l.folders = out
	l.mu.Unlock()
	return nil
}

// providerInstance is a stable MA provider instance id for a folder path.
func providerInstance(path string) string {
	sum := sha256.Sum256([]byte(path))
	return ProviderDomain + "--" + hex.EncodeToString(sum[:4])
}

// Folders lists the music folders the viewer may see (configured ones, online or not).
func (l *Library) Folders(v Viewer) []Folder {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []Folder
	for _, f := range l.folders {
		if f.Configured && v.allows(f.ID) {
			out = append(out, f)
		}
	}
	return out
}

// AllFolders lists every folder the library knows, including ones no longer
// configured whose tracks are kept (the admin's view).
func (l *Library) AllFolders() []Folder {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Clone(l.folders)
}

// Viewer builds the viewer for a user. providerFilter is the user's MA
// provider_filter (provider instance ids); empty means every folder. A non-empty
// filter naming no music folder lets the user see nothing.
func (l *Library) Viewer(userID string, providerFilter []string) Viewer {
	v := Viewer{UserID: userID}
	if len(providerFilter) == 0 {
		return v
	}
	v.Folders = []int64{}
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, f := range l.folders {
		if slices.Contains(providerFilter, f.ProviderInstance) {
			v.Folders = append(v.Folders, f.ID)
		}
	}
	return v
}

// FolderByProvider finds the folder of an MA provider instance id.
func (l *Library) FolderByProvider(instance string) (Folder, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, f := range l.folders {
		if f.ProviderInstance == instance {
			return f, true
		}
	}
	return Folder{}, false
}

func (v Viewer) allows(folderID int64) bool {
	return v.Folders == nil || slices.Contains(v.Folders, folderID)
}

// scope is the set of folder ids a query reads: the viewer's folders, narrowed
// to the requested ones, and to online folders unless offline ones are wanted.
func (l *Library) scope(v Viewer, requested []int64, includeOffline bool) []int64 {
	out, _ := l.scopeAll(v, requested, includeOffline)
	return out
}

// scopeAll is scope, and whether it holds every folder the library has (so a
// query needs no folder filter at all).
func (l *Library) scopeAll(v Viewer, requested []int64, includeOffline bool) (out []int64, all bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out = []int64{}
	for _, f := range l.folders {
		if !v.allows(f.ID) || (requested != nil && !slices.Contains(requested, f.ID)) {
			continue
		}
		if !includeOffline && !f.Online {
			continue
		}
		out = append(out, f.ID)
	}
	return out, len(out) == len(l.folders)
}

func (l *Library) online(folderID int64) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, f := range l.folders {
		if f.ID == folderID {
			return f.Online
		}
	}
	return false
}

// randomSeed varies random orders between calls.
func (l *Library) randomSeed() int64 {
	var b [4]byte
	if l.rnd != nil {
		if _, err := io.ReadFull(l.rnd, b[:]); err != nil {
			return 1
		}
	}
	return int64(binary.LittleEndian.Uint32(b[:]))
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func dbErr(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*fail.Error); ok {
		return err
	}
	return fail.Unavailable(err)
}
