package hasstest

import (
	"net"
	"net/url"
	"strings"
)

// parseClientID applies HA's IndieAuth client_id rules (auth/indieauth.py _parse_client_id):
// http(s) URL, no "."/".." path segments, no fragment, no user info, a valid port, and a
// domain name or a local (loopback/private/link-local) IP — HA rejects public IP literals.
func parseClientID(clientID string) (*url.URL, bool) {
	u, err := url.Parse(clientID)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" {
		return nil, false
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return nil, false
		}
	}
	if u.Fragment != "" || strings.Contains(clientID, "#") || u.User != nil {
		return nil, false
	}
	host := u.Hostname()
	if host == "" {
		return nil, false
	}
	if p := u.Port(); p != "" {
		if !validPort(p) {
			return nil, false
		}
	}
	if ip := net.ParseIP(host); ip != nil {
		if !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast()) {
			return nil, false
		}
	}
	return u, true
}

func validPort(p string) bool {
	if len(p) == 0 || len(p) > 5 {
		return false
	}
	n := 0
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
		n = n*10 + int(r-'0')
	}
	return n <= 65535
}

// redirectURIAllowed applies verify_redirect_uri for the case the fake supports: the
// redirect_uri has the same scheme and host:port as the client_id. (HA also accepts its
// mobile-app exceptions and <link rel="redirect_uri"> entries on the client_id page.)
func redirectURIAllowed(clientID, redirectURI string) bool {
	cid, ok := parseClientID(clientID)
	if !ok {
		return false
	}
	ru, err := url.Parse(redirectURI)
	if err != nil {
		return false
	}
	return strings.EqualFold(cid.Scheme, ru.Scheme) && strings.EqualFold(cid.Host, ru.Host)
}

// encodeURIComponent matches JavaScript's, which the HA frontend uses to append code and state.
func encodeURIComponent(s string) string {
	const keep = "-_.!~*'()"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte(keep, ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[ch>>4])) + strings.ToUpper(string("0123456789abcdef"[ch&15])))
	}
	return b.String()
}
