package redisx

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ParseURL reads redis://[[user]:password@]host[:port][/db]. TLS (rediss://) is not
// supported: signaling nodes and Redis are expected to share a private network.
func ParseURL(raw string) (Options, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Options{}, fmt.Errorf("redis url: %w", err)
	}
	if u.Scheme != "redis" {
		return Options{}, fmt.Errorf("redis url: scheme %q unsupported (want redis://)", u.Scheme)
	}
	host := u.Host
	if host == "" {
		return Options{}, fmt.Errorf("redis url: missing host")
	}
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(strings.Trim(host, "[]"), "6379")
	}
	o := Options{Addr: host}
	if u.User != nil {
		o.Username = u.User.Username()
		o.Password, _ = u.User.Password()
		if _, has := u.User.Password(); !has {
			// redis://secret@host is the common short form for a password only.
			o.Password, o.Username = o.Username, ""
		}
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		db, err := strconv.Atoi(p)
		if err != nil || db < 0 {
			return Options{}, fmt.Errorf("redis url: bad database %q", p)
		}
		o.DB = db
	}
	return o, nil
}
