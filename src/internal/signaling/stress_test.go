package signaling

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrentPairings: many gateways and clients spread over two nodes pair at the
// same time (run under -race, this is the hub's concurrency test). Every client gets
// its own answer, tagged with its own session.
func TestConcurrentPairings(t *testing.T) {
	rd := startRedis(t, false)
	mut := func(c *Config) { c.RateLimitPerMinute = 1 << 20 }
	nodes := []*testServer{startNode(t, rd.URL(), "nodeA", mut), startNode(t, rd.URL(), "nodeB", mut)}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const gateways, clientsPer = 12, 3
	var wg sync.WaitGroup
	errs := make(chan error, gateways*(clientsPer+1))
	for gi := 0; gi < gateways; gi++ {
		rid := fmt.Sprintf("GW%024d", gi)
		g, err := Register(ctx, nodes[gi%2].wsURL, rid, testICE, DialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		go func() {
			for {
				m, err := g.Recv(ctx)
				if err != nil {
					return
				}
				switch m.Type {
				case TypeClientConnected:
					g.SessionReady(ctx, m.SessionID, nil)
				case TypeOffer:
					sd, _ := m.SessionDescription()
					// Echo the offer's SDP back so the client can check it got its own.
					g.Answer(ctx, m.SessionID, SessionDescription{Type: "answer", SDP: sd.SDP + "|" + m.SessionID})
				}
			}
		}()
		for ci := 0; ci < clientsPer; ci++ {
			wg.Add(1)
			go func(node *testServer, tag string) {
				defer wg.Done()
				c, err := Connect(ctx, node.wsURL, rid, DialOptions{})
				if err != nil {
					errs <- fmt.Errorf("%s: %w", tag, err)
					return
				}
				defer c.Close()
				if err := c.Offer(ctx, SessionDescription{Type: "offer", SDP: tag}); err != nil {
					errs <- err
					return
				}
				m, err := c.await(ctx, TypeAnswer)
				if err != nil {
					errs <- fmt.Errorf("%s: %w", tag, err)
					return
				}
				sd, _ := m.SessionDescription()
				if want := tag + "|" + c.SessionID(); sd.SDP != want || m.SessionID != c.SessionID() {
					errs <- fmt.Errorf("%s got answer %q for session %s", tag, sd.SDP, m.SessionID)
				}
			}(nodes[(gi+ci)%2], fmt.Sprintf("%s-c%d", rid, ci))
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
