package httpx

import (
	"net/url"
	"strings"
)

// MaxReturnURL bounds a return_url before parsing.
const MaxReturnURL = 2048

// ReturnURLPolicy decides which return_url values a login may redirect to,
// and what they get: exact allow-lists, never patterns or prefixes.
type ReturnURLPolicy struct {
	// ExternalURL is the configured external origin (scheme://host[:port]), if any.
	ExternalURL string
	// MAFrontendOrigins are the admin-listed origins of Music Assistant's web
	// frontend, which reads ?code= as its token (none by default).
	MAFrontendOrigins []string
}

// ReturnTarget is what a redirect target may receive.
type ReturnTarget int

const (
	// NotAllowed: no redirect there at all.
	NotAllowed ReturnTarget = iota
	// OwnPage: Segue's own web UI; it gets a one-time code (or nothing), never a token.
	OwnPage
	// MAApp: a Music Assistant app that by protocol reads ?code= as its token:
	// exactly musicassistant://auth/callback, or a listed frontend origin.
	MAApp
)

// MAAppCallback is the companion app's deep link, matched exactly.
const MAAppCallback = "musicassistant://auth/callback"

// Allowed reports whether raw may be used as a redirect target at all.
func (p ReturnURLPolicy) Allowed(raw, requestHost string) bool {
	return p.Classify(raw, requestHost) != NotAllowed
}

// Classify tells what a redirect to raw (for a request to requestHost) may carry.
func (p ReturnURLPolicy) Classify(raw, requestHost string) ReturnTarget {
	if raw == "" || len(raw) > MaxReturnURL {
		return NotAllowed
	}
	for _, r := range raw {
		if r < 0x21 || r == 0x7f || r == '\\' {
			return NotAllowed
		}
	}
	if raw == MAAppCallback {
		return MAApp
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil {
		return NotAllowed
	}
	if u.Scheme == "" && u.Host == "" {
		// A path on this origin: must be absolute and not protocol-relative.
		if strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") {
			return OwnPage
		}
		return NotAllowed
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Opaque != "" {
		return NotAllowed
	}
	for _, o := range p.MAFrontendOrigins {
		if sameOrigin(o, u) {
			return MAApp
		}
	}
	if strings.EqualFold(u.Host, requestHost) {
		return OwnPage
	}
	if p.ExternalURL != "" && sameOrigin(p.ExternalURL, u) {
		return OwnPage
	}
	return NotAllowed
}

// sameOrigin compares scheme and host[:port] of origin with u.
func sameOrigin(origin string, u *url.URL) bool {
	o, err := url.Parse(origin)
	return err == nil && o.Host != "" && strings.EqualFold(o.Scheme, u.Scheme) && strings.EqualFold(o.Host, u.Host)
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
