package remote

import (
	"errors"
	"io"

	"github.com/pion/webrtc/v4"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/remote/peer"
	"segue/internal/text"
)

// Labels MA knows that Segue does not serve yet: refused rather than mistaken for the API.
var unsupportedLabels = map[string]bool{"sendspin": true, "live_announcement": true}

// maxProxyInFlight bounds concurrent proxied requests per channel.
const maxProxyInFlight = 4

var errBadOffer = errors.New("remote: not an offer")

// onDataChannel runs on a pion goroutine: decide the channel's role, then let OnOpen
// detach it and start the goroutines.
func (s *session) onDataChannel(dc *webrtc.DataChannel) {
	label := dc.Label()
	s.mu.Lock()
	s.channels++
	role := ""
	switch {
	case s.channels > maxChannels:
	case label == peer.LabelHTTPProxy:
		role = peer.LabelHTTPProxy
	case unsupportedLabels[label]:
	case !s.apiTaken:
		s.apiTaken = true
		role = peer.LabelAPI
	}
	s.mu.Unlock()
	if role == "" {
		s.log.WithField("label", text.Truncate(label, 40)).Debug("remote: refusing data channel")
		s.spawn(func() { _ = dc.Close() }) // not on pion's goroutine: Close may block
		return
	}
	dc.OnOpen(func() {
		rw, err := dc.DetachWithDeadline()
		if err != nil {
			s.log.WithError(err).Warn("remote: cannot detach data channel")
			s.cancel()
			return
		}
		l := newLink(dc, rw)
		s.addLink(l)
		s.markOpened()
		if role == peer.LabelAPI {
			s.spawn(func() { s.serveAPI(l) })
		} else {
			s.spawn(func() { s.serveProxyChannel(l) })
		}
	})
}

// readMessage reads one whole message. A message above the limit is a protocol
// violation and ends the session; any other error is the channel ending, which the
// caller handles. The copy is the caller's to keep.
func (s *session) readMessage(l *link, buf []byte) ([]byte, bool, error) {
	n, text, err := l.read(buf)
	if err == nil && n > peer.MaxMessageSize {
		err = io.ErrShortBuffer
	}
	if err != nil {
		if errors.Is(err, io.ErrShortBuffer) {
			s.log.Info("remote: data channel message too large; closing session")
			s.cancel()
		}
		l.close()
		return nil, false, err
	}
	msg := make([]byte, n)
	copy(msg, buf[:n])
	return msg, text, nil
}

// readLoop feeds every message of an auxiliary channel to handle until the channel
// ends (the session lives on) or handle reports a protocol violation (it does not).
func (s *session) readLoop(l *link, handle func(msg []byte, text bool) error) {
	buf := make([]byte, peer.MaxMessageSize+1)
	for {
		msg, text, err := s.readMessage(l, buf)
		if err != nil {
			return
		}
		if err := handle(msg, text); err != nil {
			s.log.WithError(err).Info("remote: data channel protocol violation; closing session")
			s.cancel()
			l.close()
			return
		}
	}
}

// serveAPI bridges the API channel to the command API in-process. The API session's
// own Receive reads the channel (see apiConn), so there is no queue in between: while
// the session is busy nothing is read and SCTP flow control slows the peer down.
func (s *session) serveAPI(l *link) {
	conn := newAPIConn(s, l)
	info := api.ConnInfo{Channel: auth.ChannelWebRTC, RemoteAddr: s.peerKey()}
	// The API session's end ends the peer session (e.g. the token was revoked).
	defer s.cancel()
	defer func() {
		if p := recover(); p != nil {
			s.log.WithField("panic", p).Error("remote: API session panicked")
		}
	}()
	s.g.cfg.Serve(s.ctx, conn, info)
}

// serveProxyChannel answers requests on the http_proxy channel: a JSON header with the
// body size, then the body as binary frames, one response at a time so frames of two
// responses never interleave.
func (s *session) serveProxyChannel(l *link) {
	sem := make(chan struct{}, maxProxyInFlight)
	re := peer.NewReassembler(64<<10, 1)
	s.readLoop(l, func(msg []byte, text bool) error {
		if !text {
			return nil
		}
		whole, ok, err := re.Add(msg)
		if err != nil || !ok {
			return err
		}
		req, isProxy := parseProxyRequest(whole)
		if !isProxy {
			return nil
		}
		return s.startProxy(sem, req, func(res proxyResult) {
			// A client that gives up on a request closes this channel; the response
			// then has nowhere to go. That ends this channel only, never the session
			// (its API channel stays up).
			if err := writeSized(s, l, req.ID, res); err != nil && s.ctx.Err() == nil {
				s.log.WithError(err).Debug("remote: proxy channel gone before its response; dropped")
				l.close()
			}
		})
	})
}

// proxyFrame is the binary frame size for bodies on the http_proxy channel.
const proxyFrame = 64 << 10

func writeSized(s *session, l *link, id string, res proxyResult) error {
	head, err := sizedResponse(id, res)
	if err != nil {
		return err
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.writeLocked(s.ctx, head, true); err != nil {
		return err
	}
	for _, part := range res.parts { // each at most proxyFrame bytes
		if len(part) == 0 {
			continue
		}
		if err := l.writeLocked(s.ctx, part, false); err != nil {
			return err
		}
	}
	return nil
}

// startProxy runs a proxied request off the reader goroutine; when maxProxyInFlight are
// already running, the reader waits (backpressure) rather than queueing without bound.
func (s *session) startProxy(sem chan struct{}, req *peer.ProxyRequest, reply func(proxyResult)) error {
	if len(req.ID) > 128 {
		return errors.New("proxy request id too long")
	}
	select {
	case sem <- struct{}{}:
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
	select {
	case s.g.proxySlots <- struct{}{}:
	case <-s.ctx.Done():
		<-sem
		return s.ctx.Err()
	}
	release := func() { <-sem; <-s.g.proxySlots }
	if !s.spawn(func() {
		defer release()
		if s.g.cfg.HTTPHandler == nil {
			reply(proxyError(503, "Service unavailable"))
			return
		}
		reply(serveProxy(s.ctx, s.g.cfg.HTTPHandler, s.g.cfg.ProxyHost, s.peerKey(), req, s.g.cfg.Limits.ProxyTimeout))
	}) {
		release()
		return s.ctx.Err()
	}
	return nil
}
