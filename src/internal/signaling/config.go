package signaling

import (
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"segue/internal/clock"
)

// Config configures a signaling server. Zero values take the defaults listed, which
// match MA's public server where it has one.
type Config struct {
	Addr              string      // listen address for Run; default "0.0.0.0:8787"
	RedisURL          string      // "" = single node, registry in memory; redis:// or rediss:// (TLS)
	RedisTLS          *tls.Config // for rediss://: roots and client certificates; default system roots
	RedisPrefix       string      // key and channel prefix; default "segue:signaling:"
	TrustForwardedFor bool        // take the client IP from the last X-Forwarded-For entry (only behind a proxy you run)

	MaxMessageBytes        int           // per frame; default 64 KiB
	RateLimitPerMinute     int           // messages per IP per minute, ping/pong exempt; default 100
	FailedLookupsPerMinute int           // unknown remote IDs per IP per minute before 4008; default 10
	BaseBlock              time.Duration // first block; doubles per violation; default 60 s
	MaxBlock               time.Duration // default 1 h
	MaxSessionsPerGateway  int           // pending + active sessions of one remote ID; default 32
	MaxSessionsPerClientIP int           // sessions of one client IP at one gateway; default 8
	MaxConnsPerIP          int           // concurrent WebSockets per IP; default 256
	MaxTrackedIPs          int           // rate-limit table size; default 100 000
	SendQueue              int           // frames queued per connection before it is dropped; default 256
	SendQueueBytes         int           // bytes queued per connection before it is dropped; default 1 MiB
	PingInterval           time.Duration // protocol + JSON ping; default 30 s
	SessionReadyTimeout    time.Duration // wait for session-ready before using cached ICE servers; default 10 s
	WriteTimeout           time.Duration // per frame; default 10 s
	RegistrationTTL        time.Duration // Redis registration lifetime, refreshed at TTL/3; default 30 s
	ShutdownTimeout        time.Duration // Run's graceful stop; default 5 s

	Clock  clock.Clock // default clock.Real
	Rand   io.Reader   // session and node ids; default crypto/rand
	NodeID string      // default random; names this node's Redis channel
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.Addr == "" {
		c.Addr = "0.0.0.0:8787"
	}
	if c.RedisPrefix == "" {
		c.RedisPrefix = "segue:signaling:"
	}
	def(&c.MaxMessageBytes, DefaultMaxMessageBytes)
	def(&c.RateLimitPerMinute, 100)
	def(&c.FailedLookupsPerMinute, 10)
	defD(&c.BaseBlock, time.Minute)
	defD(&c.MaxBlock, time.Hour)
	def(&c.MaxSessionsPerGateway, 32)
	def(&c.MaxSessionsPerClientIP, 8)
	def(&c.MaxConnsPerIP, 256)
	def(&c.MaxTrackedIPs, 100_000)
	def(&c.SendQueue, 256)
	def(&c.SendQueueBytes, 1<<20)
	defD(&c.PingInterval, 30*time.Second)
	defD(&c.SessionReadyTimeout, 10*time.Second)
	defD(&c.WriteTimeout, 10*time.Second)
	defD(&c.RegistrationTTL, 30*time.Second)
	defD(&c.ShutdownTimeout, 5*time.Second)
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	return c
}

// Validate reports configuration errors in words an operator can act on.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); c.Addr != "" && err != nil {
		errs = append(errs, fmt.Errorf("signaling: --addr %q: %v", c.Addr, err))
	}
	if c.MaxMessageBytes > 1<<20 {
		errs = append(errs, fmt.Errorf("signaling: message limit %d over 1 MiB", c.MaxMessageBytes))
	}
	if c.RegistrationTTL > 0 && c.RegistrationTTL < time.Second {
		errs = append(errs, fmt.Errorf("signaling: registration TTL %s under 1 s", c.RegistrationTTL))
	}
	for _, r := range c.NodeID {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			errs = append(errs, fmt.Errorf("signaling: node id %q must be [A-Za-z0-9]", c.NodeID))
			break
		}
	}
	return errors.Join(errs...)
}
