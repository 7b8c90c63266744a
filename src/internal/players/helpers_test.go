package players

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/hass"
	"segue/internal/hass/hasstest"
	"segue/internal/store"
)

func quiet() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func testContext(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// event is one MA event the registry published.
type event struct {
	Event, ObjectID string
	Data            any
}

// events records published events for tests to wait on.
type events struct {
	mu   sync.Mutex
	list []event
	news chan struct{}
}

func newEvents() *events { return &events{news: make(chan struct{}, 1)} }

func (e *events) publish(_ func(*auth.Principal) bool, name, id string, data any) {
	e.mu.Lock()
	e.list = append(e.list, event{name, id, data})
	e.mu.Unlock()
	select {
	case e.news <- struct{}{}:
	default:
	}
}

// waitFor returns the first event from index from on that matches.
func (e *events) waitFor(t testing.TB, ctx context.Context, from *int, match func(event) bool) event {
	t.Helper()
	for {
		e.mu.Lock()
		for ; *from < len(e.list); *from++ {
			if ev := e.list[*from]; match(ev) {
				*from++
				e.mu.Unlock()
				return ev
			}
		}
		e.mu.Unlock()
		select {
		case <-e.news:
		case <-ctx.Done():
			t.Fatal("event not published")
		}
	}
}

// fixture is a registry following a fake Home Assistant through the Supervisor proxy.
type fixture struct {
	core   *hasstest.Core
	client *hass.Client
	db     *store.DB
	reg    *Registry
	ev     *events
	clock  *clocktest.Fake
	dir    string
}

func openDB(t testing.TB, ctx context.Context, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, filepath.Join(dir, "segue.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func startHA(t testing.TB, clk *clocktest.Fake) (*hasstest.Core, *hass.Client) {
	t.Helper()
	core := hasstest.StartCore(t, hasstest.CoreOptions{Clock: clk})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core})
	return core, startClient(t, sup.WebsocketURL(), sup.Token())
}

// startHADirect connects straight to Core with a long-lived token, as Segue does
// outside the add-on (--homeassistant-url, --homeassistant-token).
func startHADirect(t testing.TB, clk *clocktest.Fake) (*hasstest.Core, *hass.Client) {
	t.Helper()
	core := hasstest.StartCore(t, hasstest.CoreOptions{Clock: clk})
	owner := core.AddUser(hasstest.User{Username: "owner", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	return core, startClient(t, core.WebsocketURL(), core.CreateLongLivedToken(owner.ID))
}

func startClient(t testing.TB, url, token string) *hass.Client {
	t.Helper()
	client, err := hass.NewClient(hass.ClientOptions{URL: url, Token: token, Logger: quiet(), PingInterval: -1,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, client.Run)
	return client
}

// run starts background work stopped when the test ends.
func run(t testing.TB, fn func(ctx context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); fn(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

func newTestClock() *clocktest.Fake {
	return clocktest.NewFake(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
}

func newFixture(t testing.TB, ctx context.Context) *fixture {
	t.Helper()
	f := &fixture{clock: newTestClock(), dir: t.TempDir()}
	f.core, f.client = startHA(t, f.clock)
	f.db = openDB(t, ctx, f.dir)
	f.ev = newEvents()
	var err error
	if f.reg, err = NewRegistry(ctx, Deps{DB: f.db, Clock: f.clock, Log: quiet(), Publish: f.ev.publish, DataDir: f.dir, Rand: rand.Reader}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) follow(t testing.TB) {
	run(t, func(ctx context.Context) error { return hass.WatchMediaPlayers(ctx, f.client, f.reg, f.clock, quiet()) })
}

// call runs a registry command as p and returns its result as JSON.
func call(t testing.TB, ctx context.Context, r *Registry, p *auth.Principal, name string, args any) (json.RawMessage, error) {
	t.Helper()
	raw, _ := json.Marshal(args)
	for _, c := range r.Commands() {
		if c.Name == name {
			if !p.Can(c.Scope) {
				t.Fatalf("%s needs %s", name, c.Scope)
			}
			res, err := c.Handler(ctx, &api.Call{Principal: p, Args: raw})
			if err != nil {
				return nil, err
			}
			out, _ := json.Marshal(res)
			return out, nil
		}
	}
	t.Fatalf("no command %s", name)
	return nil, nil
}

func admin() *auth.Principal {
	return &auth.Principal{User: auth.User{ID: "admin", PlayerFilter: []string{}}, Scopes: auth.RoleScopes(auth.RoleAdmin)}
}

// user is a plain user limited to the listed players (none: all).
func user(filter ...string) *auth.Principal {
	return &auth.Principal{User: auth.User{ID: "u1", PlayerFilter: append([]string{}, filter...)}, Scopes: auth.RoleScopes(auth.RoleUser)}
}
