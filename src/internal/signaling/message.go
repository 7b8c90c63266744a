package signaling

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Message types of the Music Assistant signaling protocol (ma-protocol.md §4.3).
const (
	TypeRegisterServer     = "register-server"
	TypeRegistered         = "registered"
	TypeConnectRequest     = "connect-request"
	TypeConnected          = "connected"
	TypeSessionReady       = "session-ready"
	TypeClientConnected    = "client-connected"
	TypeClientDisconnected = "client-disconnected"
	TypePeerDisconnected   = "peer-disconnected"
	TypeOffer              = "offer"
	TypeAnswer             = "answer"
	TypeICECandidate       = "ice-candidate"
	TypePing               = "ping"
	TypePong               = "pong"
	TypeError              = "error"
)

// Close codes the signaling server uses beyond RFC 6455's.
const (
	CloseReplaced    = 4000 // another connection registered the same remote ID
	CloseBlocked     = 4008 // too many failed remote-ID lookups from this IP
	CloseRateLimited = 4029 // the IP is blocked by the message rate limit
)

// Error texts sent in {"type":"error"} messages. ErrTextServerNotFound is byte-for-byte
// MA's, because apps show it to users.
const (
	ErrTextServerNotFound   = "Server not found. Make sure your Music Assistant server is running and has Remote Access enabled."
	ErrTextRemoteIDRequired = "Remote ID required"
	ErrTextInvalidRemoteID  = "Invalid remote ID"
	ErrTextSessionRequired  = "Session ID required"
	ErrTextSessionNotFound  = "Session not found"
	ErrTextClientNotFound   = "Client not found"
	ErrTextServerGone       = "Server disconnected"
	ErrTextServerBusy       = "Server busy. Try again later."
	ErrTextInvalidFormat    = "Invalid message format"
	ErrTextWrongRole        = "Not allowed on this connection"
	ErrTextBlocked          = "Too many failed attempts. You have been temporarily blocked."
	ErrTextBackend          = "Signaling backend unavailable. Try again later."
	ErrTextNotRegistered    = "Not registered"
	ErrTextProofRejected    = "Ownership proof rejected"
	errTextUnknownPrefix    = "Unknown message type: "
	errTextRateLimitedFmt   = "Rate limited. Try again in %d seconds."
)

// Message is one signaling frame. Data stays raw JSON: the server relays SDP and
// candidates without interpreting them; the client library decodes them on demand.
type Message struct {
	Type       string          `json:"type"`
	RemoteID   string          `json:"remoteId,omitempty"`
	SessionID  string          `json:"sessionId,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Error      string          `json:"error,omitempty"`
	ICEServers []ICEServer     `json:"iceServers,omitzero"` // [] (no servers) differs from absent (use defaults)
}

// ICEServer is an RTCIceServer. DecodeMessage accepts its urls as a string or
// a list (both occur in the wild); it always encodes a list.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// wireMessage is a Message as received: each ICE server's urls still raw.
type wireMessage struct {
	Message
	ICEServers []struct {
		URLs       json.RawMessage `json:"urls"`
		Username   string          `json:"username"`
		Credential string          `json:"credential"`
	} `json:"iceServers"`
}

// message resolves the urls ("stun:x" or ["stun:x","turn:y"]); an empty list
// stays distinct from an absent one.
func (w *wireMessage) message() (Message, error) {
	m := w.Message
	if w.ICEServers == nil {
		return m, nil
	}
	m.ICEServers = make([]ICEServer, len(w.ICEServers))
	for i, s := range w.ICEServers {
		m.ICEServers[i] = ICEServer{Username: s.Username, Credential: s.Credential}
		urls := bytes.TrimSpace(s.URLs)
		switch {
		case len(urls) == 0 || bytes.Equal(urls, []byte("null")):
		case urls[0] == '"':
			var one string
			if err := json.Unmarshal(urls, &one); err != nil {
				return Message{}, err
			}
			m.ICEServers[i].URLs = []string{one}
		default:
			if err := json.Unmarshal(urls, &m.ICEServers[i].URLs); err != nil {
				return Message{}, err
			}
		}
	}
	return m, nil
}

// SessionDescription is RTCSessionDescriptionInit, the data of offer and answer.
type SessionDescription struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// ICECandidate is RTCIceCandidateInit, the data of ice-candidate.
type ICECandidate struct {
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdpMid,omitempty"`
	SDPMLineIndex    *uint16 `json:"sdpMLineIndex,omitempty"`
	UsernameFragment *string `json:"usernameFragment,omitempty"`
}

// Limits on decoded fields. The frame itself is bounded by MaxMessageBytes.
const (
	DefaultMaxMessageBytes = 64 << 10
	maxTypeLen             = 64
	maxIDLen               = 64
	maxErrorLen            = 1024
	maxICEServers          = 32
	maxURLsPerServer       = 16
	maxURLLen              = 512
	maxCredLen             = 512
)

// ErrMalformed wraps every decoding failure.
var ErrMalformed = errors.New("malformed signaling message")

// DecodeMessage parses one frame of at most maxBytes (≤0 means DefaultMaxMessageBytes)
// and checks every field's size and shape. It never panics on any input.
func DecodeMessage(b []byte, maxBytes int) (Message, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxMessageBytes
	}
	if len(b) > maxBytes {
		return Message{}, fmt.Errorf("%w: %d bytes over limit %d", ErrMalformed, len(b), maxBytes)
	}
	var w wireMessage
	if err := json.Unmarshal(b, &w); err != nil {
		return Message{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	m, err := w.message()
	if err != nil {
		return Message{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := m.validate(); err != nil {
		return Message{}, err
	}
	return m, nil
}

func (m *Message) validate() error {
	switch {
	case m.Type == "":
		return fmt.Errorf("%w: missing type", ErrMalformed)
	case len(m.Type) > maxTypeLen:
		return fmt.Errorf("%w: type too long", ErrMalformed)
	case len(m.RemoteID) > maxIDLen, len(m.SessionID) > maxIDLen:
		return fmt.Errorf("%w: id too long", ErrMalformed)
	case len(m.Error) > maxErrorLen:
		return fmt.Errorf("%w: error text too long", ErrMalformed)
	case len(m.ICEServers) > maxICEServers:
		return fmt.Errorf("%w: too many ICE servers", ErrMalformed)
	}
	if len(m.Data) > 0 {
		d := bytes.TrimSpace(m.Data)
		if bytes.Equal(d, []byte("null")) {
			m.Data = nil
		} else if len(d) == 0 || d[0] != '{' {
			return fmt.Errorf("%w: data must be an object", ErrMalformed)
		}
	}
	for _, s := range m.ICEServers {
		if len(s.URLs) == 0 || len(s.URLs) > maxURLsPerServer {
			return fmt.Errorf("%w: ICE server needs 1..%d urls", ErrMalformed, maxURLsPerServer)
		}
		for _, u := range s.URLs {
			if len(u) == 0 || len(u) > maxURLLen {
				return fmt.Errorf("%w: bad ICE server url", ErrMalformed)
			}
		}
		if len(s.Username) > maxCredLen || len(s.Credential) > maxCredLen {
			return fmt.Errorf("%w: ICE credential too long", ErrMalformed)
		}
	}
	return nil
}

// Encode marshals m. Messages built by this package always encode.
func (m Message) Encode() []byte {
	b, err := json.Marshal(m)
	if err != nil {
		// Only reachable with invalid UTF-8 handled by json already, or a RawMessage
		// that is not JSON; both are rejected by DecodeMessage before we relay them.
		b, _ = json.Marshal(Message{Type: TypeError, Error: "internal encoding error"})
	}
	return b
}

// SessionDescription decodes Data of an offer or answer.
func (m Message) SessionDescription() (SessionDescription, error) {
	var sd SessionDescription
	if len(m.Data) == 0 {
		return sd, fmt.Errorf("%w: %s without data", ErrMalformed, m.Type)
	}
	if err := json.Unmarshal(m.Data, &sd); err != nil {
		return sd, fmt.Errorf("%w: %s data: %v", ErrMalformed, m.Type, err)
	}
	return sd, nil
}

// ICECandidate decodes Data of an ice-candidate.
func (m Message) ICECandidate() (ICECandidate, error) {
	var c ICECandidate
	if len(m.Data) == 0 {
		return c, fmt.Errorf("%w: %s without data", ErrMalformed, m.Type)
	}
	if err := json.Unmarshal(m.Data, &c); err != nil {
		return c, fmt.Errorf("%w: %s data: %v", ErrMalformed, m.Type, err)
	}
	return c, nil
}

func mustData(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with the fixed structs above
	}
	return b
}

func unknownTypeText(t string) string { return errTextUnknownPrefix + t }
