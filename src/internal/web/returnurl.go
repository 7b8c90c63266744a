package web

import (
	"net"
	"net/url"
	"strings"
)

// MaxReturnURL bounds a return_url before parsing.
const MaxReturnURL = 2048

// ReturnURLPolicy decides which return_url values a login may redirect to:
// an exact allow-list, never a pattern.
type ReturnURLPolicy struct {
	// ExternalURL is the configured external origin (scheme://host[:port]), if any.
	ExternalURL string
}

// Allowed reports whether raw may be used as a redirect target for a request to requestHost.
// Accepted: relative paths on this origin, the same origin, the configured external
// URL's origin, http(s) on localhost/loopback, and the musicassistant:// app scheme.
func (p ReturnURLPolicy) Allowed(raw, requestHost string) bool {
	if raw == "" || len(raw) > MaxReturnURL {
		return false
	}
	for _, r := range raw {
		if r < 0x21 || r == 0x7f || r == '\\' {
			return false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil {
		return false
	}
	if u.Scheme == "" && u.Host == "" {
		// A path on this origin: must be absolute and not protocol-relative.
		return strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//")
	}
	switch u.Scheme {
	case "musicassistant":
		return true
	case "http", "https":
	default:
		return false
	}
	if u.Host == "" || u.Opaque != "" {
		return false
	}
	if strings.EqualFold(u.Host, requestHost) {
		return true
	}
	if p.ExternalURL != "" {
		if ext, err := url.Parse(p.ExternalURL); err == nil && ext.Host != "" &&
			strings.EqualFold(ext.Scheme, u.Scheme) && strings.EqualFold(ext.Host, u.Host) {
			return true
		}
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithCode inserts code=<value> into the query of target, before any #fragment.
func WithCode(target, code string, extra ...string) string {
	frag := ""
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target, frag = target[:i], target[i:]
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	q := "code=" + url.QueryEscape(code)
	for i := 0; i+1 < len(extra); i += 2 {
		q += "&" + url.QueryEscape(extra[i]) + "=" + url.QueryEscape(extra[i+1])
	}
	return target + sep + q + frag
}
