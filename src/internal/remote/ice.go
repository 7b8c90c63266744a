package remote

import (
	"encoding/json"
	"errors"

	"github.com/pion/webrtc/v4"
)

// ICEServer is an RTCIceServer as it travels in signaling messages and HA's
// cloud/webrtc/ice_servers answer. `urls` may be a string or a list.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// UnmarshalJSON accepts "urls" as a string or an array (both occur in the wild).
func (s *ICEServer) UnmarshalJSON(b []byte) error {
	var raw struct {
		URLs       json.RawMessage `json:"urls"`
		Username   string          `json:"username"`
		Credential string          `json:"credential"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	s.Username, s.Credential = raw.Username, raw.Credential
	s.URLs = nil
	if len(raw.URLs) == 0 {
		return errors.New("ice server without urls")
	}
	if raw.URLs[0] == '"' {
		var one string
		if err := json.Unmarshal(raw.URLs, &one); err != nil {
			return err
		}
		s.URLs = []string{one}
		return nil
	}
	return json.Unmarshal(raw.URLs, &s.URLs)
}

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
