package remote

import (
	"encoding/json"

	"segue/internal/signaling"
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

// Signal message types and close codes: the protocol is defined once, by the
// signaling server package.
const (
	SigRegisterServer     = signaling.TypeRegisterServer
	SigRegistered         = signaling.TypeRegistered
	SigClientConnected    = signaling.TypeClientConnected
	SigClientDisconnected = signaling.TypeClientDisconnected
	SigSessionReady       = signaling.TypeSessionReady
	SigConnectRequest     = signaling.TypeConnectRequest
	SigConnected          = signaling.TypeConnected
	SigPeerDisconnected   = signaling.TypePeerDisconnected
	SigOffer              = signaling.TypeOffer
	SigAnswer             = signaling.TypeAnswer
	SigICECandidate       = signaling.TypeICECandidate
	SigPing               = signaling.TypePing
	SigPong               = signaling.TypePong
	SigError              = signaling.TypeError

	// CloseReplaced is the close code of a registration taken over by another connection.
	CloseReplaced = signaling.CloseReplaced
)

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
