package app

import (
	"net"
	"testing"
)

// Requests remote access proxies carry the public listener's bound port (a
// ":0" or remapped port is known only after Listen), else plain localhost.
func TestProxyHostFollowsTheBoundListener(t *testing.T) {
	h := &localHost{}
	if got := h.String(); got != "localhost" {
		t.Fatalf("before Listen: %q", got)
	}
	h.set(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 41234})
	if got := h.String(); got != "localhost:41234" {
		t.Fatalf("after Listen: %q", got)
	}
}
