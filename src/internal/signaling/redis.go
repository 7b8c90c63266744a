package signaling

import (
	"crypto/tls"
	"fmt"
	"net/url"

	"github.com/redis/go-redis/v9"
)

// redisOptions reads redis://[[user]:password@]host[:port][/db] or rediss:// (TLS,
// verified against the system roots unless cfg.RedisTLS says otherwise).
func redisOptions(cfg Config) (*redis.Options, error) {
	u, err := url.Parse(cfg.RedisURL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		return nil, fmt.Errorf("redis url: want redis:// or rediss://")
	}
	if u.User != nil {
		if _, has := u.User.Password(); !has {
			// redis://secret@host is the common short form for a password only.
			u.User = url.UserPassword("", u.User.Username())
		}
	}
	opts, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	if opts.TLSConfig != nil && cfg.RedisTLS != nil {
		t := cfg.RedisTLS.Clone()
		if t.ServerName == "" {
			t.ServerName = opts.TLSConfig.ServerName
		}
		opts.TLSConfig = t
	}
	if opts.TLSConfig != nil && opts.TLSConfig.MinVersion < tls.VersionTLS12 {
		opts.TLSConfig.MinVersion = tls.VersionTLS12
	}
	return opts, nil
}
