package remote

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"segue/internal/remote/peer"
)

// Proxy limits (security checklist 69).
const (
	ProxyMaxBody = 10 << 20
	ProxyTimeout = 30 * time.Second
	proxyMaxReq  = 8 << 10 // a request is a small JSON object
)

// proxyMarker lets the API reader skip JSON parsing for ordinary commands.
var proxyMarker = []byte(`"http-proxy-request"`)

// parseProxyRequest returns the request if msg is one.
func parseProxyRequest(msg []byte) (*peer.ProxyRequest, bool) {
	if len(msg) > proxyMaxReq || !bytes.Contains(msg, proxyMarker) {
		return nil, false
	}
	var r peer.ProxyRequest
	if err := json.Unmarshal(msg, &r); err != nil || r.Type != "http-proxy-request" {
		return nil, false
	}
	return &r, true
}

// forwardedRequestHeaders is the allow-list of client headers passed to the handler.
// Everything else — Authorization, Cookie, X-Remote-User-*, X-Ingress-Path,
// X-Forwarded-*, hop-by-hop — is dropped: the proxy must not let a remote peer claim an
// identity or a trusted origin.
var forwardedRequestHeaders = map[string]bool{
	"accept": true, "accept-encoding": true, "accept-language": true, "range": true,
	"if-none-match": true, "if-modified-since": true, "if-range": true,
}

// droppedResponseHeaders never go back to the remote client.
var droppedResponseHeaders = map[string]bool{
	"set-cookie": true, "connection": true, "keep-alive": true, "transfer-encoding": true,
	"upgrade": true, "proxy-authenticate": true, "trailer": true,
}

// proxyResult is a finished proxied request. The body is kept as the recorder's slices
// (each at most proxyFrame bytes) so a large response is copied once, not regrown.
type proxyResult struct {
	status  int
	headers map[string]string
	parts   [][]byte
	size    int
}

func (r proxyResult) body() []byte { return bytes.Join(r.parts, nil) }

func proxyError(status int, msg string) proxyResult {
	return proxyResult{status: status, headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
		parts: [][]byte{[]byte(msg)}, size: len(msg)}
}

// validProxyPath accepts an origin-form path: one leading '/', no scheme, no authority,
// no backslashes or control bytes (so "//evil", "@evil", "http://x", "/\evil" fail).
func validProxyPath(p string) (*url.URL, bool) {
	if len(p) == 0 || len(p) > 4096 || p[0] != '/' || strings.HasPrefix(p, "//") {
		return nil, false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\' {
			return nil, false
		}
	}
	u, err := url.ParseRequestURI(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return nil, false
	}
	return u, true
}

// serveProxy runs one request in-process against the public handler.
func serveProxy(ctx context.Context, h http.Handler, host, peer string, r *peer.ProxyRequest, timeout time.Duration) proxyResult {
	method := strings.ToUpper(r.Method)
	if method == "" {
		method = http.MethodGet
	}
	if method != http.MethodGet && method != http.MethodHead {
		return proxyError(http.StatusMethodNotAllowed, "Method not allowed")
	}
	u, ok := validProxyPath(r.Path)
	if !ok {
		return proxyError(http.StatusBadRequest, "Invalid path")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://localhost"+u.RequestURI(), nil)
	if err != nil {
		return proxyError(http.StatusBadRequest, "Invalid path")
	}
	// Server-side form, as net/http hands requests to handlers: path only, no scheme/host.
	req.URL = u
	req.RequestURI = u.RequestURI()
	req.Host = host
	// The peer's ICE address, prefixed so it is not an IP: any address-based trust
	// (loopback, LAN, Supervisor) fails closed, while throttles still key on the peer.
	req.RemoteAddr = peer
	n := 0
	for k, v := range r.Headers {
		if n++; n > 32 {
			break
		}
		if lk := strings.ToLower(k); forwardedRequestHeaders[lk] && len(v) <= 1024 {
			req.Header.Set(k, v)
		}
	}

	rec := newCappedRecorder(ProxyMaxBody)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				rec.fail()
			}
		}()
		h.ServeHTTP(rec, req)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		// The handler may still be running; the recorder stays safe for its late writes.
		rec.abandon()
		return proxyError(http.StatusGatewayTimeout, "Gateway timeout")
	}
	return rec.result()
}

// cappedRecorder is an http.ResponseWriter that keeps at most max body bytes.
type cappedRecorder struct {
	mu        sync.Mutex
	max       int
	header    http.Header
	status    int
	parts     [][]byte
	size      int
	tooLarge  bool
	failed    bool
	abandoned bool
}

var errTooLarge = errors.New("response too large")

func newCappedRecorder(max int) *cappedRecorder {
	return &cappedRecorder{max: max, header: http.Header{}}
}

func (c *cappedRecorder) Header() http.Header { return c.header }

func (c *cappedRecorder) WriteHeader(code int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status == 0 {
		c.status = code
	}
}

func (c *cappedRecorder) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if c.abandoned || c.tooLarge {
		return 0, errTooLarge
	}
	if c.size+len(p) > c.max {
		c.tooLarge = true
		return 0, errTooLarge
	}
	n := len(p)
	for len(p) > 0 {
		last := len(c.parts) - 1
		if last < 0 || len(c.parts[last]) == cap(c.parts[last]) {
			c.parts = append(c.parts, make([]byte, 0, proxyFrame))
			last++
		}
		k := copy(c.parts[last][len(c.parts[last]):cap(c.parts[last])], p)
		c.parts[last] = c.parts[last][:len(c.parts[last])+k]
		p = p[k:]
	}
	c.size += n
	return n, nil
}

func (c *cappedRecorder) fail() {
	c.mu.Lock()
	c.failed = true
	c.mu.Unlock()
}

func (c *cappedRecorder) abandon() {
	c.mu.Lock()
	c.abandoned = true
	c.mu.Unlock()
}

func (c *cappedRecorder) result() proxyResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.failed:
		return proxyError(http.StatusInternalServerError, "Internal server error")
	case c.tooLarge:
		return proxyError(http.StatusBadGateway, "Response too large")
	}
	status := c.status
	if status == 0 {
		status = http.StatusOK
	}
	hdr := make(map[string]string, len(c.header))
	for k, v := range c.header {
		if droppedResponseHeaders[strings.ToLower(k)] || len(v) == 0 {
			continue
		}
		hdr[k] = strings.Join(v, ", ")
	}
	// The handler has returned, so the slices are no longer written.
	return proxyResult{status: status, headers: hdr, parts: c.parts, size: c.size}
}

// hexResponse encodes a result for the API channel (old clients).
func hexResponse(id string, res proxyResult) ([]byte, error) {
	body := hex.EncodeToString(res.body())
	return json.Marshal(peer.ProxyResponse{Type: "http-proxy-response", ID: id, Status: res.status, Headers: res.headers, Body: &body})
}

// sizedResponse encodes the header for the http_proxy channel; the body follows as binary frames.
func sizedResponse(id string, res proxyResult) ([]byte, error) {
	size := res.size
	return json.Marshal(peer.ProxyResponse{Type: "http-proxy-response", ID: id, Status: res.status, Headers: res.headers, Size: &size})
}
