package api

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
)

// Session is one live command connection.
type Session struct {
	srv  *Server
	conn Conn
	info ConnInfo

	mu       sync.Mutex
	p        *auth.Principal
	lastSeen time.Time // last message, for the unauthenticated idle timeout
	promoted bool      // info.Promote was called

	out       outbox
	authTimer clock.Timer // the unauthenticated idle deadline; guarded by mu
	done      chan struct{}
	closeOnce sync.Once
	handlers  sync.WaitGroup
	inflight  chan struct{}

	// rate window: messages received in the current second; guarded by mu
	windowStart time.Time
	windowCount int
}

// ServeConn runs one session over c until the link ends: ServerInfo first, then
// commands. Unauthenticated sessions may run only public commands and `auth`,
// and are closed if they do not authenticate in time.
func (s *Server) ServeConn(ctx context.Context, c Conn, info ConnInfo) {
	if info.Principal == nil && !info.Ingress && s.opts.SetupPending != nil && s.opts.SetupPending(ctx) {
		s.refuseBeforeSetup(ctx, c, info)
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sess := &Session{srv: s, conn: c, info: info, p: info.Principal, lastSeen: s.opts.Clock.Now(),
		done: make(chan struct{}), inflight: make(chan struct{}, s.opts.MaxInFlight)}
	sess.out = outbox{max: s.opts.QueueSize,
		send:   func(msg []byte) error { return c.Send(ctx, msg) },
		failed: func() { sess.close(1011, "write failed") }}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = c.Close(1001, "server shutting down")
		return
	}
	s.sessions[sess] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.sessions, sess)
		s.mu.Unlock()
		s.wg.Done()
	}()

	sess.enqueueJSON(s.serverInfo(ctx, info))
	if info.Principal == nil {
		sess.armAuthDeadline()
	}
	for {
		msg, err := c.Receive(ctx)
		if err != nil {
			break
		}
		if sess.noteMessage() {
			sess.close(1008, "too many messages")
			break
		}
		sess.handle(ctx, msg)
		if sess.closed() {
			break
		}
	}
	sess.close(1000, "")
	cancel()
	sess.handlers.Wait()
	sess.out.wait()
}

// armAuthDeadline closes the session once it has been silent and unauthenticated
// for AuthTimeout on the session clock: the timer fires when the limit would be
// reached and, after activity, re-arms for the rest; signing in disarms it. No
// goroutine waits meanwhile.
func (sess *Session) armAuthDeadline() {
	limit, clk := sess.srv.opts.AuthTimeout, sess.srv.opts.Clock
	var check func()
	check = func() {
		sess.mu.Lock()
		if sess.p != nil || sess.closed() {
			sess.mu.Unlock()
			return
		}
		idle := clk.Now().Sub(sess.lastSeen)
		if idle < limit {
			sess.authTimer = clk.AfterFunc(limit-idle, check)
			sess.mu.Unlock()
			return
		}
		sess.mu.Unlock()
		sess.close(1008, "authentication timeout")
	}
	sess.mu.Lock()
	sess.authTimer = clk.AfterFunc(limit, check)
	sess.mu.Unlock()
}

// disarmAuthDeadline stops the unauthenticated idle deadline (signed in, or closed).
func (sess *Session) disarmAuthDeadline() {
	sess.mu.Lock()
	if sess.authTimer != nil {
		sess.authTimer.Stop()
		sess.authTimer = nil
	}
	sess.mu.Unlock()
}

// noteMessage applies the limits on an unauthenticated peer to its message: the
// message restarts the idle deadline and counts toward the rate limit, whose
// excess it reports. A signed-in peer has neither limit (and its messages cost no
// clock read).
func (sess *Session) noteMessage() (flooding bool) {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.p != nil {
		return false
	}
	now := sess.srv.opts.Clock.Now()
	sess.lastSeen = now
	if now.Sub(sess.windowStart) >= time.Second {
		sess.windowStart, sess.windowCount = now, 0
	}
	sess.windowCount++
	return sess.windowCount > sess.srv.opts.MaxPerSecond
}

func (sess *Session) closed() bool {
	select {
	case <-sess.done:
		return true
	default:
		return false
	}
}

func (sess *Session) principal() *auth.Principal {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.p
}

// Principal returns who the session is authenticated as (nil before auth).
func (sess *Session) Principal() *auth.Principal { return sess.principal() }

func (sess *Session) close(code int, reason string) {
	sess.closeOnce.Do(func() {
		close(sess.done)
		sess.out.close()
		sess.disarmAuthDeadline()
		_ = sess.conn.Close(code, reason)
	})
}

// enqueueJSON sends a reply (on the calling goroutine when the socket is free,
// else queued); a client that cannot keep up loses the connection
// rather than silently missing replies.
func (sess *Session) enqueueJSON(v any) {
	msg, err := json.Marshal(v)
	if err != nil {
		msg = sess.notSerialisable(err)
	}
	sess.send(msg)
}

// enqueueSuccess is enqueueJSON(SuccessMessage{...}) for the reply of every
// command: the same bytes, encoded into a reused buffer.
func (sess *Session) enqueueSuccess(id json.RawMessage, result any, partial bool) {
	b := sess.srv.replies.get()
	defer sess.srv.replies.put(b)
	if err := b.encodeSuccess(id, result, partial); err != nil {
		sess.send(sess.notSerialisable(err))
		return
	}
	sess.send(b.buf.Bytes())
}

// notSerialisable logs a reply json cannot encode and gives the client's error instead.
func (sess *Session) notSerialisable(err error) []byte {
	sess.srv.log.WithError(err).Error("reply not serialisable")
	msg, _ := json.Marshal(errorMessage(nil, fail.Internal(err)))
	return msg
}

// send writes msg (borrowed) through the outbox.
func (sess *Session) send(msg []byte) {
	if !sess.out.write(msg) {
		sess.close(1008, "client too slow")
	}
}

// enqueueEvent drops the event when the queue is full: events are not replies.
func (sess *Session) enqueueEvent(msg []byte) { sess.out.push(msg) }

func (sess *Session) handle(ctx context.Context, raw []byte) {
	msg, err := DecodeCommand(raw)
	if err != nil {
		sess.enqueueJSON(errorMessage(msg.MessageID, err))
		return
	}
	if msg.Command == "auth" {
		sess.enqueueJSON(sess.authenticate(ctx, msg))
		return
	}
	p := sess.principal()
	cmd, err := sess.srv.authorize(p, msg.Command)
	if err != nil {
		sess.enqueueJSON(errorMessage(msg.MessageID, err))
		return
	}
	select {
	case sess.inflight <- struct{}{}: // the usual case, without a select's cost
	default:
		select {
		case sess.inflight <- struct{}{}:
		case <-sess.done:
			return
		}
	}
	sess.handlers.Add(1)
	go func() {
		defer sess.handlers.Done()
		defer func() { <-sess.inflight }()
		result, err := sess.srv.run(ctx, cmd, &Call{Principal: p, Args: msg.Args, Info: sess.info, Session: sess})
		if err != nil {
			sess.enqueueJSON(errorMessage(msg.MessageID, err))
			return
		}
		parts := batches(result, sess.srv.opts.PartialBatch)
		if parts == nil {
			sess.enqueueSuccess(msg.MessageID, result, false)
			return
		}
		for i, part := range parts {
			sess.enqueueSuccess(msg.MessageID, part, i < len(parts)-1)
		}
	}()
}

type authArgs struct {
	Token       string `json:"token"`
	AccessToken string `json:"access_token"`
	Locale      string `json:"locale"`
	DeviceName  string `json:"device_name"`
}

func (sess *Session) authenticate(ctx context.Context, msg CommandMessage) any {
	args, err := DecodeArgs[authArgs](&Call{Args: msg.Args})
	if err != nil {
		return errorMessage(msg.MessageID, err)
	}
	raw := args.Token
	if raw == "" {
		raw = args.AccessToken
	}
	token, ok := auth.TokenArgument(raw)
	if !ok {
		return errorMessage(msg.MessageID, fail.New(fail.KindUnauthenticated, "token required in args"))
	}
	p, err := sess.srv.tokens.Authenticate(ctx, token)
	if err != nil {
		if !fail.Is(err, fail.KindUnavailable) {
			err = auth.ErrInvalidToken
		}
		return errorMessage(msg.MessageID, err)
	}
	if p.User.Username == auth.SystemUsername && !sess.info.Ingress {
		return errorMessage(msg.MessageID, fail.New(fail.KindInvalidToken, "Home Assistant system user not allowed on regular webserver"))
	}
	pc := *p
	pc.Channel = sess.info.Channel
	sess.mu.Lock()
	promote := !sess.promoted && sess.info.Promote != nil && sess.info.Principal == nil
	sess.promoted = true
	sess.mu.Unlock()
	if promote && !sess.info.Promote() {
		sess.close(1013, "too many connections")
		return errorMessage(msg.MessageID, fail.Unavailable(errors.New("authenticated connection pool full")))
	}
	sess.mu.Lock()
	sess.p = &pc
	sess.mu.Unlock()
	sess.disarmAuthDeadline()
	return SuccessMessage{MessageID: orNull(msg.MessageID), Result: map[string]any{"authenticated": true, "user": pc.User}}
}
