package signaling

import "context"

// register handles register-server: a new registration, an ICE-server update from the
// same socket, or a takeover that closes the previous socket with 4000.
func (h *hub) register(ctx context.Context, p *peer, m Message) {
	if m.RemoteID == "" {
		p.sendError(ErrTextRemoteIDRequired)
		return
	}
	rid := NormalizeRemoteID(m.RemoteID)
	if rid == "" {
		p.sendError(ErrTextInvalidRemoteID)
		return
	}
	lk := h.regLock(rid)
	lk.Lock()
	defer lk.Unlock()

	h.mu.Lock()
	if p.role == roleClient {
		h.mu.Unlock()
		p.sendError(ErrTextWrongRole)
		return
	}
	proven := false
	if hasProof(m) {
		if p.role != roleGateway || p.remoteID != rid || verifyOwnership(rid, p.challenge, m.Data) != nil {
			h.mu.Unlock()
			h.log.WithField("remote_id", rid).Warn("ownership proof rejected")
			p.sendError(ErrTextProofRejected)
			return
		}
		proven = true
	}
	cur := h.gateways[rid]
	if cur != nil && cur.p == p && (cur.proven || !proven) {
		// Same socket again: MA only refreshes the cached ICE servers.
		if m.ICEServers != nil {
			cur.ice = m.ICEServers
		}
		h.mu.Unlock()
		p.sendMsg(h.registeredLocked(p, rid, cur.proven))
		return
	}
	if cur != nil && cur.p != p && cur.proven && !proven {
		// A proven registration is never displaced by an unproven one. The socket may
		// still prove itself with the challenge in registered.
		h.leaveOldRegistrationLocked(p, rid)
		msg := h.registeredLocked(p, rid, false)
		h.mu.Unlock()
		h.log.WithField("remote_id", rid).Warn("unproven registration refused: a proven gateway holds this remote ID")
		p.sendMsg(msg)
		return
	}
	out, oldRID, oldToken := h.leaveOldRegistrationLocked(p, rid)
	if cur != nil && cur.p != p {
		out = append(out, h.endGatewayLocked(cur)...)
		cur.p.close(CloseReplaced, "Replaced by new connection")
		h.log.WithField("remote_id", rid).Info("registration replaced by a new connection")
	}
	token := h.nextToken()
	if proven {
		token += "!"
	}
	g := &gateway{p: p, rid: rid, token: token, proven: proven, ice: m.ICEServers,
		sessions: make(map[string]*gwSession), perIP: make(map[string]int)}
	if cur != nil && cur.p == p { // the same socket proving: keep its sessions and ICE
		g.sessions, g.perIP = cur.sessions, cur.perIP
		if m.ICEServers == nil {
			g.ice = cur.ice
		}
	}
	h.gateways[rid] = g
	p.role, p.remoteID = roleGateway, rid
	reply := h.registeredLocked(p, rid, proven)
	h.mu.Unlock()

	h.flush(ctx, out)
	if h.reg != nil {
		if oldRID != "" {
			if err := h.reg.unregister(ctx, oldRID, oldToken); err != nil {
				h.log.WithError(err).Warn("redis unregister failed; the entry expires by TTL")
			}
		}
		prev, took, err := h.reg.register(ctx, rid, token)
		switch {
		case err != nil:
			// Local clients still reach it; the refresher retries the shared entry.
			h.log.WithError(err).WithField("remote_id", rid).Warn("redis register failed")
		case !took:
			// A proven registration on another node holds the ID: ours steps back.
			h.mu.Lock()
			var back outbox
			if h.gateways[rid] == g {
				back = h.endGatewayLocked(g)
			}
			h.mu.Unlock()
			h.flush(ctx, back)
			h.log.WithField("remote_id", rid).Warn("unproven registration refused: a proven gateway holds this remote ID")
		case prev != "" && prev != token && nodeOf(prev) != h.node:
			h.flush(ctx, outbox{{To: nodeOf(prev), Kind: envReplaced, RID: rid, Owner: prev}})
		}
	}
	h.log.WithFields(map[string]any{"remote_id": rid, "proven": proven}).Info("gateway registered")
	p.sendMsg(reply)
}

// leaveOldRegistrationLocked ends p's registration under another remote ID when the
// socket moves to rid, and gives it a fresh challenge for the new ID.
func (h *hub) leaveOldRegistrationLocked(p *peer, rid string) (out outbox, oldRID, oldToken string) {
	if p.role == roleGateway && p.remoteID != rid {
		if g := h.gateways[p.remoteID]; g != nil && g.p == p {
			out = h.endGatewayLocked(g)
			oldRID, oldToken = g.rid, g.token
		}
		p.challenge = nil
	}
	p.role, p.remoteID = roleGateway, rid
	return out, oldRID, oldToken
}

// registeredLocked is the answer to register-server: an unproven socket also gets
// its challenge (made once per socket and ID).
func (h *hub) registeredLocked(p *peer, rid string, proven bool) Message {
	m := Message{Type: TypeRegistered, RemoteID: rid}
	if proven {
		return m
	}
	if p.challenge == nil {
		c, err := newChallenge(h.cfg.Rand)
		if err != nil {
			return m // no challenge: the gateway stays unproven, as with MA's server
		}
		p.challenge = c
	}
	m.Data = mustData(registeredData{Challenge: p.challenge})
	return m
}

// endGatewayLocked removes g and tells the client side of each of its sessions.
func (h *hub) endGatewayLocked(g *gateway) outbox {
	if h.gateways[g.rid] == g {
		delete(h.gateways, g.rid)
	}
	out := make(outbox, 0, len(g.sessions))
	for sid, s := range g.sessions {
		if s.timer != nil {
			s.timer.Stop()
		}
		out = append(out, envelope{To: s.clientNode, Kind: envPeerGone, SID: sid})
	}
	g.sessions = map[string]*gwSession{}
	g.perIP = map[string]int{}
	return out
}

// onConnectLocked opens a session towards a gateway on this node and asks it for
// fresh ICE servers (client-connected); the fallback timer covers gateways that never
// answer with session-ready.
func (h *hub) onConnectLocked(e envelope) outbox {
	g := h.gateways[e.RID]
	if g == nil {
		return outbox{{To: e.From, Kind: envReject, SID: e.SID, Err: ErrTextServerNotFound}}
	}
	if _, dup := g.sessions[e.SID]; dup {
		return nil
	}
	// Two caps: one on the gateway's sessions, and one per client address so a single
	// address cannot hold all of a gateway's slots by keeping sockets open.
	if len(g.sessions) >= h.cfg.MaxSessionsPerGateway || g.perIP[e.IP] >= h.cfg.MaxSessionsPerClientIP {
		return outbox{{To: e.From, Kind: envReject, SID: e.SID, Err: ErrTextServerBusy}}
	}
	s := &gwSession{clientNode: e.From, clientIP: e.IP, pending: true}
	g.perIP[e.IP]++
	sid := e.SID
	s.timer = h.cfg.Clock.AfterFunc(h.cfg.SessionReadyTimeout, func() { h.fallback(g, sid) })
	g.sessions[sid] = s
	g.p.sendMsg(Message{Type: TypeClientConnected, SessionID: sid})
	return nil
}

// fallback completes a session with the ICE servers cached at registration when the
// gateway did not send session-ready in time.
func (h *hub) fallback(g *gateway, sid string) {
	h.mu.Lock()
	s := g.sessions[sid]
	if h.gateways[g.rid] != g || s == nil || !s.pending {
		h.mu.Unlock()
		return
	}
	s.pending = false
	out := outbox{{To: s.clientNode, Kind: envConnected, SID: sid, RID: g.rid, ICE: g.ice}}
	h.mu.Unlock()
	h.flush(h.baseCtx, out)
}

// sessionReady completes a pending session with the gateway's fresh ICE servers.
func (h *hub) sessionReady(ctx context.Context, p *peer, m Message) {
	if m.SessionID == "" {
		p.sendError(ErrTextSessionRequired)
		return
	}
	h.mu.Lock()
	g := h.gateways[p.remoteID]
	if p.role != roleGateway || g == nil || g.p != p {
		h.mu.Unlock()
		p.sendError(ErrTextWrongRole)
		return
	}
	s := g.sessions[m.SessionID]
	if s == nil || !s.pending {
		h.mu.Unlock() // late or unknown: MA ignores it silently
		return
	}
	s.timer.Stop()
	s.pending = false
	out := outbox{{To: s.clientNode, Kind: envConnected, SID: m.SessionID, RID: g.rid, ICE: m.ICEServers}}
	h.mu.Unlock()
	h.flush(ctx, out)
}

// onToGatewayLocked hands a client's offer or candidate to the gateway, with the
// session id the server assigned (never the one the client wrote).
func (h *hub) onToGatewayLocked(e envelope) outbox {
	g := h.gateways[e.RID]
	var s *gwSession
	if g != nil {
		s = g.sessions[e.SID]
	}
	if s == nil || s.clientNode != e.From || e.Msg == nil || !relayable(e.Msg.Type) {
		return outbox{{To: e.From, Kind: envReject, SID: e.SID, Err: ErrTextServerGone}}
	}
	g.p.sendMsg(Message{Type: e.Msg.Type, RemoteID: g.rid, SessionID: e.SID, Data: e.Msg.Data})
	return nil
}

func (h *hub) onClientGoneLocked(e envelope) {
	g := h.gateways[e.RID]
	if g == nil {
		return
	}
	s := g.sessions[e.SID]
	if s == nil || s.clientNode != e.From {
		return
	}
	s.timer.Stop()
	delete(g.sessions, e.SID)
	if g.perIP[s.clientIP]--; g.perIP[s.clientIP] <= 0 {
		delete(g.perIP, s.clientIP)
	}
	g.p.sendMsg(Message{Type: TypeClientDisconnected, SessionID: e.SID})
}

func relayable(t string) bool {
	return t == TypeOffer || t == TypeAnswer || t == TypeICECandidate
}
