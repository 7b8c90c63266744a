package web

import "sync"

// Connection caps for WebSockets: generous for a home, but a single client
// cannot hold every slot. Sockets that have not signed in live in their own,
// smaller pool, so they can never crowd out signed-in ones (a login screen
// holds one; sixteen per client is plenty).
const (
	maxWebSockets            = 1024
	maxWebSocketsPerIP       = 128
	maxUnauthWebSockets      = 256
	maxUnauthWebSocketsPerIP = 16
)

// wsLimiter counts live WebSocket connections, in total and per peer IP.
type wsLimiter struct {
	mu    sync.Mutex
	total int
	perIP map[string]int
	max   int
	maxIP int
}

func newWSLimiter(max, maxIP int) *wsLimiter {
	return &wsLimiter{perIP: map[string]int{}, max: max, maxIP: maxIP}
}

// acquire reserves a slot for ip; false when a cap is reached.
func (l *wsLimiter) acquire(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= l.max || l.perIP[ip] >= l.maxIP {
		return false
	}
	l.total++
	l.perIP[ip]++
	return true
}

func (l *wsLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.perIP[ip]--; l.perIP[ip] <= 0 {
		delete(l.perIP, ip)
	}
}
