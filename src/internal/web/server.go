// Package web serves HTTP: the public and ingress listeners, their middleware
// stacks, the JSON-RPC and WebSocket API endpoints, auth routes and pages.
package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/feature"
	"segue/internal/httpx"
)

// Body limits.
const (
	maxAuthBody = 64 << 10
	maxAPIBody  = api.MaxMessageBytes
)

// Deps are what the web layer needs.
type Deps struct {
	API      *api.Server
	AuthDeps api.AuthDeps
	// Principals resolves who sent a request (ingress principal, else bearer token).
	Principals *httpx.Resolver
	Ingress    *auth.Ingress
	Info       func(ctx context.Context, info api.ConnInfo) api.ServerInfo
	// Healthy answers whether the database can serve.
	Healthy func(ctx context.Context) error
	Log     *logrus.Logger
	// Clock times the WebSocket keepalive (default clock.Real).
	Clock       clock.Clock
	TrustedPeer string
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the client
	// (none by default: the header is then never read).
	TrustedProxies []netip.Prefix
	ReturnURLs     httpx.ReturnURLPolicy
	// Modules add routes (each on its listeners) and the home page (GET / once
	// setup is done; without one a small page is shown).
	Modules []feature.Module
}

// Server holds the handlers of both listeners.
type Server struct {
	d         Deps
	setupDone atomic.Bool
	upgrader  websocket.Upgrader
	// readBuffers: where sockets read a message before copying it out at its size.
	readBuffers readBuffers
	sockets     *wsLimiter // signed-in sockets
	anonymous   *wsLimiter // sockets that have not signed in yet
	homePage    http.Handler
}

// New builds the web layer.
func New(d Deps) *Server {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	s := &Server{d: d, sockets: newWSLimiter(maxWebSockets, maxWebSocketsPerIP),
		anonymous: newWSLimiter(maxUnauthWebSockets, maxUnauthWebSocketsPerIP)}
	for _, m := range d.Modules {
		if m.Home != nil {
			s.homePage = m.Home
		}
	}
	s.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// Idle sockets are the common case, so they hold no buffers of their own:
		// reads reuse the 4 KiB reader net/http already made for the connection
		// (size 0), and writes borrow a 4 KiB buffer from a pool for one message.
		WriteBufferSize: 4096,
		WriteBufferPool: &sync.Pool{},
		// Browsers reach the public listener from any LAN origin; a socket there
		// still has to authenticate (no cookies), so the Origin grants nothing. On
		// the ingress listener HA's session cookie signs the socket in, so it must
		// come from the panel's own origin (HA's).
		CheckOrigin: func(r *http.Request) bool {
			return httpx.ListenerOf(r) != httpx.Ingress || httpx.CheckSocketOrigin(r) == nil
		},
	}
	return s
}

// Handler returns the handler for one listener, with its middleware stack.
func (s *Server) Handler(l httpx.Listener) http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	for _, m := range s.d.Modules {
		for _, r := range m.Routes {
			if r.Serves(l) {
				mux.Handle(r.Pattern, r.Handler)
			}
		}
	}
	var h http.Handler = mux
	if l == httpx.Ingress {
		h = s.ingressAuth(h)
		h = sameOriginOnly(s.d.Log, h)
	} else {
		h = stripIdentityHeaders(s.d.Log, h)
	}
	h = s.withPeer(l, h)
	h = securityHeaders(l, h)
	h = recoverPanics(s.d.Log, h)
	return httpx.WithListener(l, h)
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /info", s.info)
	mux.HandleFunc("OPTIONS /info", cors)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /ws", s.websocket)
	mux.HandleFunc("POST /api", s.jsonRPC)
	mux.HandleFunc("POST /auth/login", s.login)
	mux.HandleFunc("OPTIONS /auth/login", cors)
	mux.HandleFunc("POST /auth/logout", s.logout)
	mux.HandleFunc("GET /auth/me", s.me)
	mux.HandleFunc("PATCH /auth/me", s.patchMe)
	mux.HandleFunc("GET /auth/providers", s.providers)
	mux.HandleFunc("GET /setup", s.setupPage)
	mux.HandleFunc("POST /setup", s.setup)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /api-docs", s.docsPage)
	mux.HandleFunc("GET /api-docs/{$}", s.docsPage)
	mux.HandleFunc("GET /api-docs/commands.json", s.docsJSON)
}

func cors(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
	h.Set("Access-Control-Max-Age", "86400")
}

// connInfo describes the request's connection for the API layer.
func (s *Server) connInfo(r *http.Request) api.ConnInfo {
	info := api.ConnInfo{Channel: auth.ChannelDirect, RemoteAddr: r.RemoteAddr, BaseURL: baseURL(r), Peer: httpx.Peer(r)}
	if httpx.ListenerOf(r) == httpx.Ingress {
		info.Channel = auth.ChannelIngress
		info.Ingress = true
	}
	info.Principal = httpx.PrincipalFromContext(r.Context())
	return info
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Principal authenticates an HTTP request (see httpx.Resolver).
func (s *Server) Principal(r *http.Request) (*auth.Principal, error) {
	return s.d.Principals.Principal(r)
}

// SetupDone reports (and remembers, since it never goes back) whether setup is closed.
func (s *Server) SetupDone(ctx context.Context) (bool, error) {
	if s.setupDone.Load() {
		return true, nil
	}
	done, err := s.d.AuthDeps.Users.SetupDone(ctx)
	if err != nil {
		return false, err
	}
	if done {
		s.setupDone.Store(true)
	}
	return done, nil
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	cors(w, r)
	httpx.WriteJSON(w, http.StatusOK, s.d.Info(r.Context(), s.connInfo(r)))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.d.Healthy(ctx); err != nil {
		s.d.Log.WithError(err).Warn("health check failed")
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// websocket admits a socket into the signed-in pool (ingress users) or the
// smaller anonymous pool; signing in moves it over.
func (s *Server) websocket(w http.ResponseWriter, r *http.Request) {
	peer := httpx.Peer(r)
	info := s.connInfo(r)
	var mu sync.Mutex
	held := s.sockets
	if info.Principal == nil {
		held = s.anonymous
		info.Promote = func() bool {
			if !s.sockets.acquire(peer) {
				return false
			}
			mu.Lock()
			s.anonymous.release(peer)
			held = s.sockets
			mu.Unlock()
			return true
		}
	}
	if !held.acquire(peer) {
		w.Header().Set("Retry-After", "10")
		http.Error(w, "Too many connections", http.StatusServiceUnavailable)
		return
	}
	release := func() {
		mu.Lock()
		held.release(peer)
		mu.Unlock()
	}
	c, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		release()
		return // the upgrader already answered
	}
	// The socket outlives this handler. Returning lets net/http drop the request's
	// goroutine (its stack deepened by the middleware), its response buffers and
	// request copies, which every idle socket would otherwise keep. The session
	// keeps the request's values but not its cancellation, which net/http fires
	// on return; API.Shutdown ends sessions.
	ctx := context.WithoutCancel(r.Context())
	go func() {
		defer release()
		defer func() {
			if v := recover(); v != nil {
				s.d.Log.Errorf("websocket session panicked: %v\n%s", v, debug.Stack())
				_ = c.Close()
			}
		}()
		s.d.API.ServeConn(ctx, newWSConn(c, api.MaxMessageBytes, s.d.Clock, &s.readBuffers), info)
	}()
}

// writeError answers a domain error as plain text with the mapped status.
func (s *Server) writeError(w http.ResponseWriter, err error) { httpx.WriteError(w, s.d.Log, err) }

// readJSON decodes a bounded JSON body; the error is client-safe.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	body, err := httpx.ReadBody(w, r, limit)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return fail.Invalid("Body required")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fail.Invalid("Invalid JSON")
	}
	return nil
}
