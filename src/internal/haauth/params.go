package haauth

import (
	"errors"
	"net/url"
	"strings"
)

// Bounds on what the callback accepts from the query string. HA's codes are 32 hex
// characters and our states 43; anything far longer is not from this flow.
const (
	maxStateLen = 128
	maxCodeLen  = 512
	maxErrorLen = 256
)

var errBadCallback = errors.New("malformed callback")

// callbackParams are the query parameters HA sends the browser back with.
type callbackParams struct {
	State string
	Code  string
	// Error is set when the user cancelled at HA (OAuth error response).
	Error string
}

// parseCallback validates the callback's query: one value per parameter, bounded
// lengths, printable ASCII only, provider_id (when present) ours, and a state.
func parseCallback(q url.Values) (callbackParams, error) {
	var p callbackParams
	one := func(name string, max int) (string, error) {
		vals := q[name]
		switch {
		case len(vals) == 0:
			return "", nil
		case len(vals) > 1:
			return "", errBadCallback
		}
		v := vals[0]
		if len(v) > max || !printableASCII(v) {
			return "", errBadCallback
		}
		return v, nil
	}
	provider, err := one("provider_id", 64)
	if err != nil || (provider != "" && provider != ProviderID) {
		return p, errBadCallback
	}
	if p.State, err = one("state", maxStateLen); err != nil || p.State == "" {
		return p, errBadCallback
	}
	if p.Code, err = one("code", maxCodeLen); err != nil {
		return p, err
	}
	if p.Error, err = one("error", maxErrorLen); err != nil {
		return p, err
	}
	if p.Code == "" && p.Error == "" {
		return p, errBadCallback
	}
	return p, nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// maxHostLen bounds the Host header we build URLs from.
const maxHostLen = 255

// originOf is scheme://host of a request as the browser addressed it, or "" if the
// Host header is not a plain host[:port]. The scheme is https when the connection
// is TLS or when the configured external URL names this host with https (a TLS
// proxy in front); forwarded headers are not trusted.
func originOf(host string, tls bool, externalURL string) string {
	if host == "" || len(host) > maxHostLen || strings.ContainsAny(host, "/\\?#@ \t\r\n%") {
		return ""
	}
	scheme := "http"
	if tls {
		scheme = "https"
	} else if externalURL != "" {
		if u, err := url.Parse(externalURL); err == nil && strings.EqualFold(u.Host, host) && u.Scheme == "https" {
			scheme = "https"
		}
	}
	u, err := url.Parse(scheme + "://" + host)
	if err != nil || u.Host != host || u.Hostname() == "" || u.Path != "" || u.User != nil {
		return ""
	}
	return scheme + "://" + host
}

// hostOf is the host[:port] of an absolute URL ("" when it has none).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}
