package subsonic

import (
	"strconv"
	"strings"
	"time"
)

// maxListValues bounds repeated parameters (id=…&id=…) a call acts on.
const maxListValues = 1000

// intOr reads an integer parameter; absent or malformed gives def (as navidrome
// does), and the result is clamped to [lo, hi].
func (p *Params) intOr(name string, def, lo, hi int) int {
	n := def
	if s := p.Values.Get(name); s != "" {
		if v, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			n = v
		}
	}
	return max(lo, min(n, hi))
}

// has reports whether a parameter was sent.
func (p *Params) has(name string) bool { return p.Values.Has(name) }

func (p *Params) boolOr(name string, def bool) bool {
	switch strings.ToLower(p.Values.Get(name)) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	return def
}

// list returns the values of a repeated parameter, at most maxListValues.
func (p *Params) list(name string) []string {
	vs := p.Values[name]
	if len(vs) > maxListValues {
		vs = vs[:maxListValues]
	}
	return vs
}

// timeMillis reads a Unix-milliseconds time (scrobble's time=); zero when absent.
func (p *Params) timeMillis(name string) time.Time {
	s := p.Values.Get(name)
	if s == "" {
		return time.Time{}
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// iso renders a time as the spec's ISO 8601 (empty for the zero time).
func iso(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
