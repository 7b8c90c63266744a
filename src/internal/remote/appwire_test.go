package remote_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"segue/internal/api"
	"segue/internal/app"
	"segue/internal/auth"
	"segue/internal/config"
	"segue/internal/remote"
	"segue/internal/remote/client"
	"segue/internal/secrets"
)

// The server as the add-on runs it: app wiring builds the controller from the config
// (remote_access on, our signaling server); a remote admin reads remote_access/info over
// the bridge and switches remote access off, which ends the remote session itself.
func TestAppWiredRemoteAccess(t *testing.T) {
	checkGoroutines(t)
	sig := startSignaling(t, "")
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.PublicAddr = "127.0.0.1:0"
	cfg.RemoteAccess = "on"
	cfg.SignalingURL = sig.URL()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, quietLog(), app.Options{Argon2: &secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	if _, ok := a.Registry.Lookup("remote_access/info"); !ok {
		t.Skip("internal/app does not wire remote access yet")
	}
	if _, err := a.Users.CreateFirstAdmin(ctx, "admin", "correct horse"); err != nil {
		t.Fatal(err)
	}
	admin := &auth.Principal{User: auth.User{ID: "x"}, Scopes: auth.NewScopeSet(auth.ScopeAll)}
	info := func() remote.Info {
		res, err := a.API.Call(ctx, admin, api.ConnInfo{}, "remote_access/info", nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(res)
		var in remote.Info
		_ = json.Unmarshal(b, &in)
		return in
	}
	waitFor(t, "registered", func() bool { return info().Connected })
	in := info()
	if !in.Running || in.Mode != remote.ModeOn || in.SignalingURL != sig.URL() || len(in.RemoteID) != 26 {
		t.Fatalf("info %+v", in)
	}
	// The production pion settings (no loopback candidates): this machine's LAN address.
	c, err := client.Dial(ctxT(t), client.Config{SignalingURL: sig.URL(), RemoteID: in.RemoteID, Timeout: 20 * time.Second})
	if err != nil {
		t.Skipf("no non-loopback path on this machine: %v", err)
	}
	defer c.Close()
	token, err := c.Login(ctxT(t), "admin", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(ctxT(t), token); err != nil {
		t.Fatal(err)
	}
	raw, err := c.Call(ctxT(t), "remote_access/info", nil)
	if err != nil {
		t.Fatal(err)
	}
	var remoteView remote.Info
	if err := json.Unmarshal(raw, &remoteView); err != nil || remoteView.RemoteID != in.RemoteID || !remoteView.Connected {
		t.Fatalf("remote view %s", raw)
	}
	// Switching off from the remote session: the reply may or may not arrive before the
	// gateway stops; the session must end and the state must say off.
	_, _ = c.Call(ctxT(t), "remote_access/configure", map[string]bool{"enabled": false})
	select {
	case <-c.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("remote session survived turning remote access off")
	}
	waitFor(t, "stopped", func() bool { in := info(); return !in.Running && !in.Enabled })
}
