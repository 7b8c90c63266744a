package remote

import "segue/internal/remote/peer"

// withoutCredentials keeps only servers without credentials: TURN credentials must not
// reach anyone before a client session exists (security checklist 70), so register-server
// carries STUN only and TURN goes out per session.
func withoutCredentials(in []peer.ICEServer) []peer.ICEServer {
	out := make([]peer.ICEServer, 0, len(in))
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
func announced(list []peer.ICEServer) []peer.ICEServer {
	if len(list) == 0 {
		return nil
	}
	return list
}
