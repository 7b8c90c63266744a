package webui_test

import (
	"context"
	"sync"
	"testing"

	"segue/internal/api"
	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/auth"
)

// standInRemoteID is a remote ID in the real format (26 base32 characters).
const standInRemoteID = "VVPN3TLP34YMGIZDINCEKQKSIR"

// registerRemoteStandIn adds remote_access/info and /configure when the server has no
// remote access wired, so the page's remote section (status, grouped ID, QR code, live
// update from remote_access_updated) can be exercised. It reports whether it did.
func registerRemoteStandIn(t *testing.T, s *apptest.Server[*app.App]) bool {
	t.Helper()
	if _, ok := s.App.Registry.Lookup("remote_access/info"); ok {
		return false
	}
	t.Log("remote access is not wired yet: using a stand-in remote_access/info for the page")
	var mu sync.Mutex
	mode := "on"
	info := func() map[string]any {
		mu.Lock()
		defer mu.Unlock()
		return map[string]any{"enabled": mode != "off", "running": mode != "off", "connected": mode != "off",
			"remote_id": standInRemoteID, "using_ha_cloud": false, "mode": mode,
			"signaling_url": "wss://signaling.example.invalid/ws"}
	}
	s.App.Registry.Register(
		api.Command{Name: "remote_access/info", Scope: auth.ScopeSystemManage,
			Handler: func(context.Context, *api.Call) (any, error) { return info(), nil }},
		api.Command{Name: "remote_access/configure", Scope: auth.ScopeSystemManage,
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				args, err := api.DecodeArgs[struct {
					Mode string `json:"mode"`
				}](c)
				if err != nil {
					return nil, err
				}
				mu.Lock()
				mode = args.Mode
				mu.Unlock()
				s.App.API.Publish("remote_access_updated", "", info())
				return info(), nil
			}},
	)
	return true
}
