package hasstest

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"
)

// ingressPrefix is Core's ingress view; the add-on sees X-Ingress-Path = prefix + token.
const ingressPrefix = "/api/hassio_ingress/"

// IngressCookie is the name of the session cookie the frontend sets.
const IngressCookie = "ingress_session"

// ingressSession snapshots the user at creation, as the Supervisor does.
type ingressSession struct {
	userID, username, name string
}

// IngressPath is the X-Ingress-Path value: /api/hassio_ingress/<token>, no trailing slash.
func (s *Supervisor) IngressPath() string { return ingressPrefix + s.ingressToken }

// IngressURL is where a browser opens the panel: <base>/api/hassio_ingress/<token>/.
func (s *Supervisor) IngressURL() string { return s.URL() + s.IngressPath() + "/" }

// SetIngressUpstream points the proxy at the add-on's ingress listener.
func (s *Supervisor) SetIngressUpstream(rawURL string) {
	s.mu.Lock()
	s.upstream = rawURL
	s.mu.Unlock()
}

// NewIngressSession creates a session for an HA user and returns its cookie. The user is
// looked up in Core now; an unknown id or "" gives a session without user data, so the
// add-on then gets no X-Remote-User-* headers — exactly as the Supervisor behaves.
func (s *Supervisor) NewIngressSession(haUserID string) *http.Cookie {
	sess := &ingressSession{}
	if haUserID != "" && s.opts.Core != nil {
		if u, ok := s.opts.Core.User(haUserID); ok {
			sess.userID, sess.username, sess.name = u.ID, u.Username, u.Name
		}
	}
	token := randomHex(s.opts.Rand, 64)
	s.mu.Lock()
	s.sessions[token] = sess
	s.mu.Unlock()
	return &http.Cookie{Name: IngressCookie, Value: token, Path: "/api/hassio_ingress/"}
}

// headers the Supervisor never lets a client pass to an add-on.
var strippedIngressHeaders = []string{
	"X-Remote-User-Id", "X-Remote-User-Name", "X-Remote-User-Display-Name",
	"X-Supervisor-Token", "X-Hassio-Key", "Accept-Encoding",
}

func (s *Supervisor) serveIngress(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), ingressPrefix)
	token, subPath, _ := strings.Cut(rest, "/")
	var sess *ingressSession
	if c, err := r.Cookie(IngressCookie); err == nil {
		s.mu.Lock()
		sess = s.sessions[c.Value]
		s.mu.Unlock()
	}
	if sess == nil {
		http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	upstreamRaw := s.upstream
	s.mu.Unlock()
	if token != s.ingressToken || upstreamRaw == "" {
		http.Error(w, "503: Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	upstream, err := url.Parse(upstreamRaw)
	if err != nil {
		http.Error(w, "502: Bad Gateway", http.StatusBadGateway)
		return
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			s.rewriteIngress(pr, upstream, token, "/"+subPath, sess)
		},
		Transport:     s.ingressTransport(),
		FlushInterval: -1, // stream (SSE, large bodies) like the Supervisor does
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
			http.Error(w, "502: Bad Gateway", http.StatusBadGateway)
		},
	}
	proxy.ServeHTTP(w, r)
}

// rewriteIngress applies what Core and the Supervisor do to an ingress request.
func (s *Supervisor) rewriteIngress(pr *httputil.ProxyRequest, upstream *url.URL, token, escapedPath string, sess *ingressSession) {
	out, in := pr.Out, pr.In
	out.URL.Scheme, out.URL.Host = upstream.Scheme, upstream.Host
	out.URL.RawPath = escapedPath
	if p, err := url.PathUnescape(escapedPath); err == nil {
		out.URL.Path = p
	}
	out.URL.RawQuery = in.URL.RawQuery
	out.Host = in.Host // the browser's headers, Host included, pass through
	for _, h := range strippedIngressHeaders {
		out.Header.Del(h)
	}
	out.Header.Set("X-Hass-Source", "core.ingress")
	out.Header.Set("X-Ingress-Path", ingressPrefix+token)
	clientIP, _, err := net.SplitHostPort(in.RemoteAddr)
	if err != nil {
		clientIP = in.RemoteAddr
	}
	xff := clientIP
	if prior := in.Header.Get("X-Forwarded-For"); prior != "" {
		xff = prior + ", " + clientIP
	}
	out.Header.Set("X-Forwarded-For", xff+", "+s.opts.CorePeerIP)
	if h := in.Header.Get("X-Forwarded-Host"); h != "" {
		out.Header.Set("X-Forwarded-Host", h)
	} else {
		out.Header.Set("X-Forwarded-Host", in.Host)
	}
	if p := in.Header.Get("X-Forwarded-Proto"); p != "" {
		out.Header.Set("X-Forwarded-Proto", p)
	} else {
		out.Header.Set("X-Forwarded-Proto", "http")
	}
	if sess.userID != "" {
		out.Header.Set("X-Remote-User-Id", sess.userID)
		if sess.username != "" {
			out.Header.Set("X-Remote-User-Name", sess.username)
		}
		if sess.name != "" {
			out.Header.Set("X-Remote-User-Display-Name", sess.name)
		}
	}
}

// ingressTransport dials from IngressSourceIP so the add-on sees the Supervisor's address.
func (s *Supervisor) ingressTransport() http.RoundTripper {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if s.opts.IngressSourceIP != "" {
		dialer.LocalAddr = &net.TCPAddr{IP: net.ParseIP(s.opts.IngressSourceIP)}
	}
	return &http.Transport{
		DialContext:        dialer.DialContext,
		DisableCompression: true, // Core strips Accept-Encoding; the transport must not add one
		DisableKeepAlives:  true,
	}
}
