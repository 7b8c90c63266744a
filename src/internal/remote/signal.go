package remote

import (
	"encoding/json"
)

// SignalMessage is every message of the MA signaling protocol (ma-protocol.md §4.3); each
// side uses the fields its type needs.
type SignalMessage struct {
	Type       string          `json:"type"`
	RemoteID   string          `json:"remoteId,omitempty"`
	SessionID  string          `json:"sessionId,omitempty"`
	ICEServers []ICEServer     `json:"iceServers,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Error      string          `json:"error,omitempty"`
}

// SessionDescription is RTCSessionDescriptionInit.
type SessionDescription struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// ICECandidate is RTCIceCandidateInit.
type ICECandidate struct {
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdpMid,omitempty"`
	SDPMLineIndex    *uint16 `json:"sdpMLineIndex,omitempty"`
	UsernameFragment *string `json:"usernameFragment,omitempty"`
}

// Signal message types.
const (
	SigRegisterServer     = "register-server"
	SigRegistered         = "registered"
	SigClientConnected    = "client-connected"
	SigClientDisconnected = "client-disconnected"
	SigSessionReady       = "session-ready"
	SigConnectRequest     = "connect-request"
	SigConnected          = "connected"
	SigPeerDisconnected   = "peer-disconnected"
	SigOffer              = "offer"
	SigAnswer             = "answer"
	SigICECandidate       = "ice-candidate"
	SigPing               = "ping"
	SigPong               = "pong"
	SigError              = "error"
)

// CloseReplaced is the WebSocket close code the signaling server uses when another
// connection registered the same remote ID.
const CloseReplaced = 4000

// validSessionID bounds what we accept as a key in our session map.
func validSessionID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
