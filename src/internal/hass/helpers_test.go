package hass

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock/clocktest"
	"segue/internal/hass/hasstest"
)

func quietLogger() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func startFakes(t *testing.T) (*hasstest.Core, *hasstest.Supervisor) {
	t.Helper()
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, Discovery: []string{"segue"}})
	return core, sup
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitLog records the reconnect waits a client asked for: it moves the client's
// fake clock to each wait's end as soon as it is armed, up to limit waits, after
// which the client waits for good, so a client that can never connect does not spin.
type waitLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (w *waitLog) follow(ctx context.Context, clk *clocktest.Fake, limit int) {
	for range limit {
		if !clk.WaitForTimers(1, ctx.Done()) {
			return
		}
		d := clk.AdvanceToNext()
		w.mu.Lock()
		w.waits = append(w.waits, d)
		w.mu.Unlock()
	}
}

func (w *waitLog) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

// runClient starts a reconnecting client on a fake clock; its waits end at once
// and are recorded.
func runClient(t *testing.T, url, token string) (*Client, *waitLog) {
	t.Helper()
	waits := &waitLog{}
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	c, err := NewClient(ClientOptions{
		URL: url, Token: token, Logger: quietLogger(), PingInterval: -1, Clock: clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() {
		defer func() { done <- struct{}{} }()
		c.Run(ctx)
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		waits.follow(ctx, clk, 5)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
	})
	return c, waits
}

func contextWithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
