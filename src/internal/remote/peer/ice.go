package peer

import (
	"github.com/pion/webrtc/v4"

	"segue/internal/signaling"
)

// ICEServer is an RTCIceServer as it travels in signaling messages and HA's
// cloud/webrtc/ice_servers answer (`urls` a string or a list).
type ICEServer = signaling.ICEServer

// defaultSTUN is the public STUN list MA's basic mode uses.
var defaultSTUN = []string{"stun:stun.home-assistant.io:3478", "stun:stun.l.google.com:19302", "stun:stun.cloudflare.com:3478"}

// DefaultICEServers returns the public STUN servers (a fresh slice each call).
func DefaultICEServers() []ICEServer {
	return []ICEServer{{URLs: append([]string(nil), defaultSTUN...)}}
}

// ToPion converts ICE servers for pion; credentials only where there are some.
func ToPion(in []ICEServer) []webrtc.ICEServer {
	out := make([]webrtc.ICEServer, 0, len(in))
	for _, s := range in {
		ps := webrtc.ICEServer{URLs: append([]string(nil), s.URLs...)}
		if s.Username != "" || s.Credential != "" {
			ps.Username, ps.Credential = s.Username, s.Credential
		}
		out = append(out, ps)
	}
	return out
}
