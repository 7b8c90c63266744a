package remote

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/backoff"
	"segue/internal/clock"
	"segue/internal/remote/peer"
	"segue/internal/signaling"
)

// ServeFunc runs one API session over a connection (api.Server.ServeConn).
type ServeFunc func(ctx context.Context, c api.Conn, info api.ConnInfo)

// ICESource supplies ICE servers: Register is the list sent with register-server (it
// must hold no credentials), Session is fetched fresh for every client session (TURN).
type ICESource interface {
	RegisterICEServers(ctx context.Context) []peer.ICEServer
	SessionICEServers(ctx context.Context) ([]peer.ICEServer, error)
}

// StaticICE serves the same list for both purposes (credentials only per session).
type StaticICE []peer.ICEServer

func (s StaticICE) RegisterICEServers(context.Context) []peer.ICEServer { return withoutCredentials(s) }
func (s StaticICE) SessionICEServers(context.Context) ([]peer.ICEServer, error) {
	return append([]peer.ICEServer(nil), s...), nil
}

// Limits bound what remote peers can make the gateway hold (security checklist 67–69).
type Limits struct {
	MaxSessions       int           // concurrent sessions (16)
	SessionsPerMinute int           // new sessions per rolling minute (30)
	AuthTimeout       time.Duration // a channel must authenticate within this (90 s, as the WebSocket: a person at the app's login form)
	SetupTimeout      time.Duration // a session must open a channel within this (30 s)
	ProxyTimeout      time.Duration // one proxied HTTP request (30 s)
}

// DefaultLimits are the production limits.
func DefaultLimits() Limits {
	return Limits{MaxSessions: 16, SessionsPerMinute: 30, AuthTimeout: 90 * time.Second,
		SetupTimeout: defaultSetupLimit, ProxyTimeout: ProxyTimeout}
}

// GatewayConfig is everything a gateway needs; zero fields get defaults.
type GatewayConfig struct {
	SignalingURL string
	Identity     *Identity
	Serve        ServeFunc
	HTTPHandler  http.Handler // the public handler, never the ingress one
	// ProxyHost is the Host header of proxied requests (the public listener's address,
	// so URLs the handler derives from it match a direct request); default "localhost".
	ProxyHost string
	ICE       ICESource
	API       *webrtc.API // from peer.NewRTCAPI; shared by every session
	Log       logrus.FieldLogger
	Clock     clock.Clock
	Limits    Limits
	Backoff   backoff.Backoff // reconnects; zero: signaling.DefaultBackoff (MA's 10 s doubling to 300 s)
	// OnState is told when registration is gained or lost (no blocking).
	OnState func(connected bool)
	Dialer  *websocket.Dialer
}

// Gateway keeps one registration with the signaling server and serves client sessions.
type Gateway struct {
	cfg GatewayConfig
	api *webrtc.API
	log logrus.FieldLogger

	connected atomic.Bool
	dropped   atomic.Int64 // signaling messages dropped on the current connection

	mu       sync.Mutex
	out      chan signaling.Message // current signaling writer, nil while disconnected
	sessions map[string]*session
	starts   []time.Time // session starts within the last minute
	// lastLimitWarn rate-limits the "limit reached" warning.
	lastLimitWarn time.Time
	wg            sync.WaitGroup
	// proxySlots bounds proxied requests across all sessions: each may hold a 10 MiB
	// body (and its hex form), so 16 sessions × 4 requests would be too much memory.
	proxySlots chan struct{}
}

// maxProxyTotal is the gateway-wide bound on proxied requests in flight.
const maxProxyTotal = 8

// NewGateway checks the config and fills defaults.
func NewGateway(cfg GatewayConfig) (*Gateway, error) {
	if cfg.Identity == nil || cfg.Serve == nil {
		return nil, errors.New("remote: gateway needs an identity and a serve function")
	}
	if cfg.SignalingURL == "" {
		cfg.SignalingURL = peer.DefaultSignalingURL
	}
	if cfg.ICE == nil {
		cfg.ICE = StaticICE(peer.DefaultICEServers())
	}
	if cfg.API == nil {
		cfg.API = peer.NewRTCAPI(peer.RTCOptions{})
	}
	if cfg.Log == nil {
		cfg.Log = logrus.StandardLogger()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	d := DefaultLimits()
	if cfg.Limits.MaxSessions == 0 {
		cfg.Limits.MaxSessions = d.MaxSessions
	}
	if cfg.Limits.SessionsPerMinute == 0 {
		cfg.Limits.SessionsPerMinute = d.SessionsPerMinute
	}
	if cfg.Limits.AuthTimeout == 0 {
		cfg.Limits.AuthTimeout = d.AuthTimeout
	}
	if cfg.Limits.SetupTimeout == 0 {
		cfg.Limits.SetupTimeout = d.SetupTimeout
	}
	if cfg.Limits.ProxyTimeout == 0 {
		cfg.Limits.ProxyTimeout = d.ProxyTimeout
	}
	if cfg.ProxyHost == "" {
		cfg.ProxyHost = "localhost"
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment}
	}
	return &Gateway{cfg: cfg, api: cfg.API, log: cfg.Log.WithField("remote_id", cfg.Identity.RemoteID()),
		sessions: map[string]*session{}, proxySlots: make(chan struct{}, maxProxyTotal)}, nil
}

// Connected reports whether the signaling server confirmed our registration.
func (g *Gateway) Connected() bool { return g.connected.Load() }

// Sessions is the number of live client sessions.
func (g *Gateway) Sessions() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sessions)
}
