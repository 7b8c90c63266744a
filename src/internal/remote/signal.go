package remote

import "segue/internal/signaling"

// The signaling protocol is defined once, by the signaling package; these are
// its names for what the gateway's callers configure and read.
type (
	// ICEServer is an RTCIceServer as it travels in signaling messages and HA's
	// cloud/webrtc/ice_servers answer (`urls` a string or a list).
	ICEServer = signaling.ICEServer
	// SessionDescription is RTCSessionDescriptionInit.
	SessionDescription = signaling.SessionDescription
	// ICECandidate is RTCIceCandidateInit.
	ICECandidate = signaling.ICECandidate
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
