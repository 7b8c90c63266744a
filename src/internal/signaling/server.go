package signaling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
	"github.com/sirupsen/logrus"

	"segue/internal/wsx"
)

// Server is the signaling server as an http.Handler: /ws, /health, /api/check/<id>.
type Server struct {
	cfg      Config
	log      *logrus.Entry
	hub      *hub
	upgrader websocket.Upgrader
	jsonPing []byte
	redis    *redis.Client
	subDone  <-chan struct{}
	cancel   context.CancelFunc
	handlers sync.WaitGroup
}

// NewServer builds a server; with cfg.RedisURL it joins the cluster (and fails when
// Redis cannot be reached now, so a misconfigured node does not run half-blind).
// Background work stops when ctx ends or Close is called.
func NewServer(ctx context.Context, cfg Config, log *logrus.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = logrus.New()
	}
	node := cfg.NodeID
	if node == "" {
		var err error
		if node, err = randomID(cfg.Rand, 12); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Server{
		cfg: cfg, cancel: cancel,
		log:      log.WithFields(logrus.Fields{"component": "signaling", "node": node}),
		jsonPing: Message{Type: TypePing}.Encode(),
		upgrader: websocket.Upgrader{
			ReadBufferSize: 4096, WriteBufferSize: 4096, HandshakeTimeout: 10 * time.Second,
			// Public endpoint without cookies or credentials: any web origin (the PWA is
			// served from another host) may open it; abuse is handled per IP instead.
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}
	var reg *redisRegistry
	if cfg.RedisURL != "" {
		opts, err := redisOptions(cfg)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("signaling: %w", err)
		}
		s.redis = redis.NewClient(opts)
		pctx, pcancel := context.WithTimeout(ctx, 5*time.Second)
		err = s.redis.Ping(pctx).Err()
		pcancel()
		if err != nil {
			cancel()
			s.redis.Close()
			return nil, fmt.Errorf("signaling: redis at %s: %w", opts.Addr, err)
		}
		reg = &redisRegistry{c: s.redis, prefix: cfg.RedisPrefix, ttl: cfg.RegistrationTTL}
	}
	if reg != nil {
		s.hub = newHub(ctx, cfg, s.log, node, reg)
		var err error
		if s.subDone, err = s.hub.startCluster(ctx, s.redis, reg); err != nil {
			s.Close()
			return nil, fmt.Errorf("signaling: redis subscribe: %w", err)
		}
	} else {
		s.hub = newHub(ctx, cfg, s.log, node, nil)
	}
	return s, nil
}

// Close closes every socket with 1001, stops the cluster loops and waits (bounded by
// cfg.ShutdownTimeout) for the socket handlers to finish.
func (s *Server) Close() {
	s.hub.shutdown()
	done := make(chan struct{})
	go func() { s.handlers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.cfg.ShutdownTimeout): // a safety net in real time: only "give up waiting"
		s.log.Warn("signaling: sockets still open after shutdown timeout")
	}
	s.cancel()
	if s.subDone != nil {
		<-s.subDone
	}
	if s.redis != nil {
		s.redis.Close()
	}
}

// Stats returns counters of this node.
func (s *Server) Stats() Stats { return s.hub.stats() }

// ServeHTTP routes /ws, /health and /api/check/<remoteId>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/ws":
		s.serveWS(w, r)
	case r.URL.Path == "/health":
		s.serveHealth(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/check/"):
		s.serveCheck(w, r)
	default:
		http.NotFound(w, r)
	}
}

// clientIP is the socket peer, or the last X-Forwarded-For hop when the operator says
// a proxy they control sets it (the last entry is the one that proxy appended; earlier
// ones are whatever the client sent).
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustForwardedFor {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	st := s.hub.stats()
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "gateways": st.Gateways, "sessions": st.Sessions, "peers": st.Peers})
}

func (s *Server) serveCheck(w http.ResponseWriter, r *http.Request) {
	ip := s.clientIP(r)
	if ok, retry := s.hub.limiter.allow(ip); !ok {
		secs := int((retry + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": "Rate limited", "retryAfter": secs})
		return
	}
	rid := NormalizeRemoteID(strings.TrimPrefix(r.URL.Path, "/api/check/"))
	online := false
	if rid != "" {
		var err error
		if online, err = s.hub.online(r.Context(), rid); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": ErrTextBackend})
			return
		}
	}
	if !online && s.hub.limiter.failedLookup(ip) {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": ErrTextBlocked})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"online": online})
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	s.handlers.Add(1)
	defer s.handlers.Done()
	ip := s.clientIP(r)
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader already answered with an HTTP error
	}
	// Refused sockets are upgraded first so the client sees a close code, as MA does.
	if ok, retry := s.hub.limiter.openConn(ip); !ok {
		ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(CloseRateLimited, rateLimitedText(retry)), time.Now().Add(time.Second))
		ws.Close()
		return
	}
	defer s.hub.limiter.closeConn(ip)
	p := newPeer(ws, ip, s.cfg.SendQueue, s.cfg.SendQueueBytes)
	if !s.hub.addPeer(p) {
		ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "Server shutting down"), time.Now().Add(time.Second))
		ws.Close()
		return
	}
	// A ping unanswered for a period and a write timeout drops the peer: at most two
	// periods and a write timeout after its last frame.
	p.alive = wsx.StartKeepalive(s.cfg.Clock, wsx.Timing{Every: s.cfg.PingInterval, Wait: s.cfg.PingInterval + s.cfg.WriteTimeout},
		p.ping(s.cfg.WriteTimeout, s.jsonPing), func(error) { ws.Close() })
	defer p.alive.Stop()
	p.alive.Listen(ws)
	go p.writeLoop(s.cfg.WriteTimeout)
	s.readLoop(p)
	close(p.readDone)
	s.hub.disconnect(s.hub.baseCtx, p)
	p.close(websocket.CloseNormalClosure, "")
	<-p.done
}

// readLoop reads until the socket fails (the keepalive closes it when the peer falls
// silent) or a frame exceeds the size limit (gorilla then sends 1009 and fails the read).
func (s *Server) readLoop(p *peer) {
	ws := p.ws
	ws.SetReadLimit(int64(s.cfg.MaxMessageBytes))
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				s.log.WithField("ip", p.ip).Info("closing socket: message over size limit")
			}
			return
		}
		p.alive.Heard()
		if p.closed.Load() {
			continue // closing: read only to meet the peer's close frame
		}
		m, err := DecodeMessage(b, s.cfg.MaxMessageBytes)
		if err != nil {
			if ok, retry := s.hub.limiter.allow(p.ip); !ok {
				s.hub.rateLimited(p, retry)
				continue
			}
			p.sendError(ErrTextInvalidFormat)
			continue
		}
		s.hub.handle(s.hub.baseCtx, p, m)
	}
}
