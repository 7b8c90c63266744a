package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"segue/internal/remote/peer"
)

func TestProxyPathAndMethodRules(t *testing.T) {
	var got []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Host+" "+r.URL.String())
		w.Write([]byte("ok"))
	})
	for _, p := range []string{"//evil.example/x", "@evil.example", "http://x/", "https://x", "evil", "", "/\\evil", "/a\nb", "//", "/%2F%2Fevil@x"} {
		res := serveProxy(context.Background(), h, "segue.remote", "s", &peer.ProxyRequest{Method: "GET", Path: p}, time.Second)
		if res.status != http.StatusBadRequest {
			t.Fatalf("path %q: status %d", p, res.status)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE"} {
		if res := serveProxy(context.Background(), h, "segue.remote", "s", &peer.ProxyRequest{Method: m, Path: "/x"}, time.Second); res.status != http.StatusMethodNotAllowed {
			t.Fatalf("%s allowed: %d", m, res.status)
		}
	}
	if len(got) != 0 {
		t.Fatalf("handler reached by a refused request: %v", got)
	}
	for _, m := range []string{"GET", "HEAD", "get", ""} {
		if res := serveProxy(context.Background(), h, "segue.remote", "s", &peer.ProxyRequest{Method: m, Path: "/ok?q=1"}, time.Second); res.status != 200 {
			t.Fatalf("%s refused: %d", m, res.status)
		}
	}
	if got[0] != "segue.remote /ok?q=1" {
		t.Fatalf("request went to %q", got[0])
	}
}

func TestProxyStripsIdentityHeadersAndTrust(t *testing.T) {
	var seen http.Header
	var remoteAddr string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, remoteAddr = r.Header.Clone(), r.RemoteAddr
		w.Header().Set("Set-Cookie", "a=b")
		w.Header().Set("Content-Type", "image/png")
	})
	req := &peer.ProxyRequest{Method: "GET", Path: "/imageproxy/x", Headers: map[string]string{
		"Accept": "image/*", "accept-encoding": "gzip", "Range": "bytes=0-1",
		"Authorization": "Bearer t", "Cookie": "c=1", "X-Remote-User-Id": "admin", "X-Remote-User-Name": "admin",
		"X-Ingress-Path": "/api/hassio_ingress/x", "X-Forwarded-For": "172.30.32.2", "X-Forwarded-Host": "evil",
		"X-Forwarded-Proto": "https", "Connection": "upgrade", "Host": "evil",
	}}
	res := serveProxy(context.Background(), h, "h", "webrtc/10.0.0.1", req, time.Second)
	if res.status != 200 {
		t.Fatal(res.status)
	}
	for _, k := range []string{"Authorization", "Cookie", "X-Remote-User-Id", "X-Remote-User-Name", "X-Ingress-Path", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Connection"} {
		if seen.Get(k) != "" {
			t.Fatalf("%s forwarded", k)
		}
	}
	if seen.Get("Accept") != "image/*" || seen.Get("Accept-Encoding") != "gzip" || seen.Get("Range") != "bytes=0-1" {
		t.Fatalf("safe headers lost: %v", seen)
	}
	if !strings.HasPrefix(remoteAddr, "webrtc/") {
		t.Fatalf("remote addr %q could be trusted as an IP", remoteAddr)
	}
	if _, ok := res.headers["Set-Cookie"]; ok || res.headers["Content-Type"] != "image/png" {
		t.Fatalf("response headers %v", res.headers)
	}
}

func TestProxyBodyCapTimeoutPanic(t *testing.T) {
	huge := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for i := 0; i < 1024; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		t.Error("handler was allowed to write 1 GiB")
	})
	if res := serveProxy(context.Background(), huge, "h", "s", &peer.ProxyRequest{Method: "GET", Path: "/huge"}, 10*time.Second); res.status != http.StatusBadGateway || res.size > 100 {
		t.Fatalf("1 GiB response: status %d, %d bytes", res.status, len(res.body()))
	}
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	if res := serveProxy(context.Background(), slow, "h", "s", &peer.ProxyRequest{Method: "GET", Path: "/slow"}, 50*time.Millisecond); res.status != http.StatusGatewayTimeout {
		t.Fatalf("slow: %d", res.status)
	}
	boom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("secret detail") })
	res := serveProxy(context.Background(), boom, "h", "s", &peer.ProxyRequest{Method: "GET", Path: "/boom"}, time.Second)
	if res.status != 500 || strings.Contains(string(res.body()), "secret") {
		t.Fatalf("panic: %d %q", res.status, res.body())
	}
	// Wire forms.
	hexMsg, _ := hexResponse("r1", proxyResult{status: 200, headers: map[string]string{}, parts: [][]byte{[]byte("hi")}, size: 2})
	var hr peer.ProxyResponse
	if json.Unmarshal(hexMsg, &hr) != nil || *hr.Body != "6869" || hr.Type != "http-proxy-response" || hr.Size != nil {
		t.Fatalf("hex form %s", hexMsg)
	}
	sized, _ := sizedResponse("r1", proxyResult{status: 200, headers: map[string]string{}, parts: [][]byte{[]byte("hi")}, size: 2})
	var sr peer.ProxyResponse
	if json.Unmarshal(sized, &sr) != nil || *sr.Size != 2 || sr.Body != nil {
		t.Fatalf("sized form %s", sized)
	}
}

func TestRecorderKeepsBodyInFrames(t *testing.T) {
	want := make([]byte, 300_001)
	for i := range want {
		want[i] = byte(i % 251)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for off, step := 0, 1; off < len(want); off, step = off+step, step*3%70_001+1 {
			w.Write(want[off:min(off+step, len(want))])
		}
	})
	res := serveProxy(context.Background(), h, "h", "s", &peer.ProxyRequest{Method: "GET", Path: "/x"}, time.Second)
	if res.size != len(want) || !bytes.Equal(res.body(), want) {
		t.Fatalf("body differs: %d bytes", res.size)
	}
	for _, p := range res.parts {
		if len(p) > proxyFrame {
			t.Fatalf("part of %d bytes", len(p))
		}
	}
}
