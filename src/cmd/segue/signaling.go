package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"segue/internal/logging"
	"segue/internal/signaling"
)

// signalingServer runs the MA-compatible signaling server (`segue signaling`).
func signalingServer(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("signaling", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "0.0.0.0:8787", "listen address")
	redisURL := fs.String("redis-url", "", "redis://host:port (or rediss:// for TLS) to share registrations between several nodes (empty: one node)")
	trustXFF := fs.Bool("trust-forwarded-for", false, "take the client IP from X-Forwarded-For (only behind your own proxy)")
	logLevel := fs.String("log-level", "info", "trace, debug, info, warning or error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg := signaling.Config{Addr: *addr, RedisURL: *redisURL, TrustForwardedFor: *trustXFF}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "segue signaling: %v\n", err)
		return 2
	}
	log := logging.New(os.Stdout, *logLevel)
	if err := signaling.Run(ctx, cfg, log); err != nil {
		log.WithError(err).Error("signaling server stopped with an error")
		return 1
	}
	return 0
}
