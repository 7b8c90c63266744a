package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"

	"segue/internal/api"
	"segue/internal/clock"
	"segue/internal/config"
	"segue/internal/haaddon"
	"segue/internal/hass"
	"segue/internal/players"
	"segue/internal/remote"
	"segue/internal/remote/peer"
	"segue/internal/store"

	"github.com/sirupsen/logrus"
)

// newRemote builds remote access: the controller that runs the WebRTC gateway
// (off | on | auto, auto following Home Assistant Cloud in the add-on). The
// gateway bridges data channels in-process to the command API and proxies HTTP
// to the public handler only, less the speakers' stream route.
func newRemote(ctx context.Context, cfg config.Config, log *logrus.Logger, clk clock.Clock, rnd io.Reader, db *store.DB,
	apiSrv *api.Server, public http.Handler, h *haaddon.Conn, onChange func(context.Context, remote.Info), proxyHost func() string) (*remote.Controller, error) {
	mode, err := remote.ParseMode(cfg.RemoteAccess)
	if err != nil {
		return nil, err
	}
	var ice []peer.ICEServer
	for _, u := range cfg.ICEServers {
		ice = append(ice, peer.ICEServer{URLs: []string{u}})
	}
	var cloud remote.CloudSource
	if h != nil {
		cloud = hassCloud{h.Cloud}
	}
	l := log.WithField("component", "remote")
	return remote.NewController(ctx, remote.ControllerConfig{
		DataDir: cfg.DataDir, Mode: mode, ICE: ice, Cloud: cloud, Settings: db, Publish: apiSrv.Publish,
		OnChange: onChange, ProxyHost: proxyHost,
		Gateway: remote.GatewayConfig{
			SignalingURL: cfg.SignalingURL,
			Serve:        apiSrv.ServeConn,
			HTTPHandler:  players.WithoutStreams(public),
			API:          peer.NewRTCAPI(peer.RTCOptions{Log: l}),
			Log:          l,
			Clock:        clk,
		},
		Log: l, Clock: clk, Rand: rnd,
	})
}

// localHost is the Host header of requests remote access proxies into the
// public handler: localhost at the public listener's bound port (Listen sets
// it), so URLs the handler derives from it point where a direct request would.
type localHost struct{ port atomic.Value }

func (h *localHost) set(addr net.Addr) {
	if a, ok := addr.(*net.TCPAddr); ok {
		h.port.Store(strconv.Itoa(a.Port))
	}
}

func (h *localHost) String() string {
	if port, ok := h.port.Load().(string); ok {
		return net.JoinHostPort("localhost", port)
	}
	return "localhost"
}

// hassCloud adapts the HA cloud watcher to what the remote controller consumes.
type hassCloud struct{ w *hass.CloudWatcher }

func (c hassCloud) Subscribe(ctx context.Context) <-chan remote.CloudStatus {
	in, cancel := c.w.Subscribe()
	out := make(chan remote.CloudStatus, 1)
	go func() {
		defer cancel()
		if cur, ok := c.w.Current(); ok {
			select {
			case out <- remote.CloudStatus{LoggedIn: cur.LoggedIn, ActiveSubscription: cur.ActiveSubscription}:
			case <-ctx.Done():
				return
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case st, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- remote.CloudStatus{LoggedIn: st.LoggedIn, ActiveSubscription: st.ActiveSubscription}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func (c hassCloud) ICEServers(ctx context.Context) ([]peer.ICEServer, error) {
	list, err := c.w.ICEServers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]peer.ICEServer, 0, len(list))
	for _, s := range list {
		out = append(out, peer.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential})
	}
	return out, nil
}
