package signaling

import (
	"encoding/json"
	"fmt"
	"strings"
)

// An envelope carries one event between the two halves of a session: the node holding
// the client's socket and the node holding the gateway's. On one node they are applied
// in-process; in a cluster they travel over the destination node's Redis channel.
type envelope struct {
	To    string      `json:"-"`
	Kind  string      `json:"k"`
	From  string      `json:"f"`
	SID   string      `json:"s,omitempty"`
	RID   string      `json:"r,omitempty"`
	Owner string      `json:"o,omitempty"` // registration token "<node>.<serial>"
	Msg   *Message    `json:"m,omitempty"`
	ICE   []ICEServer `json:"i,omitzero"`
	Err   string      `json:"e,omitempty"`
	IP    string      `json:"ip,omitempty"` // connect: the client's address, for per-IP caps
}

// Envelope kinds. c→g travel from the client's node to the gateway's, g→c back.
const (
	envConnect    = "connect"     // c→g: a client asks for RID; open session SID
	envToGateway  = "to-gateway"  // c→g: relay offer/ice-candidate
	envClientGone = "client-gone" // c→g: the client's socket closed or moved on
	envConnected  = "connected"   // g→c: session-ready or fallback; ICE servers attached
	envToClient   = "to-client"   // g→c: relay answer/ice-candidate
	envPeerGone   = "peer-gone"   // g→c: the gateway went away
	envReject     = "reject"      // g→c: session refused (Err says why)
	envReplaced   = "replaced"    // →old owner: another node registered RID
)

// nodeOf extracts the node id from a registration token.
func nodeOf(token string) string {
	n, _, _ := strings.Cut(token, ".")
	return n
}

func decodeEnvelope(b []byte, maxBytes int) (envelope, error) {
	if len(b) > maxBytes {
		return envelope{}, fmt.Errorf("%w: envelope of %d bytes", ErrMalformed, len(b))
	}
	var e envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return envelope{}, fmt.Errorf("%w: envelope: %v", ErrMalformed, err)
	}
	if e.Kind == "" || e.From == "" || len(e.SID) > maxIDLen || len(e.RID) > maxIDLen || len(e.Owner) > 2*maxIDLen || len(e.IP) > 64 {
		return envelope{}, fmt.Errorf("%w: envelope fields", ErrMalformed)
	}
	if e.Msg != nil {
		if err := e.Msg.validate(); err != nil {
			return envelope{}, err
		}
	}
	if len(e.ICE) > maxICEServers {
		return envelope{}, fmt.Errorf("%w: envelope ICE servers", ErrMalformed)
	}
	return e, nil
}
