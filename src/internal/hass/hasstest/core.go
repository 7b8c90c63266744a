package hasstest

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"

	"segue/internal/clock"
)

// DefaultHAVersion is the ha_version the fake Core reports.
const DefaultHAVersion = "2026.8.3"

// CoreOptions configures a fake Core.
type CoreOptions struct {
	Version string      // default DefaultHAVersion
	Clock   clock.Clock // code and token expiry; default clock.Real
	Rand    io.Reader   // ids, codes and tokens; default crypto/rand
	Logger  logrus.FieldLogger
	// AuthTimeout is how long a websocket may take to send its auth message (HA: 10 s).
	AuthTimeout time.Duration
}

// Core is a fake HA Core: websocket API at /api/websocket, OAuth at /auth/*, and /api/.
// All setters are safe to call while clients are connected.
type Core struct {
	opts   CoreOptions
	server *httptest.Server

	mu           sync.Mutex
	users        []*User // in creation order, as HA lists them
	accessTokens map[string]*accessToken
	refresh      map[string]*refreshToken
	codes        map[codeKey]*authCode
	loginUserID  string
	cloud        CloudState
	iceServers   []ICEServer
	iceMissing   bool // Core older than 2025.12: no cloud/webrtc/ice_servers command
	network      NetworkURLs
	live         map[*websocket.Conn]struct{}
	conns        map[*coreConn]struct{}
	speakers     []*Speaker // media_player entities, in creation order
	connections  int
	received     []ReceivedCommand
	supervisorID string
}

// ReceivedCommand records one command a websocket client sent, for assertions.
type ReceivedCommand struct {
	Connection int // 1 for the first authenticated connection, and so on
	ID         int64
	Type       string
	UserID     string
}

// StartCore starts a fake Core on a loopback port, closed when the test ends.
func StartCore(t testing.TB, opts CoreOptions) *Core {
	t.Helper()
	c := NewCore(opts)
	c.server = httptest.NewServer(c.Handler())
	t.Cleanup(c.Close)
	return c
}

// NewCore builds a fake Core without a server (use Handler to mount it yourself).
func NewCore(opts CoreOptions) *Core {
	if opts.Version == "" {
		opts.Version = DefaultHAVersion
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Logger == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		opts.Logger = l
	}
	if opts.AuthTimeout <= 0 {
		opts.AuthTimeout = 10 * time.Second
	}
	c := &Core{
		opts:         opts,
		accessTokens: map[string]*accessToken{},
		refresh:      map[string]*refreshToken{},
		codes:        map[codeKey]*authCode{},
		cloud:        CloudLoggedOut,
		iceServers:   []ICEServer{{URLs: []string{"turn:turn.example.nabu.casa:3478?transport=udp"}, Username: "1700000000:ha", Credential: "fake-turn-credential"}},
		network:      NetworkURLs{Internal: "http://192.168.1.10:8123"},
		live:         map[*websocket.Conn]struct{}{},
		conns:        map[*coreConn]struct{}{},
	}
	// HA creates this system user for the Supervisor; the Supervisor proxy acts as it.
	sup := c.AddUser(User{Name: "Supervisor", IsActive: true, SystemGenerated: true, GroupIDs: []string{AdminGroup}})
	c.supervisorID = sup.ID
	return c
}

// Handler serves the fake Core's HTTP API.
func (c *Core) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/websocket", c.serveWebsocket)
	mux.HandleFunc("/api/", c.serveREST)
	mux.HandleFunc("/auth/authorize", c.serveAuthorize)
	mux.HandleFunc("/auth/token", c.serveToken)
	mux.HandleFunc("/auth/revoke", c.serveRevoke)
	return mux
}

// URL is the base URL (http://127.0.0.1:port) when started with StartCore.
func (c *Core) URL() string { return c.server.URL }

// WebsocketURL is ws://…/api/websocket.
func (c *Core) WebsocketURL() string {
	return "ws" + strings.TrimPrefix(c.URL(), "http") + "/api/websocket"
}

// Version is the reported ha_version.
func (c *Core) Version() string { return c.opts.Version }

// Close drops every websocket and stops the server.
func (c *Core) Close() {
	c.DropConnections()
	if c.server != nil {
		c.server.Close()
	}
}

// AddUser stores a user (a missing ID is generated) and returns it.
func (c *Core) AddUser(u User) User {
	c.mu.Lock()
	defer c.mu.Unlock()
	if u.ID == "" {
		u.ID = randomHex(c.opts.Rand, 16)
	}
	u.GroupIDs = append([]string{}, u.GroupIDs...)
	c.users = append(c.users, &u)
	return u
}

// UpdateUser changes a stored user in place; it fails the test setup loudly if absent.
func (c *Core) UpdateUser(id string, change func(*User)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.userLocked(id)
	if u == nil {
		panic(fmt.Sprintf("hasstest: no user %q", id))
	}
	change(u)
}

// SetUserGroups replaces a user's groups (e.g. drop system-admin to demote).
func (c *Core) SetUserGroups(id string, groups ...string) {
	c.UpdateUser(id, func(u *User) { u.GroupIDs = append([]string{}, groups...) })
}

// SetUserActive activates or deactivates a user.
func (c *Core) SetUserActive(id string, active bool) {
	c.UpdateUser(id, func(u *User) { u.IsActive = active })
}

// RemoveUser deletes a user and every token of theirs.
func (c *Core) RemoveUser(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, u := range c.users {
		if u.ID == id {
			c.users = append(c.users[:i], c.users[i+1:]...)
			break
		}
	}
	for k, rt := range c.refresh {
		if rt.userID == id {
			c.revokeLocked(k)
		}
	}
}

// User returns a copy of a stored user.
func (c *Core) User(id string) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.userLocked(id)
	if u == nil {
		return User{}, false
	}
	cp := *u
	cp.GroupIDs = append([]string{}, u.GroupIDs...)
	return cp, true
}

// SupervisorUserID is the id of the system user the Supervisor proxy acts as.
func (c *Core) SupervisorUserID() string { return c.supervisorID }

func (c *Core) userLocked(id string) *User {
	for _, u := range c.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// SetNetworkURLs sets what network/url answers.
func (c *Core) SetNetworkURLs(n NetworkURLs) {
	c.mu.Lock()
	c.network = n
	c.mu.Unlock()
}

// NetworkURLs is network/url's answer; "" renders as null.
type NetworkURLs struct {
	Internal, External, Cloud string
}

// DropConnections closes every live websocket, as a Core restart would.
func (c *Core) DropConnections() {
	c.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(c.live))
	for ws := range c.live {
		conns = append(conns, ws)
	}
	c.mu.Unlock()
	for _, ws := range conns {
		ws.Close()
	}
}

// Connections counts websockets that passed the auth phase so far.
func (c *Core) Connections() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connections
}

// Received returns every command received so far, in arrival order.
func (c *Core) Received() []ReceivedCommand {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]ReceivedCommand(nil), c.received...)
}
