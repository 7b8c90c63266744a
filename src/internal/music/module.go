package music

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/feature"
	"segue/internal/library"
)

// CoverFunc opens a cover at a size (0 = original); fail.KindNotFound if unknown.
type CoverFunc func(ctx context.Context, coverID int64, size int) (io.ReadSeekCloser, string, time.Time, error)

// Deps are what the MA music commands need.
type Deps struct {
	Library *library.Library
	// Users lists accounts, so per-user item events carry each user's favourites.
	Users *auth.Users
	// PublishTo sends an event to the sessions whose principal passes the filter.
	PublishTo func(to func(*auth.Principal) bool, event, objectID string, data any)
	// Covers serves artwork; nil serves the library's own covers.
	Covers CoverFunc
	// ImageKey keys the /imageproxy ids (≥ 32 secret bytes).
	ImageKey []byte
	Clock    clock.Clock
	Log      *logrus.Logger
}

// Module is the MA music face of the library.
type Module struct {
	lib     *library.Library
	users   *auth.Users
	publish func(to func(*auth.Principal) bool, event, objectID string, data any)
	covers  CoverFunc
	images  *imageKeys
	clock   clock.Clock
	log     *logrus.Logger
	tasks   *syncTasks
}

// New builds the module; Run starts its event relay.
func New(d Deps) *Module {
	m := &Module{lib: d.Library, users: d.Users, publish: d.PublishTo, covers: d.Covers, images: &imageKeys{key: d.ImageKey},
		clock: d.Clock, log: d.Log}
	if m.clock == nil {
		m.clock = clock.Real{}
	}
	if m.covers == nil {
		m.covers = libraryCovers(d.Library)
	}
	m.tasks = newSyncTasks(m.clock)
	return m
}

// libraryCovers opens the library's artwork.
func libraryCovers(lib *library.Library) CoverFunc {
	return func(ctx context.Context, coverID int64, size int) (io.ReadSeekCloser, string, time.Time, error) {
		p, err := lib.Cover(ctx, coverID, size)
		if err != nil {
			return nil, "", time.Time{}, err
		}
		return p.ReadSeekCloser, p.ContentType, p.ModTime, nil
	}
}

// Module is what the MA music face adds to the server: MA's core-state and
// library commands, /imageproxy on both listeners (and so through the remote
// http_proxy channel, which replays against the public handler), and library
// changes relayed as MA events.
func (m *Module) Module() feature.Module {
	images := http.NewServeMux()
	m.Mount(images)
	return feature.Module{Name: "music", Commands: m.Commands(),
		Routes:     []feature.Route{{Pattern: "GET /imageproxy/{id}", Handler: images}, {Pattern: "GET /imageproxy", Handler: images}},
		Background: []func(context.Context) error{func(ctx context.Context) error { m.Run(ctx); return nil }},
	}
}

// Commands are every MA command the module answers.
func (m *Module) Commands() []api.Command {
	var out []api.Command
	for _, part := range [][]api.Command{m.providerCommands(), m.coreCommands(), m.countCommands(), m.listCommands(),
		m.itemCommands(), m.searchCommands(), m.discoverCommands(), m.favoriteCommands(), m.dashboardCommands()} {
		out = append(out, part...)
	}
	return out
}

// viewer is the library viewer of a principal: their data, their provider filter.
func (m *Module) viewer(p *auth.Principal) library.Viewer {
	if p == nil {
		return library.Viewer{Folders: []int64{}}
	}
	return m.lib.Viewer(p.User.ID, p.User.ProviderFilter)
}
