package music

import (
	"context"
	"io"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock"
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
	// Covers serves artwork; nil makes /imageproxy answer 404 for every id.
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
	m.tasks = newSyncTasks(m.clock)
	return m
}

// Commands are every MA command the module answers.
func (m *Module) Commands() []api.Command {
	var out []api.Command
	for _, part := range [][]api.Command{m.providerCommands(), m.coreCommands(), m.countCommands(), m.listCommands(),
		m.itemCommands(), m.searchCommands(), m.discoverCommands(), m.favoriteCommands()} {
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
