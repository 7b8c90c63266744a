package hass

import (
	"errors"
	"sync"
	"testing"
)

func TestDialThroughSupervisorAuthenticates(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	conn, err := Dial(ctx, DialOptions{URL: sup.WebsocketURL(), Token: sup.Token(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if conn.HAVersion() != core.Version() {
		t.Fatalf("ha_version %q, want %q", conn.HAVersion(), core.Version())
	}
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	// Through the proxy, auth/current_user is the Supervisor's system user.
	me, err := FetchCurrentUser(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != core.SupervisorUserID() || !me.IsAdmin {
		t.Fatalf("current user through the proxy = %+v, want the Supervisor user", me)
	}
}

func TestDialRejectsWrongToken(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	_, err := Dial(ctx, DialOptions{URL: sup.WebsocketURL(), Token: "wrong", Logger: quietLogger()})
	var ae *AuthError
	if !errors.Is(err, ErrAuthInvalid) || !errors.As(err, &ae) || ae.Message != "Invalid access" {
		t.Fatalf("proxy with a wrong token: got %v", err)
	}
	_, err = Dial(ctx, DialOptions{URL: core.WebsocketURL(), Token: "wrong", Logger: quietLogger()})
	if !errors.As(err, &ae) || ae.Message != "Invalid access token or password" {
		t.Fatalf("core with a wrong token: got %v", err)
	}
}

func TestCommandErrors(t *testing.T) {
	_, sup := startFakes(t)
	ctx := testContext(t)
	conn, err := Dial(ctx, DialOptions{URL: sup.WebsocketURL(), Token: sup.Token(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Call(ctx, "no/such_command", nil, nil)
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Code != CodeUnknownCommand || ce.Message != "Unknown command." {
		t.Fatalf("unknown command: got %v", err)
	}
	// The Supervisor proxy answers supervisor/* itself.
	if err := conn.Call(ctx, "supervisor/api", map[string]any{"endpoint": "/info"}, nil); !IsCommandError(err, CodeUnauthorized) {
		t.Fatalf("supervisor/api through the proxy: got %v", err)
	}
	// The connection still works after errors.
	if err := conn.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentCallsUseStrictlyIncreasingIDs(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	conn, err := Dial(ctx, DialOptions{URL: sup.WebsocketURL(), Token: sup.Token(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const workers, calls = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				var err error
				if i%2 == 0 {
					_, err = FetchNetworkURLs(ctx, conn)
				} else {
					err = conn.Ping(ctx)
				}
				if err != nil {
					errs <- err // an id_reuse from the fake lands here
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent call failed: %v", err)
	}
	var last int64
	n := 0
	for _, rc := range core.Received() {
		if rc.UserID != core.SupervisorUserID() {
			continue
		}
		if rc.ID <= last {
			t.Fatalf("id %d after %d: not strictly increasing", rc.ID, last)
		}
		last = rc.ID
		n++
	}
	if n != workers*calls {
		t.Fatalf("core received %d commands, want %d", n, workers*calls)
	}
}

func TestCallFailsWhenConnectionDrops(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	conn, err := Dial(ctx, DialOptions{URL: sup.WebsocketURL(), Token: sup.Token(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	core.DropConnections()
	<-conn.Done()
	if err := conn.Ping(ctx); !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("ping after drop: got %v, want ErrConnectionLost", err)
	}
}

func TestCoreWebsocketURL(t *testing.T) {
	cases := map[string]string{
		"http://homeassistant:8123":   "ws://homeassistant:8123/api/websocket",
		"https://ha.example.com/":     "wss://ha.example.com/api/websocket",
		"http://10.0.0.2:8123/ha?x=1": "ws://10.0.0.2:8123/ha/api/websocket",
	}
	for in, want := range cases {
		got, err := CoreWebsocketURL(in)
		if err != nil || got != want {
			t.Errorf("CoreWebsocketURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"ftp://x", "homeassistant:8123", "http://"} {
		if _, err := CoreWebsocketURL(bad); err == nil {
			t.Errorf("CoreWebsocketURL(%q) accepted", bad)
		}
	}
}

func TestSupervisorCoreWebsocketURL(t *testing.T) {
	got, err := SupervisorCoreWebsocketURL(DefaultSupervisorURL)
	if err != nil || got != DefaultCoreWebsocketURL {
		t.Fatalf("got %q, %v; want %q", got, err, DefaultCoreWebsocketURL)
	}
	if _, err := SupervisorCoreWebsocketURL("supervisor"); err == nil {
		t.Fatal("a URL without scheme was accepted")
	}
}
