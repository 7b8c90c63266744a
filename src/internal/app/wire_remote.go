package app

import (
	"context"
	"net"
	"net/http"

	"segue/internal/api"
	"segue/internal/hass"
	"segue/internal/remote"
)

// wireRemote adds remote access: the controller that runs the WebRTC gateway
// (off | on | auto, auto following Home Assistant Cloud in the add-on) and the
// remote_access/* commands. The gateway bridges data channels in-process to the
// command API and proxies HTTP to the public handler only.
func (a *App) wireRemote(ctx context.Context, w *wiring) error {
	mode, err := remote.ParseMode(a.Cfg.RemoteAccess)
	if err != nil {
		return err
	}
	var ice []remote.ICEServer
	for _, u := range a.Cfg.ICEServers {
		ice = append(ice, remote.ICEServer{URLs: []string{u}})
	}
	var cloud remote.CloudSource
	if h := a.Hass(); h != nil {
		cloud = hassCloud{h.Cloud}
	}
	log := a.Log.WithField("component", "remote")
	// Proxied requests carry the public listener's port in Host, so URLs the
	// handler derives from it point where a direct request would.
	proxyHost := "localhost"
	if _, port, err := net.SplitHostPort(a.Cfg.PublicAddr); err == nil && port != "0" {
		proxyHost = net.JoinHostPort("localhost", port)
	}
	ctl, err := remote.NewController(ctx, remote.ControllerConfig{
		DataDir: a.Cfg.DataDir, Mode: mode, ICE: ice, Cloud: cloud, Settings: a.DB, Publish: a.API.Publish,
		CoreState: func(ctx context.Context) any { return a.ServerInfo(ctx, api.ConnInfo{}) },
		Gateway: remote.GatewayConfig{
			SignalingURL: a.Cfg.SignalingURL,
			Serve:        a.API.ServeConn,
			// a.Web is built after the wiring: reach the public handler lazily.
			HTTPHandler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.PublicHandler().ServeHTTP(w, r) }),
			ProxyHost:   proxyHost,
			API:         remote.NewRTCAPI(remote.RTCOptions{Log: log}),
			Log:         log,
			Clock:       a.Clock,
		},
		Log: log, Clock: a.Clock, Rand: a.rnd,
	})
	if err != nil {
		return err
	}
	ctl.RegisterCommands(a.Registry)
	a.remote = ctl
	bg, stop := context.WithCancel(context.Background())
	a.OnShutdown(func(context.Context) { stop() })
	a.goBackground(func() { ctl.Run(bg) })
	return nil
}

// Remote returns the remote-access controller.
func (a *App) Remote() *remote.Controller { return a.remote }

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

func (c hassCloud) ICEServers(ctx context.Context) ([]remote.ICEServer, error) {
	list, err := c.w.ICEServers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]remote.ICEServer, 0, len(list))
	for _, s := range list {
		out = append(out, remote.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential})
	}
	return out, nil
}
