package remote

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock"
	"segue/internal/remote/peer"
)

// Mode is the remote_access option.
type Mode string

const (
	ModeOff  Mode = "off"
	ModeOn   Mode = "on"
	ModeAuto Mode = "auto" // on while Home Assistant Cloud has an active subscription
)

// ParseMode validates a mode string (empty means auto).
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "":
		return ModeAuto, nil
	case ModeOff, ModeOn, ModeAuto:
		return Mode(s), nil
	}
	return "", fmt.Errorf("remote_access must be off, on or auto, not %q", s)
}

// CloudStatus is what HA's cloud/status reports.
type CloudStatus struct {
	LoggedIn           bool
	ActiveSubscription bool
}

// Usable reports whether HA Cloud can give us TURN relays.
func (s CloudStatus) Usable() bool { return s.LoggedIn && s.ActiveSubscription }

// CloudSource is Home Assistant Cloud as the HA client sees it (internal/hass).
type CloudSource interface {
	// Subscribe delivers the current status first and then every change until ctx ends.
	Subscribe(ctx context.Context) <-chan CloudStatus
	// ICEServers fetches fresh relay credentials (cloud/webrtc/ice_servers); called per session.
	ICEServers(ctx context.Context) ([]peer.ICEServer, error)
}

// Settings persists the mode chosen with remote_access/configure (store.DB satisfies it).
type Settings interface {
	Setting(ctx context.Context, key string) (value string, ok bool, err error)
	SetSetting(ctx context.Context, key, value string) error
}

// Setting keys.
const (
	settingMode   = "remote_access.mode"
	settingOption = "remote_access.option" // the option value the mode was last taken from
)

// Publisher pushes an API event (api.Server.Publish).
type Publisher func(event, objectID string, data any)

// EventUpdated is published with the Info whenever the remote access state changes.
const EventUpdated = "remote_access_updated"

// ControllerConfig wires a Controller.
type ControllerConfig struct {
	DataDir  string           // where the DTLS identity lives
	Mode     Mode             // the configured option (flag --remote-access / option remote_access)
	ICE      []peer.ICEServer // option ice_servers; empty means public STUN
	Cloud    CloudSource      // nil outside Home Assistant
	Settings Settings
	Publish  Publisher
	// OnChange, when set, hears every change of the visible state, after
	// EventUpdated is published (the server info follows Running for MA's
	// has_remote_access).
	OnChange func(ctx context.Context, in Info)
	// ProxyHost, when set, is asked for Gateway.ProxyHost each time a gateway
	// starts (the public listener's port is known only once it is bound).
	ProxyHost func() string
	// Gateway is the template for every gateway started (Serve, HTTPHandler, API, limits…).
	Gateway GatewayConfig
	Log     logrus.FieldLogger
	Clock   clock.Clock
	Rand    io.Reader
}

// Info is the remote_access/info result (MA's RemoteAccessInfo plus mode and the grouped ID).
type Info struct {
	Enabled         bool   `json:"enabled"`
	Running         bool   `json:"running"`
	Connected       bool   `json:"connected"`
	RemoteID        string `json:"remote_id"`
	RemoteIDDisplay string `json:"remote_id_display"`
	UsingHACloud    bool   `json:"using_ha_cloud"`
	SignalingURL    string `json:"signaling_url"`
	Mode            Mode   `json:"mode"`
	Error           string `json:"error,omitempty"`
}

// Controller decides when the gateway runs and serves the remote_access commands.
type Controller struct {
	cfg     ControllerConfig
	log     logrus.FieldLogger
	id      *Identity
	idErr   error
	changed chan struct{}

	mu        sync.Mutex
	mode      Mode
	cloud     CloudStatus
	running   bool
	connected bool
	last      Info
	// appliedMode is the mode Run last acted on; applied is closed and
	// replaced each time Run has acted (remote_access/configure waits on it).
	appliedMode Mode
	applied     chan struct{}
}

// NewController loads the DTLS identity when there is one, and the persisted mode. A
// missing identity is made the first time remote access starts, so a server that never
// uses it creates nothing. A damaged identity does not stop the server: remote access
// stays off and every info call shows the error, so the user sees it.
func NewController(ctx context.Context, cfg ControllerConfig) (*Controller, error) {
	if cfg.Log == nil {
		cfg.Log = logrus.StandardLogger()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Mode == "" {
		cfg.Mode = ModeAuto
	}
	if cfg.Gateway.SignalingURL == "" {
		cfg.Gateway.SignalingURL = peer.DefaultSignalingURL
	}
	c := &Controller{cfg: cfg, log: cfg.Log, changed: make(chan struct{}, 1), mode: cfg.Mode, applied: make(chan struct{})}
	if cfg.Rand == nil {
		return nil, fmt.Errorf("remote: controller needs a random source")
	}
	if identityPresent(cfg.DataDir) {
		c.loadIdentity()
	}
	if err := c.loadMode(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// loadIdentity loads or creates the DTLS identity and says which, at info: creating
// one is expected on first use, not a problem.
func (c *Controller) loadIdentity() {
	id, err := LoadOrCreateIdentity(c.cfg.DataDir, c.cfg.Clock.Now(), c.cfg.Rand)
	c.mu.Lock()
	c.id, c.idErr = id, err
	c.mu.Unlock()
	switch {
	case err != nil:
		c.log.WithError(err).Error("remote: remote access is unavailable until the DTLS identity is fixed")
	case id.Created:
		c.log.WithField("remote_id", peer.FormatRemoteID(id.RemoteID())).Info("remote: created the DTLS identity for remote access")
	default:
		c.log.WithField("remote_id", peer.FormatRemoteID(id.RemoteID())).Info("remote: DTLS identity loaded")
		// Not renewed automatically: a new certificate is a new remote ID, so every
		// paired client must pair again. Say so early.
		if left := id.NotAfter().Sub(c.cfg.Clock.Now()); left < 30*24*time.Hour {
			c.log.WithField("expires", id.NotAfter().Format(time.DateOnly)).Warn("remote: the remote access certificate expires soon; delete webrtc_certificate.pem and webrtc_private_key.pem to make a new one (the remote ID will change)")
		}
	}
}

// loadMode applies "last writer wins" between the option and remote_access/configure: the
// persisted mode is used unless the option changed since it was last taken over.
func (c *Controller) loadMode(ctx context.Context) error {
	s := c.cfg.Settings
	if s == nil {
		return nil
	}
	seen, ok, err := s.Setting(ctx, settingOption)
	if err != nil {
		return fmt.Errorf("remote: read settings: %w", err)
	}
	if !ok || Mode(seen) != c.cfg.Mode {
		if err := s.SetSetting(ctx, settingOption, string(c.cfg.Mode)); err != nil {
			return fmt.Errorf("remote: write settings: %w", err)
		}
		return s.SetSetting(ctx, settingMode, string(c.cfg.Mode))
	}
	stored, ok, err := s.Setting(ctx, settingMode)
	if err != nil {
		return fmt.Errorf("remote: read settings: %w", err)
	}
	if m, perr := ParseMode(stored); ok && perr == nil {
		c.mode = m
	}
	return nil
}

// Identity returns the DTLS identity (nil until remote access first started, or nil
// with the error when it is damaged).
func (c *Controller) Identity() (*Identity, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.id, c.idErr
}

// Info reports the current state.
func (c *Controller) Info() Info {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.infoLocked()
}

func (c *Controller) infoLocked() Info {
	in := Info{Enabled: c.mode != ModeOff, Running: c.running, Connected: c.connected,
		UsingHACloud: c.running && c.usingCloudLocked(), SignalingURL: c.cfg.Gateway.SignalingURL, Mode: c.mode}
	if c.id != nil {
		in.RemoteID, in.RemoteIDDisplay = c.id.RemoteID(), peer.FormatRemoteID(c.id.RemoteID())
	}
	if c.idErr != nil {
		in.Error = "The remote access certificate is damaged; see the server log."
	}
	return in
}

func (c *Controller) usingCloudLocked() bool { return c.cfg.Cloud != nil && c.cloud.Usable() }

func (c *Controller) wantRunningLocked() bool {
	if c.idErr != nil {
		return false
	}
	switch c.mode {
	case ModeOn:
		return true
	case ModeAuto:
		return c.usingCloudLocked()
	}
	return false
}

// SetMode persists a new mode (remote_access/configure) and applies it.
func (c *Controller) SetMode(ctx context.Context, m Mode) error {
	if c.cfg.Settings != nil {
		if err := c.cfg.Settings.SetSetting(ctx, settingMode, string(m)); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.mode = m
	c.mu.Unlock()
	c.poke()
	return nil
}

func (c *Controller) poke() {
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// Run starts and stops the gateway as the mode and HA Cloud status require, until ctx
// ends; then it stops the gateway and returns.
func (c *Controller) Run(ctx context.Context) {
	var cloudCh <-chan CloudStatus
	if c.cfg.Cloud != nil {
		cloudCh = c.cfg.Cloud.Subscribe(ctx)
	}
	var gwCancel context.CancelFunc
	var gwDone chan struct{}
	stop := func() {
		if gwCancel != nil {
			gwCancel()
			<-gwDone
			gwCancel, gwDone = nil, nil
		}
	}
	defer stop()
	for {
		c.mu.Lock()
		want, mode := c.wantRunningLocked(), c.mode
		c.mu.Unlock()
		switch {
		case want && gwCancel == nil:
			if id, _ := c.Identity(); id == nil {
				c.loadIdentity() // first start: make the identity now
				if id, _ := c.Identity(); id == nil {
					break
				}
			}
			gw, err := c.newGateway()
			if err != nil {
				c.log.WithError(err).Error("remote: cannot start the gateway")
				break
			}
			gctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			gwCancel, gwDone = cancel, done
			go func() { defer close(done); gw.Run(gctx) }()
			c.setRunning(true)
			c.log.Info("remote: remote access started")
		case !want && gwCancel != nil:
			stop()
			c.setRunning(false)
			c.log.Info("remote: remote access stopped")
		}
		c.maybePublish(ctx)
		c.markApplied(mode)
		select {
		case <-ctx.Done():
			return
		case <-c.changed:
		case st, ok := <-cloudCh:
			if !ok {
				cloudCh = nil
				st = CloudStatus{}
			}
			c.mu.Lock()
			c.cloud = st
			c.mu.Unlock()
		}
	}
}

func (c *Controller) newGateway() (*Gateway, error) {
	gc := c.cfg.Gateway
	gc.Identity, _ = c.Identity()
	if c.cfg.ProxyHost != nil {
		gc.ProxyHost = c.cfg.ProxyHost()
	}
	gc.ICE = controllerICE{c}
	gc.OnState = func(connected bool) {
		c.mu.Lock()
		c.connected = connected
		c.mu.Unlock()
		c.poke()
	}
	if gc.Log == nil {
		gc.Log = c.log
	}
	return NewGateway(gc)
}

func (c *Controller) setRunning(v bool) {
	c.mu.Lock()
	c.running = v
	if !v {
		c.connected = false
	}
	c.mu.Unlock()
}

// markApplied tells waitApplied that Run has acted on mode.
func (c *Controller) markApplied(mode Mode) {
	c.mu.Lock()
	c.appliedMode = mode
	close(c.applied)
	c.applied = make(chan struct{})
	c.mu.Unlock()
}

// maybePublish sends the events when the visible state changed.
func (c *Controller) maybePublish(ctx context.Context) {
	c.mu.Lock()
	in := c.infoLocked()
	changed := in != c.last
	c.last = in
	c.mu.Unlock()
	if !changed {
		return
	}
	if c.cfg.Publish != nil {
		c.cfg.Publish(EventUpdated, "", in)
	}
	if c.cfg.OnChange != nil {
		c.cfg.OnChange(ctx, in)
	}
}
