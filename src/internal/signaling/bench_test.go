package signaling

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkPairing measures one pairing round trip on loopback — connect-request →
// client-connected → session-ready → connected → offer → answer — on one node and
// across two nodes through Redis, beside a raw gorilla echo round trip measured in the
// same run. Each pairing sub-benchmark reports its ratio to the echo as "x-echo".
//
//	go test -run '^$' -bench BenchmarkPairing -benchtime 2s ./internal/signaling/
func BenchmarkPairing(b *testing.B) {
	var echoNs float64
	b.Run("gorilla-echo-baseline", func(b *testing.B) {
		up := websocket.Upgrader{}
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer c.Close()
			for {
				t, m, err := c.ReadMessage()
				if err != nil || c.WriteMessage(t, m) != nil {
					return
				}
			}
		}))
		defer hs.Close()
		c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http"), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		msg := Message{Type: TypeOffer, SessionID: "AAAAAAAAAAAAAAAA", Data: mustData(SessionDescription{Type: "offer", SDP: strings.Repeat("s", 200)})}.Encode()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
				b.Fatal(err)
			}
			if _, _, err := c.ReadMessage(); err != nil {
				b.Fatal(err)
			}
		}
		echoNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	cfg := Config{RateLimitPerMinute: 1 << 30, SessionReadyTimeout: time.Hour}
	b.Run("single-node", func(b *testing.B) {
		ts := startServer(b, cfg)
		benchPairing(b, ts.wsURL, ts.wsURL, echoNs)
	})
	b.Run("redis-two-nodes", func(b *testing.B) {
		rd := startRedis(b, false)
		ca, cb := cfg, cfg
		ca.RedisURL, ca.NodeID = rd.URL(), "nodeA"
		cb.RedisURL, cb.NodeID = rd.URL(), "nodeB"
		a, bn := startServer(b, ca), startServer(b, cb)
		benchPairing(b, a.wsURL, bn.wsURL, echoNs) // client on A, gateway on B
	})
}

func benchPairing(b *testing.B, clientURL, gatewayURL string, echoNs float64) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g, err := Register(ctx, gatewayURL, testRID, testICE, DialOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	answer := SessionDescription{Type: "answer", SDP: strings.Repeat("a", 200)}
	go func() {
		for {
			m, err := g.Recv(ctx)
			if err != nil {
				return
			}
			switch m.Type {
			case TypeClientConnected:
				g.SessionReady(ctx, m.SessionID, freshICE)
			case TypeOffer:
				g.Answer(ctx, m.SessionID, answer)
			}
		}
	}()
	c, err := Dial(ctx, clientURL, DialOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	offer := SessionDescription{Type: "offer", SDP: strings.Repeat("s", 200)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cl, err := Request(ctx, c, testRID)
		if err != nil {
			b.Fatal(err)
		}
		if err := cl.Offer(ctx, offer); err != nil {
			b.Fatal(err)
		}
		if _, err := c.await(ctx, TypeAnswer); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if echoNs > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/echoNs, "x-echo")
	}
}
