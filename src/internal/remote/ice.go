package remote

import (
	"github.com/pion/webrtc/v4"
)

// DefaultSTUN is the public STUN list MA's basic mode uses.
var defaultSTUN = []string{"stun:stun.home-assistant.io:3478", "stun:stun.l.google.com:19302", "stun:stun.cloudflare.com:3478"}

// DefaultICEServers returns the public STUN servers (a fresh slice each call).
func DefaultICEServers() []ICEServer {
	return []ICEServer{{URLs: append([]string(nil), defaultSTUN...)}}
}

// withoutCredentials keeps only servers without credentials: TURN credentials must not
// reach anyone before a client session exists (security checklist 70), so register-server
// carries STUN only and TURN goes out per session.
func withoutCredentials(in []ICEServer) []ICEServer {
	out := make([]ICEServer, 0, len(in))
	for _, s := range in {
		if s.Username != "" || s.Credential != "" {
			continue
		}
		out = append(out, s)
	}
	return out
}

// announced is a list as the gateway sends it: an empty one is left out (nil), as
// MA's gateway does, since [] would tell clients to use no servers at all.
func announced(list []ICEServer) []ICEServer {
	if len(list) == 0 {
		return nil
	}
	return list
}

func toPion(in []ICEServer) []webrtc.ICEServer {
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
