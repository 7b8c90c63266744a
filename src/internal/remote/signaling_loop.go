package remote

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/signaling"
	"segue/internal/text"
)

// Run keeps the gateway registered until ctx ends, then closes every session and
// returns once all of them are gone.
func (g *Gateway) Run(ctx context.Context) {
	defer g.wg.Wait()
	defer g.closeSessions()
	delay := g.cfg.Backoff.Initial
	for {
		registered, code, err := g.runOnce(ctx)
		g.setConnected(false)
		if ctx.Err() != nil {
			return
		}
		if registered {
			delay = g.cfg.Backoff.Initial
		}
		wait := delay
		if code == CloseReplaced {
			// Someone else registered our remote ID (anyone who knows it can). MA stops
			// for good; we keep retrying slowly so an attacker cannot switch us off.
			wait = g.cfg.Backoff.Max
			g.log.Warn("remote: another connection registered this remote ID at the signaling server; retrying slowly")
		} else {
			g.log.WithError(err).WithField("retry_in", wait.String()).Info("remote: signaling connection lost")
		}
		select {
		case <-ctx.Done():
			return
		case <-g.cfg.After(jitter(wait)):
		}
		delay = min(delay*2, g.cfg.Backoff.Max)
	}
}

// jitter spreads reconnects of many servers over ±10 %.
func jitter(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d
	}
	n, err := rand.Int(rand.Reader, big.NewInt(int64(d/5)))
	if err != nil {
		return d
	}
	return d - d/10 + time.Duration(n.Int64())
}

func (g *Gateway) setConnected(v bool) {
	if g.connected.Swap(v) != v && g.cfg.OnState != nil {
		g.cfg.OnState(v)
	}
}

const (
	signalOutQueue  = 256
	signalReadLimit = 256 << 10
	signalPingEvery = 30 * time.Second
	signalIdle      = 90 * time.Second
	signalWriteWait = 10 * time.Second
)

// runOnce is one signaling connection: dial, register, serve until it drops.
func (g *Gateway) runOnce(ctx context.Context) (registered bool, closeCode int, err error) {
	ws, _, err := g.cfg.Dialer.DialContext(ctx, g.cfg.SignalingURL, nil)
	if err != nil {
		return false, 0, fmt.Errorf("dial signaling: %w", err)
	}
	defer ws.Close()
	ws.SetReadLimit(signalReadLimit)
	out := make(chan SignalMessage, signalOutQueue)
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		g.writeLoop(connCtx, ws, out)
	}()
	defer func() { <-writerDone }()
	defer cancel()

	g.mu.Lock()
	g.out = out
	g.mu.Unlock()
	g.dropped.Store(0)
	defer func() {
		g.mu.Lock()
		if g.out == out {
			g.out = nil
		}
		g.mu.Unlock()
	}()

	g.signal(SignalMessage{Type: SigRegisterServer, RemoteID: g.cfg.Identity.RemoteID(), ICEServers: g.cfg.ICE.RegisterICEServers(ctx)})
	_ = ws.SetReadDeadline(time.Now().Add(signalIdle))
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(signalIdle)) })
	ws.SetPingHandler(func(data string) error {
		_ = ws.SetReadDeadline(time.Now().Add(signalIdle))
		return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(signalWriteWait))
	})
	go func() { <-connCtx.Done(); _ = ws.SetReadDeadline(time.Now()) }()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return registered, ce.Code, err
			}
			return registered, 0, err
		}
		_ = ws.SetReadDeadline(time.Now().Add(signalIdle))
		var m SignalMessage
		if err := json.Unmarshal(data, &m); err != nil {
			g.log.Debug("remote: ignoring malformed signaling message")
			continue
		}
		if m.Type == SigRegistered {
			registered = true
		}
		g.dispatch(ctx, m)
	}
}

// writeLoop is the only writer of the signaling socket.
func (g *Gateway) writeLoop(ctx context.Context, ws *websocket.Conn, out chan SignalMessage) {
	ping := time.NewTicker(signalPingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			return
		case <-ping.C:
			if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(signalWriteWait)); err != nil {
				_ = ws.Close()
				return
			}
		case m := <-out:
			_ = ws.SetWriteDeadline(time.Now().Add(signalWriteWait))
			if err := ws.WriteJSON(m); err != nil {
				_ = ws.Close()
				return
			}
		}
	}
}

// signal queues a message for the signaling server; it never blocks (pion callbacks call
// it) and drops the message when disconnected or when the queue is full.
func (g *Gateway) signal(m SignalMessage) {
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

func (g *Gateway) dispatch(ctx context.Context, m SignalMessage) {
	switch m.Type {
	case SigRegistered:
		if proof, ok := g.proveOwnership(m); ok {
			g.signal(proof) // the server answers the proof with another registered
		}
		if !g.connected.Load() {
			g.log.Info("remote: registered with the signaling server")
		}
		g.setConnected(true)
	case SigClientConnected:
		g.startSession(ctx, m.SessionID)
	case SigOffer, SigICECandidate:
		if s := g.session(m.SessionID); s != nil {
			s.deliver(m)
		}
	case SigClientDisconnected:
		if s := g.session(m.SessionID); s != nil {
			s.clientGone()
		}
	case SigPing:
		g.signal(SignalMessage{Type: SigPong})
	case SigPong:
	case SigError:
		msg := m.Error
		if len(msg) > 200 {
			msg = msg[:200]
		}
		g.log.WithField("error", msg).Warn("remote: signaling server reported an error")
	default:
		g.log.WithField("type", text.Truncate(m.Type, 40)).Debug("remote: ignoring unknown signaling message")
	}
}

// proveOwnership turns a challenge in registered (only `segue signaling` sends one) into
// the proving register-server, so nobody without our DTLS key can take our remote ID
// over at that server. MA's server sends no challenge: nothing changes there.
func (g *Gateway) proveOwnership(m SignalMessage) (SignalMessage, bool) {
	p, ok, err := g.cfg.Identity.proveOwnership(signaling.Message{Type: m.Type, RemoteID: m.RemoteID, Data: m.Data})
	if err != nil {
		g.log.WithError(err).Warn("remote: cannot sign the signaling server's ownership challenge")
	}
	if !ok {
		return SignalMessage{}, false
	}
	return SignalMessage{Type: p.Type, RemoteID: p.RemoteID, Data: p.Data}, true
}
