package hass

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

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

// waitLog records the reconnect waits a client asked for; after limit waits it blocks
// until the client stops, so a client that can never connect does not spin.
type waitLog struct {
	mu    sync.Mutex
	waits []time.Duration
	limit int
}

func (w *waitLog) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.waits = append(w.waits, d)
	full := len(w.waits) >= w.limit
	w.mu.Unlock()
	if full {
		<-ctx.Done()
	}
	return ctx.Err()
}

func (w *waitLog) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

// runClient starts a reconnecting client; its waits are instant and recorded.
func runClient(t *testing.T, url, token string) (*Client, *waitLog) {
	t.Helper()
	waits := &waitLog{limit: 5}
	c, err := NewClient(ClientOptions{
		URL: url, Token: token, Logger: quietLogger(), PingInterval: -1, Sleep: waits.sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return c, waits
}

func contextWithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
