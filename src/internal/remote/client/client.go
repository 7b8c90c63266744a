// Package client pairs with a Segue (or Music Assistant) server by remote ID over WebRTC,
// verifies that the server's DTLS certificate is the one the ID pins, and speaks the
// command API over the "ma-api" data channel.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/sirupsen/logrus"

	"segue/internal/remote/peer"
	"segue/internal/signaling"
	"segue/internal/text"
)

// Config says where and whom to reach.
type Config struct {
	SignalingURL string
	RemoteID     string // any spelling ParseRemoteID accepts
	// API is the pion API (tests pass one with loopback candidates); default NewRTCAPI.
	API *webrtc.API
	// FallbackICE is used when the signaling server sends no ICE servers.
	FallbackICE []peer.ICEServer
	Dialer      *websocket.Dialer
	Log         logrus.FieldLogger
	// Timeout bounds pairing (signaling, ICE, DTLS, first frame); default 30 s.
	Timeout time.Duration
	// MaxMessage bounds one reassembled message from the server; default 64 MiB.
	MaxMessage int
	// NoProxyChannel skips opening the http_proxy channel.
	NoProxyChannel bool
	// AnswerHook, for tests only, sees (and may alter) the answer SDP after the pin
	// check passed, e.g. to advertise a larger max-message-size in abuse tests.
	AnswerHook func(sdp string) string
}

// errPeerFailed: ICE or DTLS failed (a DTLS certificate that does not match the
// fingerprint ends here too).
var errPeerFailed = errors.New("remote: peer connection failed (ICE or DTLS)")

// ErrServerNotFound is the signaling server's answer for an unknown remote ID.
var ErrServerNotFound = errors.New("remote: server not found (is it running with remote access on?)")

// Dial pairs with the server and returns once the API channel is open and ServerInfo
// arrived. A certificate that does not match the remote ID aborts before the channel can
// open (peer.ErrFingerprintMismatch), so no API message is ever exchanged with an
// impostor.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	id, err := peer.ParseRemoteID(cfg.RemoteID)
	if err != nil {
		return nil, err
	}
	if cfg.SignalingURL == "" {
		cfg.SignalingURL = peer.DefaultSignalingURL
	}
	if cfg.API == nil {
		cfg.API = peer.NewRTCAPI(peer.RTCOptions{})
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment}
	}
	if cfg.Log == nil {
		cfg.Log = logrus.StandardLogger()
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxMessage == 0 {
		cfg.MaxMessage = 64 << 20
	}
	if len(cfg.FallbackICE) == 0 {
		cfg.FallbackICE = peer.DefaultICEServers()
	}
	pctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	sc, err := signaling.Connect(pctx, cfg.SignalingURL, id, signaling.DialOptions{Dialer: cfg.Dialer, MaxMessageBytes: signalReadLimit})
	if err != nil {
		return nil, signalingError(err)
	}
	cfg.Log.WithFields(logrus.Fields{"remote_id": sc.RemoteID(), "session": sc.SessionID(), "ice_servers": len(sc.ICEServers())}).
		Debug("remote: the signaling server opened a session with the server")
	c := &Conn{cfg: cfg, remoteID: id, sig: pumpSignaling(sc), pending: map[string]*pendingCall{},
		first: make(chan []byte, 1), closed: make(chan struct{}), log: cfg.Log}
	if err := c.pair(pctx); err != nil {
		c.Close()
		return nil, err
	}
	go c.signalLoopLater()
	return c, nil
}

// signalingError says why the signaling server did not connect us, without letting
// a long server text into our error.
func signalingError(err error) error {
	if errors.Is(err, signaling.ErrServerNotFound) {
		return ErrServerNotFound
	}
	var se *signaling.ServerError
	if errors.As(err, &se) {
		return fmt.Errorf("remote: signaling error: %s", text.Truncate(se.Text, 200))
	}
	return fmt.Errorf("remote: signaling: %w", err)
}

func (c *Conn) pair(ctx context.Context) error {
	sc := c.sig.client
	ice := sc.ICEServers()
	if len(ice) == 0 {
		ice = c.cfg.FallbackICE
	}
	pc, err := c.cfg.API.NewPeerConnection(webrtc.Configuration{ICEServers: peer.ToPion(ice)})
	if err != nil {
		return err
	}
	c.pc = pc
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed {
			go c.Close()
		}
	})
	ordered := true
	apiDC, err := pc.CreateDataChannel(peer.LabelAPI, &webrtc.DataChannelInit{Ordered: &ordered})
	if err != nil {
		return err
	}
	apiOpen := make(chan *channel, 1)
	apiDC.OnOpen(func() { openChannel(apiDC, apiOpen) })
	var proxyOpen chan *channel
	if !c.cfg.NoProxyChannel {
		proxyDC, err := pc.CreateDataChannel(peer.LabelHTTPProxy, &webrtc.DataChannelInit{Ordered: &ordered})
		if err != nil {
			return err
		}
		proxyOpen = make(chan *channel, 1)
		proxyDC.OnOpen(func() { openChannel(proxyDC, proxyOpen) })
	}

	// Local candidates go out once the offer has; each in its own goroutine, since
	// pion's gathering must not wait on the socket. Remote ones wait for the answer.
	c.trickle = peer.NewTrickle(pc, c.log, func(cand signaling.ICECandidate) {
		go func() { _ = sc.Candidate(context.Background(), cand) }()
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	if err := pc.SetLocalDescription(offer); err != nil {
		return err
	}
	if err := sc.Offer(ctx, signaling.SessionDescription{Type: "offer", SDP: offer.SDP}); err != nil {
		return err
	}
	c.trickle.DescriptionSent()

	answered := false
	for {
		select {
		case m := <-c.sig.in:
			switch m.Type {
			case signaling.TypeAnswer:
				if answered {
					continue
				}
				var d signaling.SessionDescription
				if err := json.Unmarshal(m.Data, &d); err != nil {
					return fmt.Errorf("remote: bad answer: %w", err)
				}
				// The pin: nothing is applied unless the certificate is the one the
				// remote ID names.
				sdp, err := peer.PinAnswer(d.SDP, c.remoteID)
				if err != nil {
					return err
				}
				if c.cfg.AnswerHook != nil {
					sdp = c.cfg.AnswerHook(sdp)
				}
				if err := c.trickle.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
					return fmt.Errorf("remote: bad answer: %w", err)
				}
				answered = true
			case signaling.TypeICECandidate:
				c.trickle.Remote(m.Data)
			case signaling.TypePeerDisconnected:
				return errors.New("remote: the server went away")
			case signaling.TypeError:
				return fmt.Errorf("remote: signaling error: %s", text.Truncate(m.Error, 200))
			}
		case ch := <-apiOpen:
			c.api = ch
			go c.readAPI()
			if proxyOpen != nil {
				c.proxyCh = proxyOpen
			}
			// The first frame on the API channel is ServerInfo.
			select {
			case info := <-c.first:
				c.serverInfo = info
				return nil
			case <-c.closed:
				return errors.New("remote: connection closed before ServerInfo")
			case <-ctx.Done():
				return fmt.Errorf("remote: waiting for ServerInfo: %w", ctx.Err())
			}
		case <-c.closed:
			return errPeerFailed
		case <-c.sig.done:
			select {
			case <-c.closed:
				return errPeerFailed
			default:
			}
			return errors.New("remote: signaling connection closed during pairing")
		case <-ctx.Done():
			return fmt.Errorf("remote: pairing: %w", ctx.Err())
		}
	}
}

// signalLoopLater keeps applying trickled candidates after pairing returned.
func (c *Conn) signalLoopLater() {
	for {
		select {
		case m := <-c.sig.in:
			if m.Type == signaling.TypeICECandidate {
				c.trickle.Remote(m.Data)
			}
			// peer-disconnected after pairing only means the server's signaling socket
			// went away; the peer connection's own state decides whether we are done.
		case <-c.sig.done:
			return
		case <-c.closed:
			return
		}
	}
}
