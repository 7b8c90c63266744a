package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/clock/clocktest"
	"segue/internal/config"
	"segue/internal/haaddon"
	"segue/internal/hass/hasstest"
	"segue/internal/logging"
	"segue/internal/testutil"
)

// addonServer is the real server in add-on mode against the HA fakes.
type addonServer struct {
	App   *app.App
	Cfg   config.Config
	Parts *haaddon.Conn
	Clock *clocktest.Fake
	// URL is the public listener; IngressURL the ingress listener (when on loopback).
	URL        string
	IngressURL string
	logs       *apptest.LockedBuffer
}

// addonOptions tune startAddon.
type addonOptions struct {
	// Options is written to options.json.
	Options map[string]any
	// Args are extra or overriding flags.
	Args []string
	// Overrides for the HA wiring (CoreURL defaults to the fake Core).
	Overrides app.HassOverrides
	// PortsFromSupervisor makes the listeners take their ports from the fake
	// Supervisor, as in production (the hosts stay loopback).
	PortsFromSupervisor bool
	// Listen replaces a.Listen (e.g. to open the sockets inside a network namespace).
	Listen func(a *app.App) error
}

// startAddon loads the config exactly as `segue serve` does with SUPERVISOR_TOKEN set,
// redirecting the data dir and the listeners to a temp dir and loopback.
func startAddon(t *testing.T, core *hasstest.Core, sup *hasstest.Supervisor, o addonOptions) *addonServer {
	t.Helper()
	dir := t.TempDir()
	optionsFile := filepath.Join(dir, "options.json")
	opts := map[string]any{"log_level": "debug", "remote_access": "off"}
	for k, v := range o.Options {
		opts[k] = v
	}
	raw, err := json.Marshal(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(optionsFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{
		"--data-dir", filepath.Join(dir, "data"),
		"--public-addr", "127.0.0.1:0",
		"--ingress-addr", "127.0.0.1:0",
		"--ingress-trusted-peer", "127.0.0.1",
		"--supervisor-url", sup.URL(),
	}, o.Args...)
	env := map[string]string{"SUPERVISOR_TOKEN": sup.Token(), "SEGUE_OPTIONS_FILE": optionsFile}
	cfg, err := config.Load(args, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	cfg.PortsFromSupervisor = o.PortsFromSupervisor
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	s := &addonServer{Cfg: cfg, Clock: clocktest.NewFake(time.Now()), logs: &apptest.LockedBuffer{}}
	ov := o.Overrides
	if ov.CoreURL == "" {
		ov.CoreURL = core.URL()
	}
	argon := apptest.FastArgon2
	a, err := app.New(context.Background(), cfg, logging.New(s.logs, "debug"), app.Options{Clock: s.Clock, Argon2: &argon, Hass: ov})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	s.App, s.Parts = a, a.HassParts()
	listen := o.Listen
	if listen == nil {
		listen = func(a *app.App) error { return a.Listen() }
	}
	if err := listen(a); err != nil {
		t.Fatalf("listen: %v", err)
	}
	s.URL = "http://" + a.PublicAddr()
	s.IngressURL = "http://" + a.IngressAddr()
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Errorf("server did not stop within 15 s")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs.String())
		}
	})
	if s.Parts == nil {
		t.Fatal("add-on mode did not wire the Home Assistant parts")
	}
	sup.SetIngressUpstream(s.IngressURL)
	return s
}

// waitConnected waits until the HA websocket is up (the provider is listed only then).
func (s *addonServer) waitConnected(t *testing.T) {
	t.Helper()
	testutil.WaitFor(t, 10*time.Second, "the server to connect to the fake Home Assistant",
		func() bool { return s.Parts.Core.HAVersion() != "" })
}

// do sends a request to the public listener with an optional JSON body and token.
func (s *addonServer) do(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	return doJSON(t, http.DefaultClient, method, s.URL+path, token, body, nil)
}

func doJSON(t *testing.T, c *http.Client, method, url, token string, body any, cookies []*http.Cookie) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// apptestDial opens an MA WebSocket to base.
func apptestDial(t *testing.T, base string) *apptest.WS { return apptest.DialWS(t, base, nil) }
