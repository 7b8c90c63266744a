package signaling

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/sirupsen/logrus"
)

// Run listens on cfg.Addr and serves until ctx ends, then shuts down gracefully. It is
// the body of `segue signaling`.
func Run(ctx context.Context, cfg Config, log *logrus.Logger) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	addr := cfg.withDefaults().Addr
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("signaling: listen %s: %w", addr, err)
	}
	return Serve(ctx, ln, cfg, log)
}

// Serve is Run on an existing listener (which it closes).
func Serve(ctx context.Context, ln net.Listener, cfg Config, log *logrus.Logger) error {
	if log == nil {
		log = logrus.New()
	}
	srv, err := NewServer(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	cfg = cfg.withDefaults()
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.WithFields(logrus.Fields{"component": "signaling", "addr": ln.Addr().String(),
		"cluster": cfg.RedisURL != ""}).Info("signaling server listening")
	select {
	case err := <-errc:
		srv.Close()
		return fmt.Errorf("signaling: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	// Shutdown stops the listener and idle HTTP; hijacked WebSockets are ours to close.
	err = hs.Shutdown(sctx)
	srv.Close()
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("signaling: shutdown: %w", err)
	}
	return nil
}
