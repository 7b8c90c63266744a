package remote

import (
	"context"
	"time"

	"segue/internal/remote/peer"
	"segue/internal/signaling"
)

func (g *Gateway) session(id string) *session {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sessions[id]
}

// startSession admits a new client session within the limits.
func (g *Gateway) startSession(ctx context.Context, id string) {
	if !validSessionID(id) {
		return
	}
	now := g.cfg.Clock.Now()
	g.mu.Lock()
	if ctx.Err() != nil {
		g.mu.Unlock()
		return
	}
	if _, dup := g.sessions[id]; dup {
		g.mu.Unlock()
		return
	}
	kept := g.starts[:0]
	for _, t := range g.starts {
		if now.Sub(t) < time.Minute {
			kept = append(kept, t)
		}
	}
	g.starts = kept
	if len(g.sessions) >= g.cfg.Limits.MaxSessions || len(g.starts) >= g.cfg.Limits.SessionsPerMinute {
		n := len(g.sessions)
		// One warning a minute: a flood must not turn into a flood of log lines.
		warn := now.Sub(g.lastLimitWarn) >= time.Minute
		if warn {
			g.lastLimitWarn = now
		}
		g.mu.Unlock()
		if warn {
			g.log.WithField("sessions", n).Warn("remote: session limit reached; ignoring new clients for now")
		}
		return
	}
	g.starts = append(g.starts, now)
	sctx, cancel := context.WithCancel(ctx)
	s := &session{g: g, id: id, ctx: sctx, cancel: cancel, inbox: make(chan signaling.Message, sessionInbox),
		log: g.log.WithField("session", id)}
	g.sessions[id] = s
	g.wg.Add(1)
	g.mu.Unlock()
	go func() {
		defer g.wg.Done()
		s.run()
	}()
}

func (g *Gateway) removeSession(s *session) {
	g.mu.Lock()
	if g.sessions[s.id] == s {
		delete(g.sessions, s.id)
	}
	g.mu.Unlock()
}

func (g *Gateway) closeSessions() {
	g.mu.Lock()
	for _, s := range g.sessions {
		s.cancel()
	}
	g.mu.Unlock()
}

// sessionICEServers fetches the per-session list; a failing source falls back to the
// registration list so a client can still connect directly.
func (g *Gateway) sessionICEServers(ctx context.Context) []peer.ICEServer {
	ctx, cancel := context.WithTimeout(ctx, iceFetchTimeout)
	defer cancel()
	list, err := g.cfg.ICE.SessionICEServers(ctx)
	if err != nil || len(list) == 0 {
		if err != nil {
			g.log.WithError(err).Warn("remote: cannot fetch ICE servers for a session; using STUN only")
		}
		return g.cfg.ICE.RegisterICEServers(ctx)
	}
	return list
}
