package signaling

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// startCluster subscribes to this node's channel (go-redis resubscribes by itself
// after a lost connection) and keeps this node's registrations alive in Redis. It
// returns once the first subscription is confirmed; both loops end with ctx, and done
// closes when the message loop has.
func (h *hub) startCluster(ctx context.Context, c *redis.Client, r *redisRegistry) (done <-chan struct{}, err error) {
	sub := c.Subscribe(ctx, r.channel(h.node))
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, err = sub.Receive(rctx) // the subscription confirmation
	cancel()
	if err != nil {
		sub.Close()
		return nil, err
	}
	resync := make(chan struct{}, 1)
	loopDone := make(chan struct{})
	in := sub.ChannelWithSubscriptions()
	go func() { <-ctx.Done(); sub.Close() }()
	go func() {
		defer close(loopDone)
		for v := range in {
			switch msg := v.(type) {
			case *redis.Subscription:
				// A resubscribe after a lost connection: Redis may have restarted
				// empty, so re-assert our registrations at once.
				select {
				case resync <- struct{}{}:
				default:
				}
			case *redis.Message:
				e, err := decodeEnvelope([]byte(msg.Payload), 2*h.cfg.MaxMessageBytes+4096)
				if err != nil {
					h.log.WithError(err).Warn("dropping malformed cluster envelope")
					continue
				}
				h.flush(ctx, h.apply(e))
			}
		}
	}()

	go func() {
		// Real time on purpose: Redis expires the registrations in its own real
		// time, so the refresh must keep pace with that, whatever cfg.Clock says.
		t := time.NewTicker(max(h.cfg.RegistrationTTL/3, 100*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-resync:
			}
			h.refreshAll(ctx)
		}
	}()
	return loopDone, nil
}

// refreshAll renews every local registration; one that another node now owns was
// replaced while we could not hear about it, so its socket closes with 4000.
func (h *hub) refreshAll(ctx context.Context) {
	type reg struct{ rid, token string }
	h.mu.Lock()
	regs := make([]reg, 0, len(h.gateways))
	for rid, g := range h.gateways {
		regs = append(regs, reg{rid, g.token})
	}
	h.mu.Unlock()
	for _, g := range regs {
		if !h.refreshOne(ctx, g.rid, g.token) {
			return
		}
	}
}

// refreshOne holds the remote ID's registration lock so a disconnect's compare-and-
// delete cannot interleave with a refresh that would recreate the entry. It reports
// false when Redis failed (the caller stops this round).
func (h *hub) refreshOne(ctx context.Context, rid, token string) bool {
	lk := h.regLock(rid)
	lk.Lock()
	defer lk.Unlock()
	h.mu.Lock()
	g := h.gateways[rid]
	h.mu.Unlock()
	if g == nil || g.token != token {
		return true
	}
	owned, err := h.reg.refresh(ctx, rid, token)
	if err != nil {
		h.log.WithError(err).Warn("redis refresh failed")
		return false
	}
	if !owned {
		h.flush(ctx, outbox{{To: h.node, Kind: envReplaced, RID: rid, Owner: token}})
	}
	return true
}
