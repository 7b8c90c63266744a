package signaling

import (
	"context"
	"time"

	"segue/internal/redisx"
)

// startCluster subscribes to this node's channel and keeps this node's registrations
// alive in Redis. Both loops end with ctx.
func (h *hub) startCluster(ctx context.Context, c *redisx.Client, r *redisRegistry) *redisx.Subscription {
	resync := make(chan struct{}, 1)
	sub := c.Subscribe(ctx, redisx.SubscribeOptions{
		// After a (re)subscribe Redis may have restarted empty: re-assert at once.
		OnSubscribed: func() {
			select {
			case resync <- struct{}{}:
			default:
			}
		},
		OnError: func(err error) { h.log.WithError(err).Warn("redis subscription lost; reconnecting") },
	}, r.channel(h.node))

	go func() {
		for msg := range sub.Messages() {
			e, err := decodeEnvelope([]byte(msg.Payload), 2*h.cfg.MaxMessageBytes+4096)
			if err != nil {
				h.log.WithError(err).Warn("dropping malformed cluster envelope")
				continue
			}
			h.flush(ctx, h.apply(e))
		}
	}()

	go func() {
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
	return sub
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
