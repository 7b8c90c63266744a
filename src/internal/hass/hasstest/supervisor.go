package hasstest

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"
)

// SupervisorOptions configures a fake Supervisor.
type SupervisorOptions struct {
	// Core is the fake HA Core behind /core/* and the ingress sessions' user lookup.
	Core *Core
	// Token is the add-on's SUPERVISOR_TOKEN; random when empty.
	Token string
	// NoHomeassistantAPI models an add-on without homeassistant_api: /core/* answers 401.
	NoHomeassistantAPI bool
	// AuthAPI models auth_api: true, which /auth requires.
	AuthAPI bool
	// Discovery lists the services the add-on may announce (config.yaml "discovery").
	Discovery []string
	// IngressUpstream is the add-on's ingress listener (http://127.0.0.1:port); settable later.
	IngressUpstream string
	// IngressSourceIP is the address ingress requests come from. The real one is 172.30.32.2;
	// "" lets the kernel choose (127.0.0.1 on loopback).
	IngressSourceIP string
	// CorePeerIP is the hop the Supervisor appends to X-Forwarded-For: Core on the hassio
	// bridge. Default 172.30.32.1.
	CorePeerIP string
	// IngressPort is the add-on's ingress_port as config.yaml declares it. 0 (Segue's
	// choice) makes the fake assign a port in 62000–65500 the way the Supervisor does
	// (Ingress.get_dynamic_port); /addons/self/info reports the assigned one.
	IngressPort int
	Rand        io.Reader
	Logger      logrus.FieldLogger
}

// Supervisor is a fake HA Supervisor on a loopback HTTP server.
type Supervisor struct {
	opts         SupervisorOptions
	server       *httptest.Server
	coreToken    string // the Supervisor user's token on Core
	ingressToken string

	mu          sync.Mutex
	addonInfo   map[string]any
	info        map[string]any
	options     map[string]any
	failures    map[string]Failure
	discoveries []Discovery
	sessions    map[string]*ingressSession
	upstream    string
	live        map[*websocket.Conn]struct{}
}

// Failure is an error the fake answers on a path instead of its data, with the envelope.
type Failure struct {
	Status  int
	Message string
}

// Discovery is one POST /discovery the add-on made.
type Discovery struct {
	UUID    string
	Service string
	Config  map[string]any
}

// StartSupervisor starts a fake Supervisor, closed when the test ends.
func StartSupervisor(t testing.TB, opts SupervisorOptions) *Supervisor {
	t.Helper()
	s := NewSupervisor(opts)
	s.server = httptest.NewServer(s.Handler())
	t.Cleanup(s.Close)
	return s
}

// NewSupervisor builds the fake without a server (see Handler).
func NewSupervisor(opts SupervisorOptions) *Supervisor {
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Token == "" {
		opts.Token = randomHex(opts.Rand, 32)
	}
	if opts.CorePeerIP == "" {
		opts.CorePeerIP = "172.30.32.1"
	}
	if opts.Logger == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		opts.Logger = l
	}
	s := &Supervisor{
		opts:         opts,
		ingressToken: randomHex(opts.Rand, 32),
		failures:     map[string]Failure{},
		sessions:     map[string]*ingressSession{},
		upstream:     opts.IngressUpstream,
		live:         map[*websocket.Conn]struct{}{},
		options:      map[string]any{"log_level": "info", "remote_access": "auto"},
	}
	if opts.Core != nil {
		s.coreToken = opts.Core.CreateLongLivedToken(opts.Core.SupervisorUserID())
	}
	if opts.IngressPort == 0 {
		s.opts.IngressPort = DynamicIngressPortMin + int(randomUint16(opts.Rand))%(DynamicIngressPortMax-DynamicIngressPortMin+1)
	}
	s.addonInfo = s.defaultAddonInfo()
	s.info = map[string]any{
		"supervisor": "2026.08.0", "homeassistant": s.coreVersion(), "hassos": "16.2", "docker": "28.3.3",
		"hostname": "homeassistant", "operating_system": "Home Assistant OS 16.2", "features": []string{"reboot", "shutdown", "hassos"},
		"machine": "generic-x86-64", "machine_id": randomHex(opts.Rand, 16), "arch": "amd64",
		"supported_arch": []string{"amd64"}, "state": "running", "supported": true, "channel": "stable",
		"logging": "info", "timezone": "Europe/Amsterdam",
	}
	return s
}

func (s *Supervisor) coreVersion() string {
	if s.opts.Core == nil {
		return DefaultHAVersion
	}
	return s.opts.Core.Version()
}

func (s *Supervisor) defaultAddonInfo() map[string]any {
	return map[string]any{
		"name": "Segue", "slug": "local_segue", "hostname": "local-segue", "description": "Music server",
		"stage": "stable", "repository": "local", "version": "0.1.0", "version_latest": "0.1.0",
		"update_available": false, "protected": true, "rating": 6, "boot": "auto", "boot_config": "auto",
		"options": s.options, "arch": []string{"aarch64", "amd64"}, "url": "https://example.invalid/segue",
		"state": "started", "startup": "application", "advanced": false,
		"ingress": true, "ingress_entry": "", "ingress_url": "/api/hassio_ingress/" + s.ingressToken + "/",
		"ingress_port": s.opts.IngressPort, "ingress_panel": true, "ip_address": "172.30.33.5",
		"network": map[string]any{"8095/tcp": 8095}, "network_description": map[string]any{"8095/tcp": "Music API"},
		"host_network": true, "homeassistant_api": !s.opts.NoHomeassistantAPI, "hassio_api": false,
		"hassio_role": "default", "auth_api": s.opts.AuthAPI, "discovery": s.opts.Discovery,
		"webui": nil, "watchdog": true,
	}
}

// Handler serves the fake Supervisor API and the ingress proxy.
func (s *Supervisor) Handler() http.Handler { return http.HandlerFunc(s.route) }

// URL is the base URL, to be used instead of http://supervisor.
func (s *Supervisor) URL() string { return s.server.URL }

// WebsocketURL is the Core websocket proxy, to be used instead of ws://supervisor/core/websocket.
func (s *Supervisor) WebsocketURL() string {
	return "ws" + strings.TrimPrefix(s.URL(), "http") + "/core/websocket"
}

// Token is the add-on's SUPERVISOR_TOKEN.
func (s *Supervisor) Token() string { return s.opts.Token }

// Close drops proxied websockets and stops the server.
func (s *Supervisor) Close() {
	s.DropConnections()
	if s.server != nil {
		s.server.Close()
	}
}

// SetAddonInfo overrides one field of /addons/self/info.
func (s *Supervisor) SetAddonInfo(key string, value any) {
	s.mu.Lock()
	s.addonInfo[key] = value
	s.mu.Unlock()
}

// SetOptions sets the add-on options (/addons/self/options/config and info's options).
func (s *Supervisor) SetOptions(options map[string]any) {
	s.mu.Lock()
	s.options = options
	s.addonInfo["options"] = options
	s.mu.Unlock()
}

// FailPath makes path answer the error envelope with status and message until cleared
// with a zero Failure.
func (s *Supervisor) FailPath(path string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Status == 0 {
		delete(s.failures, path)
		return
	}
	s.failures[path] = f
}

// Discoveries returns what the add-on announced.
func (s *Supervisor) Discoveries() []Discovery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Discovery(nil), s.discoveries...)
}

// addonSelfPath is what an add-on without hassio_api may reach under /addons/self
// (security middleware: one segment except security/update, plus options/config).
var addonSelfPath = regexp.MustCompile(`^/addons/self/(?:(?:[^/]+)|options/config)$`)

func addonMayCall(path string) bool {
	switch {
	case path == "/addons/self/security" || path == "/addons/self/update":
		return false
	case addonSelfPath.MatchString(path), path == "/info", path == "/auth",
		path == "/services" || strings.HasPrefix(path, "/services/"),
		path == "/discovery" || strings.HasPrefix(path, "/discovery/"),
		path == "/core/websocket", strings.HasPrefix(path, "/core/api/"):
		return true
	}
	return false
}

// supervisorToken is extract_supervisor_token: Bearer, X-Supervisor-Token or X-Hassio-Key.
func supervisorToken(r *http.Request) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t
	}
	if t := r.Header.Get("X-Supervisor-Token"); t != "" {
		return t
	}
	return r.Header.Get("X-Hassio-Key")
}

func (s *Supervisor) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if strings.HasPrefix(path, ingressPrefix) { // Core's ingress view, no Supervisor token
		s.serveIngress(w, r)
		return
	}
	if path == "/core/websocket" || path == "/core/api/websocket" {
		// The proxy authenticates inside the websocket, not with headers.
		s.serveWebsocketProxy(w, r)
		return
	}
	token := supervisorToken(r)
	if token == "" {
		http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
		return
	}
	if token != s.opts.Token || !addonMayCall(path) {
		http.Error(w, "403: Forbidden", http.StatusForbidden)
		return
	}
	if strings.HasPrefix(path, "/core/api/") {
		s.serveCoreAPI(w, r)
		return
	}
	s.mu.Lock()
	failure, failing := s.failures[path]
	s.mu.Unlock()
	if failing {
		writeEnvelopeError(w, failure.Status, failure.Message)
		return
	}
	switch {
	case path == "/addons/self/info" && r.Method == http.MethodGet:
		s.mu.Lock()
		data := cloneMap(s.addonInfo)
		s.mu.Unlock()
		writeEnvelope(w, data)
	case path == "/addons/self/options/config" && r.Method == http.MethodGet:
		s.mu.Lock()
		data := cloneMap(s.options)
		s.mu.Unlock()
		writeEnvelope(w, data)
	case path == "/info" && r.Method == http.MethodGet:
		s.mu.Lock()
		data := cloneMap(s.info)
		s.mu.Unlock()
		writeEnvelope(w, data)
	case path == "/auth" && (r.Method == http.MethodGet || r.Method == http.MethodPost):
		s.serveAuth(w, r)
	case path == "/discovery" && r.Method == http.MethodPost:
		s.serveDiscovery(w, r)
	default:
		http.Error(w, "404: Not Found", http.StatusNotFound)
	}
}

func (s *Supervisor) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Service string         `json:"service"`
		Config  map[string]any `json:"config"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil || body.Service == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	allowed := false
	for _, svc := range s.opts.Discovery {
		allowed = allowed || svc == body.Service
	}
	if !allowed {
		writeEnvelopeError(w, http.StatusForbidden, "Apps must list services they provide via discovery in their config!")
		return
	}
	d := Discovery{UUID: randomHex(s.opts.Rand, 16), Service: body.Service, Config: body.Config}
	s.mu.Lock()
	s.discoveries = append(s.discoveries, d)
	s.mu.Unlock()
	writeEnvelope(w, map[string]any{"uuid": d.UUID})
}

// serveCoreAPI proxies /core/api/<path> to Core /api/<path> as the Supervisor user.
func (s *Supervisor) serveCoreAPI(w http.ResponseWriter, r *http.Request) {
	if s.opts.NoHomeassistantAPI || s.opts.Core == nil {
		http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
		return
	}
	target := s.opts.Core.URL() + strings.TrimPrefix(r.URL.Path, "/core") + queryString(r)
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target, r.Body)
	if err != nil {
		http.Error(w, "502: Bad Gateway", http.StatusBadGateway)
		return
	}
	req.Header.Set("Authorization", "Bearer "+s.coreToken)
	for _, h := range []string{"Accept", "Content-Type", "X-Speech-Content", "Last-Event-ID"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, "502: Bad Gateway", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func queryString(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}

func writeEnvelope(w http.ResponseWriter, data any) {
	writeJSONResponse(w, http.StatusOK, map[string]any{"result": "ok", "data": data})
}

func writeEnvelopeError(w http.ResponseWriter, status int, message string) {
	writeJSONResponse(w, status, map[string]any{"result": "error", "message": message})
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Start starts a fake Core and a fake Supervisor in front of it (homeassistant_api on,
// discovery of "segue" allowed), both closed when the test ends.
func Start(t testing.TB) (*Core, *Supervisor) {
	t.Helper()
	core := StartCore(t, CoreOptions{})
	return core, StartSupervisor(t, SupervisorOptions{Core: core, Discovery: []string{"segue"}})
}
