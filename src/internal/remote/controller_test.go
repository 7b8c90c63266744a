package remote_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/backoff"
	"segue/internal/fail"
	"segue/internal/remote"
	"segue/internal/remote/peer"
)

type fakeCloud struct {
	mu   sync.Mutex
	subs []chan remote.CloudStatus
	cur  remote.CloudStatus
}

func (f *fakeCloud) Subscribe(ctx context.Context) <-chan remote.CloudStatus {
	ch := make(chan remote.CloudStatus, 8)
	f.mu.Lock()
	ch <- f.cur
	f.subs = append(f.subs, ch)
	f.mu.Unlock()
	return ch
}

func (f *fakeCloud) set(st remote.CloudStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cur = st
	for _, s := range f.subs {
		s <- st
	}
}

func (f *fakeCloud) ICEServers(ctx context.Context) ([]peer.ICEServer, error) {
	return []peer.ICEServer{{URLs: []string{"turn:127.0.0.1:9?transport=udp"}, Username: "ephemeral-user", Credential: "turn-secret-xyz"}}, nil
}

type memSettings struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memSettings) Setting(_ context.Context, k string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok, nil
}

func (s *memSettings) SetSetting(_ context.Context, k, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
	return nil
}

type events struct {
	mu   sync.Mutex
	list []remote.Info
}

func (e *events) publish(event, objectID string, data any) {
	if event != remote.EventUpdated {
		return
	}
	e.mu.Lock()
	e.list = append(e.list, data.(remote.Info))
	e.mu.Unlock()
}

func (e *events) last() (remote.Info, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.list) == 0 {
		return remote.Info{}, false
	}
	return e.list[len(e.list)-1], true
}

type ctlHarness struct {
	*harness
	ctl      *remote.Controller
	cloud    *fakeCloud
	settings *memSettings
	ev       *events
	dir      string
}

func newCtl(t *testing.T, mode remote.Mode, settings *memSettings, dir string) *ctlHarness {
	checkGoroutines(t)
	h := &harness{t: t, relay: newRelay(t), srv: testAPI(t), done: make(chan struct{})}
	h.rtc = peer.NewRTCAPI(peer.RTCOptions{Loopback: true})
	log, hook := logtest.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	h.logHook = hook
	ch := &ctlHarness{harness: h, cloud: &fakeCloud{}, settings: settings, ev: &events{}, dir: dir}
	ctl, err := remote.NewController(context.Background(), remote.ControllerConfig{
		DataDir: dir, Mode: mode, Cloud: ch.cloud, Settings: settings, Publish: ch.ev.publish,
		Gateway: remote.GatewayConfig{SignalingURL: h.relay.URL(), Serve: h.srv.ServeConn, HTTPHandler: testHTTP(), API: h.rtc,
			Backoff: backoff.Backoff{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond}},
		Log: log, Rand: rand.Reader,
	})
	if err != nil {
		t.Fatal(err)
	}
	ch.ctl = ctl
	if id, err := ctl.Identity(); err == nil {
		h.id = id
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { defer close(h.done); ctl.Run(ctx) }()
	t.Cleanup(h.stop)
	return ch
}

func TestAutoFollowsCloudStatusBothWays(t *testing.T) {
	dir := t.TempDir()
	h := newCtl(t, remote.ModeAuto, &memSettings{m: map[string]string{}}, dir)
	waitFor(t, "the first state event", func() bool { _, ok := h.ev.last(); return ok })
	// Off (auto without HA Cloud): no identity is made, nothing warns, no remote ID yet.
	if in := h.ctl.Info(); in.Running || !in.Enabled || in.Mode != remote.ModeAuto || in.RemoteID != "" {
		t.Fatalf("auto without cloud: %+v", in)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Fatalf("files made while remote access is off: %v", files)
	}
	for _, e := range h.logHook.AllEntries() {
		if e.Level <= logrus.WarnLevel {
			t.Fatalf("logged while off: %s %s", e.Level, e.Message)
		}
	}
	if h.relay.Registers() != 0 {
		t.Fatal("registered without HA Cloud in auto mode")
	}
	h.cloud.set(remote.CloudStatus{LoggedIn: true, ActiveSubscription: true})
	waitFor(t, "running and connected", func() bool { in := h.ctl.Info(); return in.Running && in.Connected && in.UsingHACloud })
	waitFor(t, "event", func() bool { in, ok := h.ev.last(); return ok && in.Connected && len(in.RemoteID) == 26 })
	// First start: the identity is made now, and that is news, not a warning.
	h.id, _ = h.ctl.Identity()
	if h.id == nil || !logged(h.harness, "created the DTLS identity") {
		t.Fatal("identity not created on first start")
	}
	for _, e := range h.logHook.AllEntries() {
		if strings.Contains(e.Message, "DTLS identity") && e.Level != logrus.InfoLevel {
			t.Fatalf("identity creation logged at %s", e.Level)
		}
	}

	// A session gets HA Cloud's TURN relays; registration never carries credentials.
	c := h.dial(t)
	if _, err := c.Login(ctxT(t), "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	var sawTURN bool
	for _, m := range h.relay.Seen() {
		raw, _ := json.Marshal(m)
		if m.Type == "register-server" && strings.Contains(string(raw), "turn-secret") {
			t.Fatal("TURN credentials sent at registration")
		}
		if m.Type == "session-ready" && strings.Contains(string(raw), "turn-secret-xyz") {
			sawTURN = true
		}
	}
	if !sawTURN {
		t.Fatal("session-ready did not carry the HA Cloud relay")
	}
	for _, e := range h.logHook.AllEntries() {
		if s, _ := e.String(); strings.Contains(s, "turn-secret") {
			t.Fatal("TURN credential logged")
		}
	}
	c.Close()

	// Subscription lapses: the gateway stops.
	h.cloud.set(remote.CloudStatus{LoggedIn: true, ActiveSubscription: false})
	waitFor(t, "stopped", func() bool { in := h.ctl.Info(); return !in.Running && !in.Connected })
	waitFor(t, "stop event", func() bool { in, ok := h.ev.last(); return ok && !in.Running })
	// And comes back.
	h.cloud.set(remote.CloudStatus{LoggedIn: true, ActiveSubscription: true})
	waitFor(t, "running again", func() bool { return h.ctl.Info().Connected })
}

func TestConfigureCommandPersistsAndRequiresAdmin(t *testing.T) {
	settings := &memSettings{m: map[string]string{}}
	dir := t.TempDir()
	h := newCtl(t, remote.ModeAuto, settings, dir)
	reg := api.NewRegistry()
	reg.Register(h.ctl.Module().Commands...)
	srv := api.NewServer(reg, tokens{}, func(context.Context, api.ConnInfo) any { return nil }, logrus.New(), api.Options{})
	admin := &auth.Principal{User: auth.User{ID: "a"}, Scopes: auth.NewScopeSet(auth.ScopeSystemManage)}
	user := &auth.Principal{User: auth.User{ID: "u"}, Scopes: auth.NewScopeSet(auth.ScopeLibraryRead)}
	ctx := ctxT(t)

	if _, err := srv.Call(ctx, user, api.ConnInfo{}, "remote_access/configure", json.RawMessage(`{"enabled":true}`)); !fail.Is(err, fail.KindForbidden) {
		t.Fatalf("non-admin configure: %v", err)
	}
	if _, err := srv.Call(ctx, user, api.ConnInfo{}, "remote_access/info", nil); !fail.Is(err, fail.KindForbidden) {
		t.Fatalf("non-admin info: %v", err)
	}
	res, err := srv.Call(ctx, admin, api.ConnInfo{}, "remote_access/configure", json.RawMessage(`{"enabled":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if in := res.(remote.Info); in.Mode != remote.ModeOn || !in.Running {
		t.Fatalf("enabled:true → %+v", in)
	}
	waitFor(t, "connected", func() bool { return h.ctl.Info().Connected })
	h.id, _ = h.ctl.Identity()
	res, err = srv.Call(ctx, admin, api.ConnInfo{}, "remote_access/configure", json.RawMessage(`{"mode":"off"}`))
	if err != nil || res.(remote.Info).Running || res.(remote.Info).Enabled {
		t.Fatalf("mode off → %+v %v", res, err)
	}
	for _, bad := range []string{`{"mode":"sometimes"}`, `{}`, `{"mode":"on","enabled":true}`, `{"enabled":"yes"}`, `{"other":1}`} {
		if _, err := srv.Call(ctx, admin, api.ConnInfo{}, "remote_access/configure", json.RawMessage(bad)); !fail.Is(err, fail.KindInvalid) {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	if settings.m["remote_access.mode"] != "off" {
		t.Fatalf("not persisted: %v", settings.m)
	}
	h.stop()

	// Restart with the same option: the configured mode survives.
	h2 := newCtl(t, remote.ModeAuto, settings, dir)
	if in := h2.ctl.Info(); in.Mode != remote.ModeOff || in.RemoteID != h.id.RemoteID() {
		t.Fatalf("after restart %+v", in)
	}
	h2.stop()
	// The add-on option changed since: it wins.
	h3 := newCtl(t, remote.ModeOn, settings, dir)
	if in := h3.ctl.Info(); in.Mode != remote.ModeOn {
		t.Fatalf("changed option ignored: %+v", in)
	}
}

func TestDamagedIdentityKeepsServerUpAndReports(t *testing.T) {
	dir := t.TempDir()
	if _, err := remote.LoadOrCreateIdentity(dir, time.Now(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, remote.KeyFile), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newCtl(t, remote.ModeOn, &memSettings{m: map[string]string{}}, dir)
	waitFor(t, "the first state event", func() bool { _, ok := h.ev.last(); return ok })
	in := h.ctl.Info()
	if in.Running || in.Error == "" || in.RemoteID != "" {
		t.Fatalf("damaged identity: %+v", in)
	}
	b, _ := os.ReadFile(filepath.Join(dir, remote.KeyFile))
	if string(b) != "junk" {
		t.Fatal("damaged key was replaced")
	}
	if !logged(h.harness, "remote access is unavailable") {
		t.Fatal("no error logged")
	}
}
