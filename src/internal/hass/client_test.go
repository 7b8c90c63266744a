package hass

import (
	"context"
	"errors"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
	"segue/internal/testutil"
)

func TestClientReconnectsAfterCoreDropsTheSocket(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	client, waits := runClient(t, sup.WebsocketURL(), sup.Token())
	conns, cancel := client.Connections()
	defer cancel()

	if err := client.Ping(ctx); err != nil {
		t.Fatalf("first ping: %v", err)
	}
	if gen := <-conns; gen != 1 {
		t.Fatalf("first connection number %d, want 1", gen)
	}
	core.DropConnections()
	select {
	case gen := <-conns:
		if gen != 2 {
			t.Fatalf("connection number after drop %d, want 2", gen)
		}
	case <-ctx.Done():
		t.Fatal("client did not reconnect")
	}
	if _, err := FetchCloudStatus(ctx, client); err != nil {
		t.Fatalf("call after reconnect: %v", err)
	}
	if core.Connections() < 2 {
		t.Fatalf("core saw %d connections, want at least 2", core.Connections())
	}
	if w := waits.get(); len(w) == 0 || w[0] != time.Second {
		t.Errorf("reconnect waits %v, want a first wait of the 1 s minimum", w)
	}
}

func TestClientWithWrongTokenBacksOffAndReportsAuthError(t *testing.T) {
	_, sup := startFakes(t)
	client, waits := runClient(t, sup.WebsocketURL(), "wrong-token")
	ctx := testContext(t)
	testutil.WaitFor(t, 10*time.Second, "three failed connection attempts", func() bool { return len(waits.get()) >= 3 })
	short, cancel := contextWithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err := client.Ping(short)
	if !errors.Is(err, ErrAuthInvalid) {
		t.Fatalf("call while unauthorised: got %v, want ErrAuthInvalid in the chain", err)
	}
	w := waits.get()
	if len(w) < 3 {
		t.Fatalf("expected several attempts, got waits %v", w)
	}
	if w[0] != time.Second || w[1] != 2*time.Second || w[2] != 4*time.Second {
		t.Errorf("backoff %v, want 1s, 2s, 4s, …", w)
	}
}

func TestClientSendsHeartbeats(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	c, err := NewClient(ClientOptions{URL: sup.WebsocketURL(), Token: sup.Token(), Logger: quietLogger(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(runCtx) }()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run ended with %v, want context.Canceled", err)
		}
	}()
	pings := func() (n int) {
		for _, rc := range core.Received() {
			if rc.Type == "ping" {
				n++
			}
		}
		return n
	}
	if !clk.WaitForTimers(1, ctx.Done()) { // connected, heartbeat armed
		t.Fatal("no heartbeat armed")
	}
	// Advance returns once the heartbeat it fired has had its pong.
	clk.Advance(29 * time.Second)
	if n := pings(); n != 0 {
		t.Fatalf("%d pings before the 30 s period", n)
	}
	clk.Advance(time.Second)
	clk.Advance(30 * time.Second)
	if n := pings(); n != 2 {
		t.Fatalf("after 60 s: %d pings reached HA, want 2", n)
	}
	if c.HAVersion() == "" {
		t.Fatal("answered heartbeats dropped the connection")
	}
}
