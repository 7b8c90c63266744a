package remote

import (
	"context"
	"time"

	"segue/internal/remote/peer"
	"segue/internal/signaling"
	"segue/internal/text"
)

// Run keeps the gateway registered through the signaling package's client
// (signaling.KeepRegistered: dial, register, keepalive, backoff) until ctx
// ends, then closes every session and returns once all of them are gone.
func (g *Gateway) Run(ctx context.Context) {
	defer g.wg.Wait()
	defer g.closeSessions()
	_ = signaling.KeepRegistered(ctx, g.cfg.SignalingURL, g.cfg.Identity.RemoteID(), signaling.KeepOptions{
		Dial:       signaling.DialOptions{Dialer: g.cfg.Dialer, MaxMessageBytes: signalReadLimit},
		Backoff:    g.cfg.Backoff,
		ICEServers: func(ctx context.Context) []peer.ICEServer { return announced(g.cfg.ICE.RegisterICEServers(ctx)) },
		Clock:      g.cfg.Clock,
		OnDown: func(err error, wait time.Duration) {
			g.setConnected(false)
			if signaling.IsReplaced(err) {
				// Someone else registered our remote ID (anyone who knows it can). MA stops
				// for good; we keep retrying slowly so an attacker cannot switch us off.
				g.log.Warn("remote: another connection registered this remote ID at the signaling server; retrying slowly")
				return
			}
			g.log.WithError(err).WithField("retry_in", wait.String()).Info("remote: signaling connection lost")
		},
	}, g.serve)
	g.setConnected(false)
}

func (g *Gateway) setConnected(v bool) {
	if g.connected.Swap(v) != v && g.cfg.OnState != nil {
		g.cfg.OnState(v)
	}
}

const (
	signalOutQueue  = 256
	signalReadLimit = 256 << 10
)

// serve is one registration: it answers the ownership challenge, then relays the
// server's messages to the sessions until the connection ends. Sessions send
// through signal, which never blocks (pion callbacks call it); one writer
// drains that queue into the connection.
func (g *Gateway) serve(ctx context.Context, conn *signaling.Gateway) {
	out := make(chan signaling.Message, signalOutQueue)
	g.mu.Lock()
	g.out = out
	g.mu.Unlock()
	g.dropped.Store(0)
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for {
			select {
			case <-conn.Done():
				return
			case m := <-out:
				if conn.Send(ctx, m) != nil {
					return // the connection has ended; Recv below returns too
				}
			}
		}
	}()
	defer func() {
		g.mu.Lock()
		if g.out == out {
			g.out = nil
		}
		g.mu.Unlock()
		g.setConnected(false)
		conn.Close() // ends the writer when ctx ended first
		<-writerDone
	}()
	g.dispatch(ctx, conn.Registered())
	for {
		m, err := conn.Recv(ctx)
		if err != nil {
			return
		}
		g.dispatch(ctx, m)
	}
}

// signal queues a message for the signaling server; it never blocks (pion callbacks call
// it) and drops the message when disconnected or when the queue is full.
func (g *Gateway) signal(m signaling.Message) {
	g.mu.Lock()
	out := g.out
	g.mu.Unlock()
	if out == nil {
		return
	}
	select {
	case out <- m:
	default:
		if g.dropped.Add(1) == 1 { // once per connection, not once per message
			g.log.Warn("remote: signaling queue full; dropping messages")
		}
	}
}

func (g *Gateway) dispatch(ctx context.Context, m signaling.Message) {
	switch m.Type {
	case signaling.TypeRegistered:
		if proof, ok := g.proveOwnership(m); ok {
			g.signal(proof) // the server answers the proof with another registered
		}
		if !g.connected.Load() {
			g.log.Info("remote: registered with the signaling server")
		}
		g.setConnected(true)
	case signaling.TypeClientConnected:
		g.startSession(ctx, m.SessionID)
	case signaling.TypeOffer, signaling.TypeICECandidate:
		if s := g.session(m.SessionID); s != nil {
			s.deliver(m)
		}
	case signaling.TypeClientDisconnected:
		if s := g.session(m.SessionID); s != nil {
			s.clientGone()
		}
	case signaling.TypeError:
		g.log.WithField("error", text.Truncate(m.Error, 200)).Warn("remote: signaling server reported an error")
	default:
		g.log.WithField("type", text.Truncate(m.Type, 40)).Debug("remote: ignoring unknown signaling message")
	}
}

// proveOwnership turns a challenge in registered (only `segue signaling` sends one) into
// the proving register-server, so nobody without our DTLS key can take our remote ID
// over at that server. MA's server sends no challenge: nothing changes there.
func (g *Gateway) proveOwnership(m signaling.Message) (signaling.Message, bool) {
	p, ok, err := g.cfg.Identity.proveOwnership(m)
	if err != nil {
		g.log.WithError(err).Warn("remote: cannot sign the signaling server's ownership challenge")
	}
	return p, ok
}
