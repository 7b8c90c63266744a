package signaling

import "context"

// connectRequest starts a session from a client socket to the gateway of a remote ID,
// wherever in the cluster that gateway is registered.
func (h *hub) connectRequest(ctx context.Context, p *peer, m Message) {
	if m.RemoteID == "" {
		p.sendError(ErrTextRemoteIDRequired)
		return
	}
	h.mu.Lock()
	if p.role == roleGateway {
		h.mu.Unlock()
		p.sendError(ErrTextWrongRole)
		return
	}
	// One session per socket: a new request ends the previous one, so a socket cannot
	// pile up sessions.
	out := h.endClientSessionLocked(p)
	rid := NormalizeRemoteID(m.RemoteID)
	gwNode, owner := "", ""
	if g := h.gateways[rid]; g != nil {
		gwNode, owner = h.node, g.token
	}
	h.mu.Unlock()
	h.flush(ctx, out)

	if gwNode == "" && rid != "" && h.reg != nil {
		tok, ok, err := h.reg.lookup(ctx, rid)
		if err != nil {
			h.log.WithError(err).Warn("redis lookup failed")
			p.sendError(ErrTextBackend)
			return
		}
		if ok && nodeOf(tok) != h.node {
			gwNode, owner = nodeOf(tok), tok
		}
	}
	if gwNode == "" {
		h.lookupFailed(p)
		return
	}
	sid, err := randomID(h.cfg.Rand, 16)
	if err != nil {
		h.log.WithError(err).Error("session id")
		p.sendError(ErrTextBackend)
		return
	}
	h.mu.Lock()
	h.sessions[sid] = &clientSession{p: p, rid: rid, gwNode: gwNode}
	p.role, p.sessionID = roleClient, sid
	h.mu.Unlock()
	h.flush(ctx, outbox{{To: gwNode, Kind: envConnect, SID: sid, RID: rid, Owner: owner, IP: p.ip}})
}

// lookupFailed answers an unknown remote ID, and blocks and closes (4008) an IP that
// keeps guessing.
func (h *hub) lookupFailed(p *peer) {
	if h.limiter.failedLookup(p.ip) {
		h.log.WithField("ip", p.ip).Warn("blocked for remote-ID guessing")
		p.sendError(ErrTextBlocked)
		p.close(CloseBlocked, "Blocked for brute force")
		return
	}
	p.sendError(ErrTextServerNotFound)
}

// relay forwards offer/answer/ice-candidate between the two ends of a session.
func (h *hub) relay(ctx context.Context, p *peer, m Message) {
	h.mu.Lock()
	var e envelope
	switch p.role {
	case roleClient:
		cs := h.sessions[p.sessionID]
		if cs == nil || !cs.connected {
			h.mu.Unlock()
			p.sendError(ErrTextSessionNotFound)
			return
		}
		e = envelope{To: cs.gwNode, Kind: envToGateway, SID: p.sessionID, RID: cs.rid,
			Msg: &Message{Type: m.Type, Data: m.Data}}
	case roleGateway:
		if m.SessionID == "" {
			h.mu.Unlock()
			p.sendError(ErrTextSessionRequired)
			return
		}
		g := h.gateways[p.remoteID]
		var s *gwSession
		if g != nil && g.p == p {
			s = g.sessions[m.SessionID]
		}
		if s == nil {
			h.mu.Unlock()
			p.sendError(ErrTextClientNotFound)
			return
		}
		e = envelope{To: s.clientNode, Kind: envToClient, SID: m.SessionID,
			Msg: &Message{Type: m.Type, Data: m.Data}}
	default:
		h.mu.Unlock()
		p.sendError(ErrTextNotRegistered)
		return
	}
	h.mu.Unlock()
	h.flush(ctx, outbox{e})
}

// endClientSessionLocked drops p's session and tells the gateway side.
func (h *hub) endClientSessionLocked(p *peer) outbox {
	cs := h.sessions[p.sessionID]
	if cs == nil || cs.p != p {
		return nil
	}
	delete(h.sessions, p.sessionID)
	sid := p.sessionID
	p.sessionID = ""
	return outbox{{To: cs.gwNode, Kind: envClientGone, SID: sid, RID: cs.rid}}
}

func (h *hub) onConnectedLocked(e envelope) {
	cs := h.sessions[e.SID]
	if cs == nil || cs.connected || cs.gwNode != e.From {
		return
	}
	cs.connected = true
	cs.p.sendMsg(Message{Type: TypeConnected, RemoteID: cs.rid, SessionID: e.SID, ICEServers: e.ICE})
}

func (h *hub) onToClientLocked(e envelope) {
	cs := h.sessions[e.SID]
	if cs == nil || e.Msg == nil || !relayable(e.Msg.Type) || cs.gwNode != e.From {
		return
	}
	cs.p.sendMsg(Message{Type: e.Msg.Type, SessionID: e.SID, Data: e.Msg.Data})
}

// onSessionEndLocked ends a client's session from the gateway side: peer-disconnected
// for a session that was connected, an error for one still waiting (as MA does).
func (h *hub) onSessionEndLocked(e envelope) {
	cs := h.sessions[e.SID]
	// Only the gateway's node may end a session; this node may too (a failed publish).
	if cs == nil || cs.gwNode != e.From && e.From != h.node {
		return
	}
	delete(h.sessions, e.SID)
	if cs.p.sessionID == e.SID {
		cs.p.sessionID = ""
	}
	switch {
	case e.Kind == envReject:
		cs.p.sendError(e.Err)
	case cs.connected:
		cs.p.sendMsg(Message{Type: TypePeerDisconnected})
	default:
		cs.p.sendError(ErrTextServerGone)
	}
}
