// Package app is the composition root: it builds every part by hand, starts the
// listeners and owns the ordered shutdown.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/config"
	"segue/internal/library"
	"segue/internal/remote"
	"segue/internal/secrets"
	"segue/internal/store"
	"segue/internal/web"
)

// Version is Segue's build version (set with -ldflags): ServerInfo segue_version,
// Subsonic serverVersion and the start-up log. ServerInfo server_version is the MA
// API level instead (api.MAServerVersion).
var Version = "0.1.0"

// Options are test and tooling hooks; production passes the zero value.
type Options struct {
	Clock  clock.Clock
	Random io.Reader
	// Argon2 overrides password hashing cost (tests only).
	Argon2 *secrets.Argon2Params
	// HashSlots overrides how many password hashes run at once (tests only).
	HashSlots int
	// HashTrace hears the hash queue's "queued"/"start" events (tests only).
	HashTrace func(event, client string)
	// RoleSource supplies HA roles for ingress users.
	RoleSource auth.RoleSource
	// APIOptions tune command sessions.
	APIOptions api.Options
	// Hass adjusts the Home Assistant wiring (tests and development).
	Hass HassOverrides
}

// App is one running server.
type App struct {
	Cfg      config.Config
	Log      *logrus.Logger
	Clock    clock.Clock
	Random   *secrets.Random
	DB       *store.DB
	Users    *auth.Users
	Tokens   *auth.Tokens
	Login    *auth.Login
	Throttle *auth.Throttle
	Kills    *auth.Notifier
	Registry *api.Registry
	API      *api.Server
	Web      *web.Server
	Library  *library.Library
	ServerID string

	publicLn, ingressLn net.Listener
	listened            bool
	servers             []*http.Server
	background          sync.WaitGroup
	stopBackground      context.CancelFunc
	// onRun is background work that starts when the server runs (not when a
	// command-line tool only builds the App); it ends when ctx does.
	onRun []func(ctx context.Context)
	// shutdownHooks run in reverse order before the database closes.
	shutdownHooks []func(ctx context.Context)
	auth          *authChain
	onboardDone   atomic.Bool
	setupDone     atomic.Bool
	opts          Options
	hass          *HassParts
	remote        *remote.Controller
	rnd           io.Reader
	public        http.Handler
}

// New opens the database and key files and builds every part. It does not listen yet.
func New(ctx context.Context, cfg config.Config, log *logrus.Logger, opts Options) (*App, error) {
	a := &App{Cfg: cfg, Log: log, Clock: opts.Clock, opts: opts}
	if a.Clock == nil {
		a.Clock = clock.Real{}
	}
	rnd := opts.Random
	if rnd == nil {
		rnd = rand.Reader
	}
	a.Random = secrets.NewRandom(rnd)
	a.rnd = rnd

	signingKey, err := secrets.LoadOrCreateKey(filepath.Join(cfg.DataDir, "jwt.key"), 32, rnd)
	if err != nil {
		return nil, err
	}
	if err := a.prepareFromBackup(ctx); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DBPath())
	if err != nil {
		return nil, err
	}
	a.DB = db
	a.ServerID, err = db.SettingOrInit(ctx, "server_id", func() string { return fmt.Sprintf("%x", a.Random.Bytes(16)) })
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("read server id: %w", err)
	}

	params := secrets.DefaultArgon2
	if opts.Argon2 != nil {
		params = *opts.Argon2
	}
	slots := max(2, runtime.NumCPU())
	if opts.HashSlots > 0 {
		slots = opts.HashSlots
	}
	hasher := secrets.NewHasher(params, slots, rnd, opts.HashTrace)
	a.Kills = &auth.Notifier{}
	a.Users = auth.NewUsers(db, a.Clock, a.Random, hasher, a.Kills)
	a.Tokens, err = auth.NewTokens(db, a.Users, a.Clock, a.Random, a.Kills, signingKey, a.ServerID,
		time.Duration(cfg.LongLivedTokenDays)*24*time.Hour)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Throttle = auth.NewThrottle(a.Clock)
	a.Login = auth.NewLogin(a.Users, a.Tokens, hasher, a.Throttle, log)
	a.Registry = api.NewRegistry()
	a.auth = &authChain{}
	a.auth.Add(a.Tokens)
	apiOpts := opts.APIOptions
	apiOpts.SetupPending = a.setupPending
	if apiOpts.Now == nil {
		apiOpts.Now = a.Clock.Now
	}
	a.API = api.NewServer(a.Registry, a.auth, func(ctx context.Context, info api.ConnInfo) any {
		return a.ServerInfo(ctx, info)
	}, log, apiOpts)
	a.Kills.Subscribe(a.API.Kill)
	w := &wiring{RoleSource: opts.RoleSource}
	w.AuthDeps = api.AuthDeps{Users: a.Users, Tokens: a.Tokens, Login: a.Login, ExtraProviders: w.providers, PublishTo: a.API.PublishTo}
	api.RegisterAuthCommands(a.Registry, w.AuthDeps)
	_, onboarded, err := db.Setting(ctx, api.OnboardDoneKey)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("read settings: %w", err)
	}
	a.onboardDone.Store(onboarded)
	api.RegisterCoreCommands(a.Registry, api.CoreDeps{Info: a.ServerInfo, Clock: a.Clock, Publish: a.API.Publish,
		Onboarded: a.onboardDone.Load,
		CompleteOnboarding: func(ctx context.Context) error {
			if err := db.SetSetting(ctx, api.OnboardDoneKey, "1"); err != nil {
				return err
			}
			a.onboardDone.Store(true)
			return nil
		}})

	// Each feature wires itself in its own wire_*.go file.
	for _, feature := range []func(context.Context, *wiring) error{
		a.wireHass, a.wireLibrary, a.wireLibAdmin, a.wireSubsonic, a.wireDelegated, a.wireDeviceLogin, a.wireRemote, a.wireUI, a.wirePlayers, a.wireMusic,
	} {
		if err := feature(ctx, w); err != nil {
			a.abort()
			return nil, err
		}
	}

	proxies, _ := cfg.ProxyPrefixes() // checked by cfg.Validate
	a.Web = web.New(web.Deps{
		API: a.API, AuthDeps: w.AuthDeps, Tokens: a.auth, Ingress: auth.NewIngress(a.Users, w.RoleSource),
		Info:    a.ServerInfo,
		Healthy: func(ctx context.Context) error { return db.R.PingContext(ctx) },
		Log:     log, TrustedPeer: cfg.IngressTrustedPeer,
		ReturnURLs:     web.ReturnURLPolicy{ExternalURL: cfg.ExternalURL, MAFrontendOrigins: cfg.MAFrontendOrigins},
		TrustedProxies: proxies,
		Home:           w.Home,
		Mounts:         w.Mounts,
	})
	a.public = a.Web.Handler(web.Public)
	return a, nil
}

// abort undoes a partly built App: stops what features started, closes the database.
func (a *App) abort() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a.runShutdownHooks(ctx)
	a.background.Wait()
	a.DB.Close()
}

// ServerInfo is the first frame and GET /info.
func (a *App) ServerInfo(ctx context.Context, info api.ConnInfo) api.ServerInfo {
	onboard := a.onboardDone.Load()
	si := api.ServerInfo{ServerID: a.ServerID, ServerVersion: api.MAServerVersion, SegueVersion: Version, SchemaVersion: api.SchemaVersion,
		MinSupportedSchemaVersion: api.MinSupportedSchemaVersion, HomeAssistantAddon: a.Cfg.AddonMode,
		OnboardDone: onboard, Name: "Segue", Status: "running"}
	// The MA apps type base_url/internal_url as strings. A WebRTC connection has no
	// URL of its own: it gets the configured external URL, else "" (the remote
	// frontend builds its URLs origin-relative anyway).
	b := info.BaseURL
	if b == "" {
		b = a.Cfg.ExternalURL
	}
	si.BaseURL, si.InternalURL = &b, &b
	if a.Cfg.ExternalURL != "" {
		e := a.Cfg.ExternalURL
		si.ExternalURL = &e
	}
	if a.remote != nil {
		si.HasRemoteAccess = a.remote.Info().Running
	}
	return si
}

// setupPending reports that no user exists yet (remembered once false: setup
// never reopens). With Home Assistant attached it is never pending: "Sign in with
// Home Assistant" creates users from HA's, so the socket must stay open for it. A
// database that cannot answer is not "pending": the socket then stays open and
// every login fails closed.
func (a *App) setupPending(ctx context.Context) bool {
	if a.setupDone.Load() || a.hass != nil {
		return false
	}
	done, err := a.Users.SetupDone(ctx)
	if err != nil {
		return false
	}
	if done {
		a.setupDone.Store(true)
	}
	return !done
}

// Listen binds the listeners (so tests can read the chosen ports before Serve). In the
// add-on, the ports are the ones the Supervisor reports (addon_ports.go).
func (a *App) Listen() error {
	plan := a.addonListenPlan(context.Background())
	if plan.public != "" {
		ln, err := net.Listen("tcp", plan.public)
		if err != nil {
			return fmt.Errorf("public listener %s: %w", plan.public, err)
		}
		a.publicLn = ln
	}
	if plan.ingress != "" {
		ln, err := net.Listen("tcp", plan.ingress)
		if err != nil {
			if a.publicLn != nil {
				a.publicLn.Close()
			}
			return fmt.Errorf("ingress listener %s: %w", plan.ingress, err)
		}
		a.ingressLn = ln
	}
	a.listened = true
	return nil
}

// PublicAddr is the bound public address, or "" when the public listener is off.
func (a *App) PublicAddr() string {
	if a.publicLn == nil {
		return ""
	}
	return a.publicLn.Addr().String()
}

// IngressAddr is the bound ingress address, or "".
func (a *App) IngressAddr() string {
	if a.ingressLn == nil {
		return ""
	}
	return a.ingressLn.Addr().String()
}

// PublicHandler is the public listener's handler (the remote-access HTTP proxy uses it in-process).
func (a *App) PublicHandler() http.Handler { return a.public }

func newHTTPServer(h http.Handler, log *logrus.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          newStdLogger(log),
	}
}

// Run serves until ctx ends, then shuts down in order: stop accepting, close
// WebSockets with 1001, stop background work, flush token activity, close the database.
func (a *App) Run(ctx context.Context) error {
	if !a.listened {
		if err := a.Listen(); err != nil {
			a.DB.Close()
			return err
		}
	}
	bg, stop := context.WithCancel(context.Background())
	a.stopBackground = stop
	a.goBackground(func() { a.Tokens.RunFlusher(bg, time.Minute) })
	for _, fn := range a.onRun {
		a.goBackground(func() { fn(bg) })
	}

	errc := make(chan error, 2)
	serve := func(ln net.Listener, l web.Listener) {
		h := a.public
		if l != web.Public {
			h = a.Web.Handler(l)
		}
		srv := newHTTPServer(h, a.Log)
		srv.BaseContext = func(net.Listener) context.Context { return web.ListenerContext(context.Background(), l) }
		a.servers = append(a.servers, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	if a.publicLn != nil {
		serve(a.publicLn, web.Public)
		a.Log.WithFields(logrus.Fields{"addr": a.PublicAddr(), "version": Version, "ma_api": api.MAServerVersion}).Info("public listener ready")
	} else {
		a.Log.WithFields(logrus.Fields{"version": Version, "ma_api": api.MAServerVersion}).Info("public listener off")
	}
	if a.ingressLn != nil {
		serve(a.ingressLn, web.IngressListener)
		a.Log.WithFields(logrus.Fields{"addr": a.IngressAddr(), "trusted_peer": a.Cfg.IngressTrustedPeer}).Info("ingress listener ready")
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	a.shutdown()
	return runErr
}

func (a *App) goBackground(fn func()) {
	a.background.Add(1)
	go func() { defer a.background.Done(); fn() }()
}

// runShutdownHooks runs the OnShutdown work, last registered first.
func (a *App) runShutdownHooks(ctx context.Context) {
	for i := len(a.shutdownHooks) - 1; i >= 0; i-- {
		a.shutdownHooks[i](ctx)
	}
}

// OnShutdown registers work to do before the database closes (reverse order).
func (a *App) OnShutdown(fn func(ctx context.Context)) { a.shutdownHooks = append(a.shutdownHooks, fn) }

func (a *App) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	a.Log.Info("shutting down")
	var wg sync.WaitGroup
	for _, srv := range a.servers {
		wg.Add(1)
		go func(srv *http.Server) { defer wg.Done(); _ = srv.Shutdown(ctx) }(srv)
	}
	a.API.Shutdown(ctx)
	wg.Wait()
	a.runShutdownHooks(ctx)
	if a.stopBackground != nil {
		a.stopBackground()
	}
	a.background.Wait()
	if err := a.Tokens.Flush(ctx); err != nil {
		a.Log.WithError(err).Warn("could not save token activity")
	}
	if err := a.DB.Close(); err != nil {
		a.Log.WithError(err).Warn("closing database")
	}
	a.Log.Info("stopped")
}
