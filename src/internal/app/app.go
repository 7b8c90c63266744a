// Package app is the composition root: it builds every part by hand, in one
// straight line (core → edge → modules → web → remote access → registry → kill
// fan-out), starts the listeners and background work, and owns the ordered shutdown.
package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/apphooks"
	"segue/internal/apppass"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/config"
	"segue/internal/delegation"
	"segue/internal/devicelogin"
	"segue/internal/feature"
	"segue/internal/haaddon"
	"segue/internal/httpx"
	"segue/internal/libadmin"
	"segue/internal/library"
	"segue/internal/music"
	"segue/internal/remote"
	"segue/internal/secrets"
	"segue/internal/store"
	"segue/internal/subsonic"
	"segue/internal/web"
	"segue/internal/webui"
)

// Version is Segue's own version: ServerInfo segue_version, Subsonic
// serverVersion and the start-up log (ServerInfo server_version is the MA API
// level, api.MAServerVersion). The add-on image sets it to the add-on version
// at build time (Dockerfile: -ldflags "-X segue/internal/app.Version=…", which
// needs a variable, not a constant); a plain go build reports this value.
// Nothing assigns it at run time.
var Version = "0.1.0"

// Options are test and tooling hooks; production passes the zero value.
type Options = apphooks.Options

// App is one running server.
type App struct {
	Cfg      config.Config
	Log      *logrus.Logger
	Clock    clock.Clock
	Random   *secrets.Random
	DB       *store.DB
	Users    *auth.Users
	Tokens   *auth.Tokens
	Throttle *auth.Throttle
	Registry *api.Registry
	API      *api.Server
	Web      *web.Server
	Library  *library.Library
	ServerID string

	modules             []feature.Module
	hass                *haaddon.Conn
	proxyHost           *localHost
	public              http.Handler
	background          []func(ctx context.Context) error
	opts                Options
	publicLn, ingressLn net.Listener
	listened            bool
	servers             []*http.Server
}

// New opens the database and key files and builds every part. It does not listen
// and starts nothing: Run does.
func New(ctx context.Context, cfg config.Config, log *logrus.Logger, opts Options) (*App, error) {
	a := &App{Cfg: cfg, Log: log, Clock: opts.Clock, opts: opts, proxyHost: &localHost{}}
	if a.Clock == nil {
		a.Clock = clock.Real{}
	}
	rnd := opts.Random
	if rnd == nil {
		rnd = rand.Reader
	}
	a.Random = secrets.NewRandom(rnd)
	ok := false
	defer func() {
		if !ok && a.DB != nil {
			a.DB.Close()
		}
	}()

	// Core: keys, store, users, tokens, throttle, login.
	signingKey, err := secrets.LoadOrCreateKey(filepath.Join(cfg.DataDir, "jwt.key"), 32, rnd)
	if err != nil {
		return nil, err
	}
	if err := a.prepareFromBackup(ctx); err != nil {
		return nil, err
	}
	if a.DB, err = store.Open(ctx, cfg.DBPath()); err != nil {
		return nil, err
	}
	db := a.DB
	if a.ServerID, err = db.SettingOrInit(ctx, "server_id", func() string { return fmt.Sprintf("%x", a.Random.Bytes(16)) }); err != nil {
		return nil, fmt.Errorf("read server id: %w", err)
	}
	params := secrets.DefaultArgon2
	if opts.Argon2 != nil {
		params = *opts.Argon2
	}
	slots := secrets.DefaultHashSlots(params)
	if opts.HashSlots > 0 {
		slots = opts.HashSlots
	}
	hasher := secrets.NewHasher(params, slots, rnd, a.Clock, opts.HashTrace)
	kills := &auth.Notifier{}
	a.Users = auth.NewUsers(db, a.Clock, a.Random, hasher, kills)
	if a.Tokens, err = auth.NewTokens(db, a.Users, a.Clock, a.Random, kills, signingKey, a.ServerID,
		time.Duration(cfg.LongLivedTokenDays)*24*time.Hour); err != nil {
		return nil, err
	}
	a.Throttle = auth.NewThrottle(a.Clock)
	login := auth.NewLogin(a.Users, a.Tokens, hasher, a.Throttle, log)
	_, onboarded, err := db.Setting(ctx, api.OnboardDoneKey)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}

	// Edge: the bearer-token chain, the request → Principal resolver, the command server.
	tokens := &httpx.Chain{}
	tokens.Add(a.Tokens) // session tokens first; modules add other kinds below
	principals := &httpx.Resolver{Tokens: tokens}
	a.Registry = api.NewRegistry()
	info := &serverInfo{id: a.ServerID, addon: cfg.AddonMode, externalURL: cfg.ExternalURL}
	info.onboarded.Store(onboarded)
	setup := &setupState{users: a.Users}
	info.setupPending = setup.pending
	apiOpts := opts.APIOptions
	apiOpts.SetupPending = setup.pending
	if apiOpts.Clock == nil {
		apiOpts.Clock = a.Clock
	}
	a.API = api.NewServer(a.Registry, tokens, func(ctx context.Context, c api.ConnInfo) any { return info.get(ctx, c) }, log, apiOpts)

	// Modules: one line per feature.
	if a.hass, err = haaddon.Connect(haaddon.Deps{Config: cfg, Log: log, Clock: a.Clock, Overrides: opts.Hass}); err != nil {
		return nil, err
	}
	roles := opts.RoleSource
	if roles == nil {
		roles = a.hass.Roles()
	}
	setup.withHass = a.hass != nil
	if a.Library, err = openLibrary(ctx, cfg, log, a.Clock, rnd, db); err != nil {
		return nil, err
	}
	passwords, err := apppass.Open(ctx, apppass.Deps{DB: db, Users: a.Users, Random: a.Random, Clock: a.Clock,
		KeyPath: filepath.Join(cfg.DataDir, apppass.KeyFile)})
	if err != nil {
		return nil, err
	}
	ui, err := webui.New()
	if err != nil {
		return nil, err
	}
	imageKey, err := secrets.LoadOrCreateKey(filepath.Join(cfg.DataDir, "imageproxy.key"), 32, rnd)
	if err != nil {
		return nil, err
	}
	musicSvc := music.New(music.Deps{Library: a.Library, Users: a.Users, PublishTo: a.API.PublishTo, ImageKey: imageKey, Clock: a.Clock, Log: log})
	transcoder := subsonic.NewTranscoder(ffmpeg(log), cfg.TranscodeLimit)
	playersMod, err := a.playersModule(ctx, rnd, musicSvc, transcoder)
	if err != nil {
		return nil, err
	}
	haSignIn, providerURL := a.hass.SignIn(haaddon.SignInDeps{Users: a.Users, Tokens: a.Tokens, Throttle: a.Throttle,
		Random: a.Random, Roles: roles})
	modules := []feature.Module{
		a.hass.Module(),
		haSignIn,
		a.Library.Module(),
		libadmin.New(libadmin.Deps{Library: a.Library, Publish: a.API.PublishTo, Clock: a.Clock}),
		musicSvc.Module(),
		playersMod,
		subsonic.NewModule(subsonic.ModuleDeps{Passwords: passwords, Principals: principals, Log: log,
			Handler: subsonic.Deps{Users: a.Users, ServerVersion: Version, Library: a.Library, Clock: a.Clock, Log: log,
				Transcoder: transcoder,
				Auth: subsonic.NewAuthenticator(subsonic.AuthDeps{
					Passwords: passwords, Tokens: tokens, LongLived: a.Tokens.IsLongLived, Throttle: a.Throttle, Log: log})}}),
		delegation.New(delegation.Deps{DB: db, Users: a.Users, Signer: a.Tokens, Clock: a.Clock, Random: a.Random,
			Throttle: a.Throttle, Log: log, EndSessions: a.API.KillTokens}).Module(),
		devicelogin.New(devicelogin.Deps{Clock: a.Clock, Random: a.Random, Users: a.Users, Tokens: a.Tokens,
			Throttle: a.Throttle, Log: log, Principals: principals, ExternalURL: cfg.ExternalURL, ProviderURL: providerURL}).Module(),
		ui.Module(),
	}

	proxies, _ := cfg.ProxyPrefixes() // checked by cfg.Validate
	// Web: both listeners' handlers over the core routes and the modules' routes.
	authDeps := api.AuthDeps{Users: a.Users, Tokens: a.Tokens, Login: login, PublishTo: a.API.PublishTo,
		ExtraProviders: providersOf(modules)}
	a.Web = web.New(web.Deps{
		API: a.API, AuthDeps: authDeps, Principals: principals, Ingress: auth.NewIngress(a.Users, roles, cfg.AllowSelfRegistration),
		Info:    info.get,
		Healthy: func(ctx context.Context) error { return db.R.PingContext(ctx) },
		Log:     log, Clock: a.Clock, TrustedPeer: cfg.IngressTrustedPeer,
		ReturnURLs:     httpx.ReturnURLPolicy{ExternalURL: cfg.ExternalURL, MAFrontendOrigins: cfg.MAFrontendOrigins},
		TrustedProxies: proxies,
		Modules:        modules,
	})
	a.public = a.Web.Handler(httpx.Public)

	// Remote access proxies into the public handler, so it is built after the web
	// (it adds commands and background work, nothing the web serves).
	remoteAccess, err := newRemote(ctx, cfg, log, a.Clock, rnd, db, a.API, a.public, a.hass, info.remoteChanged(a.API.Publish), a.proxyHost.String)
	if err != nil {
		return nil, err
	}
	modules = append(modules, remoteAccess.Module())
	a.modules = modules

	// Registry: the core commands, then each module's.
	api.RegisterAuthCommands(a.Registry, authDeps)
	api.RegisterCoreCommands(a.Registry, api.CoreDeps{Info: info.get, Clock: a.Clock, Publish: a.API.Publish,
		Onboarded: info.onboarded.Load, CompleteOnboarding: info.completeOnboarding(db)})
	for _, m := range modules {
		a.Registry.Register(m.Commands...)
		tokens.Add(m.Authenticators...)
	}

	// Kill fan-out: who reacts, synchronously, when a user's or token's sessions
	// end. auth.Tokens drops its own cache first (it subscribes in NewTokens).
	kills.Subscribe(a.API.Kill) // live WebSocket and data-channel sessions
	for _, m := range modules {
		if m.OnKill != nil {
			kills.Subscribe(m.OnKill)
		}
	}

	// Background work, started by Run under one errgroup.
	a.background = append(a.background, a.Tokens.RunFlusher)
	for _, m := range modules {
		a.background = append(a.background, m.Background...)
	}
	ok = true
	return a, nil
}

// providersOf collects the login providers the modules add.
func providersOf(modules []feature.Module) func(ctx context.Context) []api.ProviderInfo {
	return func(ctx context.Context) []api.ProviderInfo {
		var out []api.ProviderInfo
		for _, m := range modules {
			if m.Providers != nil {
				out = append(out, m.Providers(ctx)...)
			}
		}
		return out
	}
}

// serverInfo answers ServerInfo from what the server knows about itself.
type serverInfo struct {
	id, externalURL string
	addon           bool
	onboarded       atomic.Bool
	setupPending    func(ctx context.Context) bool
	remoteRunning   atomic.Bool
}

func (s *serverInfo) get(ctx context.Context, info api.ConnInfo) api.ServerInfo {
	// MA counts onboarding as done once its first provider exists. Segue's library
	// (its provider instances) is configured before anyone signs in, so onboarding
	// is done once setup is: otherwise the MA apps would open their "add music,
	// add players" welcome in Settings on every start, for steps Segue does not
	// take in the app.
	onboarded := s.onboarded.Load() || (s.setupPending != nil && !s.setupPending(ctx))
	si := api.ServerInfo{ServerID: s.id, ServerVersion: api.MAServerVersion, SegueVersion: Version, SchemaVersion: api.SchemaVersion,
		MinSupportedSchemaVersion: api.MinSupportedSchemaVersion, HomeAssistantAddon: s.addon,
		OnboardDone: onboarded, Name: "Segue", Status: "running"}
	// The MA apps type base_url/internal_url as strings. A WebRTC connection has no
	// URL of its own: it gets the configured external URL, else "" (the remote
	// frontend builds its URLs origin-relative anyway).
	b := info.BaseURL
	if b == "" {
		b = s.externalURL
	}
	si.BaseURL, si.InternalURL = &b, &b
	if s.externalURL != "" {
		e := s.externalURL
		si.ExternalURL = &e
	}
	si.HasRemoteAccess = s.remoteRunning.Load()
	return si
}

// remoteChanged follows remote access for has_remote_access and tells MA
// clients (core_state_updated).
func (s *serverInfo) remoteChanged(publish func(event, objectID string, data any)) func(context.Context, remote.Info) {
	return func(ctx context.Context, in remote.Info) {
		s.remoteRunning.Store(in.Running)
		publish("core_state_updated", "", s.get(ctx, api.ConnInfo{}))
	}
}

func (s *serverInfo) completeOnboarding(db *store.DB) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if err := db.SetSetting(ctx, api.OnboardDoneKey, "1"); err != nil {
			return err
		}
		s.onboarded.Store(true)
		return nil
	}
}

// setupState answers whether no user exists yet (remembered once false: setup
// never reopens). With Home Assistant attached it is never pending: "Sign in with
// Home Assistant" creates users from HA's, so the socket must stay open for it. A
// database that cannot answer is not "pending": the socket then stays open and
// every login fails closed.
type setupState struct {
	users    *auth.Users
	withHass bool
	done     atomic.Bool
}

func (s *setupState) pending(ctx context.Context) bool {
	if s.done.Load() || s.withHass {
		return false
	}
	done, err := s.users.SetupDone(ctx)
	if err != nil {
		return false
	}
	if done {
		s.done.Store(true)
	}
	return !done
}

// ffmpeg is the ffmpeg binary for transcoding, or "" when it is not installed
// (streams are then sent as they are).
func ffmpeg(log *logrus.Logger) string {
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		log.Info("ffmpeg not found: Subsonic streams are sent as they are, never transcoded")
		return ""
	}
	return p
}
