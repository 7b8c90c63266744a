package api

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/text"
)

// TokenAuthenticator turns a token into a principal (session tokens, delegated tokens).
type TokenAuthenticator interface {
	Authenticate(ctx context.Context, token string) (*auth.Principal, error)
}

// Options tune sessions; zero values take defaults.
type Options struct {
	// AuthTimeout closes an unauthenticated connection that sends nothing for
	// this long (default 90 s: MA's login screen sends `time` every 60 s and
	// must stay usable; the transport bounds how many such sockets exist).
	AuthTimeout  time.Duration
	QueueSize    int // outgoing messages a connection may have waiting (nothing is allocated up front)
	PartialBatch int // items per partial result
	MaxInFlight  int // concurrent commands per connection
	// MaxPerSecond closes an unauthenticated connection that sends more messages
	// than this in one second. Authenticated peers are not limited: they are
	// accountable and revocable, and a fast client must not be cut off.
	MaxPerSecond int
	// Clock times rate limits and the unauthenticated idle timeout (tests pass a fake).
	Clock clock.Clock
	// SetupPending reports that no user exists yet: then a connection that is not
	// on ingress gets ServerInfo and MA's "Setup required" error, and is closed.
	SetupPending func(ctx context.Context) bool
}

func (o *Options) defaults() {
	if o.AuthTimeout <= 0 {
		o.AuthTimeout = 90 * time.Second
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 512
	}
	if o.PartialBatch <= 0 {
		o.PartialBatch = 500
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 32
	}
	if o.MaxPerSecond <= 0 {
		o.MaxPerSecond = 100
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
}

// Server runs command sessions over any Conn and serves JSON-RPC calls.
type Server struct {
	reg        *Registry
	tokens     TokenAuthenticator
	serverInfo func(ctx context.Context, info ConnInfo) any
	log        *logrus.Logger
	opts       Options

	replies replyBuffers

	mu       sync.Mutex
	sessions map[*Session]struct{}
	closing  bool
	wg       sync.WaitGroup
}

// NewServer builds the API server. serverInfo produces the first frame.
func NewServer(reg *Registry, tokens TokenAuthenticator, serverInfo func(ctx context.Context, info ConnInfo) any,
	log *logrus.Logger, opts Options) *Server {
	opts.defaults()
	return &Server{reg: reg, tokens: tokens, serverInfo: serverInfo, log: log, opts: opts, sessions: map[*Session]struct{}{}}
}

// Registry returns the command registry.
func (s *Server) Registry() *Registry { return s.reg }

// Kill closes live sessions matching k (token revoked, user disabled or deleted).
func (s *Server) Kill(k auth.Kill) {
	for _, sess := range s.snapshot() {
		if p := sess.principal(); p != nil && k.Matches(p.User.ID, p.TokenID) {
			sess.close(1008, "session ended")
		}
	}
}

// KillTokens ends the live sessions that use these token ids.
func (s *Server) KillTokens(tokenIDs []string) {
	for _, id := range tokenIDs {
		s.Kill(auth.Kill{TokenID: id})
	}
}

// Publish pushes an event to every authenticated session allowed to see it.
func (s *Server) Publish(event, objectID string, data any) {
	s.PublishTo(nil, event, objectID, data)
}

// PublishTo pushes an event only to sessions whose principal passes to (nil: all).
func (s *Server) PublishTo(to func(*auth.Principal) bool, event, objectID string, data any) {
	msg, err := json.Marshal(EventMessage{Event: event, ObjectID: objectID, Data: data})
	if err != nil {
		s.log.WithError(err).WithField("event", event).Error("event not serialisable")
		return
	}
	for _, sess := range s.snapshot() {
		if p := sess.principal(); p != nil && canReceive(p, event, objectID) && (to == nil || to(p)) {
			sess.enqueueEvent(msg)
		}
	}
}

// canReceive applies the user's player filter to player and queue events.
func canReceive(p *auth.Principal, event, objectID string) bool {
	if len(p.User.PlayerFilter) == 0 || objectID == "" {
		return true
	}
	if len(event) >= 6 && (event[:6] == "player" || event[:5] == "queue") {
		for _, id := range p.User.PlayerFilter {
			if id == objectID {
				return true
			}
		}
		return false
	}
	return true
}

func (s *Server) snapshot() []*Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Session, 0, len(s.sessions))
	for sess := range s.sessions {
		out = append(out, sess)
	}
	return out
}

// Shutdown closes every session with 1001 and waits (bounded by ctx) for them to end.
func (s *Server) Shutdown(ctx context.Context) {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	for _, sess := range s.snapshot() {
		sess.close(1001, "server shutting down")
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// SessionCount is the number of live sessions.
func (s *Server) SessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Call runs one command for a principal (nil = unauthenticated) and returns the
// whole result: the JSON-RPC path and in-process callers use it.
func (s *Server) Call(ctx context.Context, p *auth.Principal, info ConnInfo, command string, args json.RawMessage) (any, error) {
	cmd, err := s.authorize(p, command)
	if err != nil {
		return nil, err
	}
	return s.run(ctx, cmd, &Call{Principal: p, Args: args, Info: info})
}

func (s *Server) authorize(p *auth.Principal, command string) (*Command, error) {
	cmd, ok := s.reg.Lookup(command)
	if !ok {
		return nil, fail.New(fail.KindUnknownCommand, "Invalid command: %s", text.Truncate(command, 64))
	}
	if cmd.Public {
		return cmd, nil
	}
	if p == nil {
		return nil, fail.New(fail.KindUnauthenticated, "Authentication required. Please send auth command first.")
	}
	if !p.Can(cmd.Scope) {
		return nil, fail.Forbidden("This command requires the %s scope", cmd.Scope)
	}
	if p.Method == auth.MethodDelegated && !delegatedAllowed(cmd) {
		return nil, fail.Forbidden("This command is not available to delegated tokens")
	}
	return cmd, nil
}

// delegatedAllowed keeps external applications away from account, token and
// admin commands whatever scopes they hold.
func delegatedAllowed(cmd *Command) bool {
	// A delegated token may only do what it was granted: commands that need no
	// particular scope (account and session commands) are not for it.
	if cmd.Scope == "" || cmd.Scope == auth.ScopeUsersManage || cmd.Scope == auth.ScopeSystemManage || cmd.Scope == auth.ScopeAll {
		return false
	}
	for _, prefix := range []string{"auth", "apps/", "subsonic/"} {
		if len(cmd.Name) >= len(prefix) && cmd.Name[:len(prefix)] == prefix {
			return false
		}
	}
	return true
}

func (s *Server) run(ctx context.Context, cmd *Command, call *Call) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.WithField("command", cmd.Name).Errorf("command panicked: %v\n%s", r, debug.Stack())
			result, err = nil, fail.Internal(fmt.Errorf("panic: %v", r))
		}
	}()
	result, err = cmd.Handler(ctx, call)
	if err != nil {
		if e := fail.As(err); e.Kind == fail.KindInternal || e.Kind == fail.KindUnavailable {
			if fail.ClientGone(err) {
				s.log.WithError(err).WithField("command", cmd.Name).Debug("command ended: the client left")
			} else {
				s.log.WithError(err).WithField("command", cmd.Name).Error("command failed")
			}
		}
		return nil, err
	}
	if call.Principal != nil && call.Principal.Method == auth.MethodDelegated {
		s.log.WithFields(logrus.Fields{"command": cmd.Name, "user": call.Principal.User.ID, "app": call.Principal.AppID}).Info("delegated action")
	}
	return result, nil
}

// batches splits a slice result into partial batches of n items.
func batches(result any, n int) []any {
	v := reflect.ValueOf(result)
	// Byte slices (json.RawMessage) are one JSON value, not a list.
	if !v.IsValid() || v.Kind() != reflect.Slice || v.Type().Elem().Kind() == reflect.Uint8 || v.Len() <= n {
		return nil
	}
	var out []any
	for i := 0; i < v.Len(); i += n {
		out = append(out, v.Slice(i, min(i+n, v.Len())).Interface())
	}
	return out
}
