package remote

import (
	"context"

	"segue/internal/remote/peer"
)

// controllerICE picks ICE servers from the current state: HA Cloud relays per session
// when usable, else the configured list, else public STUN.
type controllerICE struct{ c *Controller }

func (s controllerICE) base() []peer.ICEServer {
	if len(s.c.cfg.ICE) > 0 {
		return s.c.cfg.ICE
	}
	return peer.DefaultICEServers()
}

func (s controllerICE) RegisterICEServers(context.Context) []peer.ICEServer {
	if l := withoutCredentials(s.base()); len(l) > 0 {
		return l
	}
	return peer.DefaultICEServers()
}

func (s controllerICE) SessionICEServers(ctx context.Context) ([]peer.ICEServer, error) {
	s.c.mu.Lock()
	cloud := s.c.usingCloudLocked()
	s.c.mu.Unlock()
	if cloud {
		ctx, cancel := context.WithTimeout(ctx, iceFetchTimeout)
		defer cancel()
		list, err := s.c.cfg.Cloud.ICEServers(ctx)
		if err == nil && len(list) > 0 {
			// Relays plus STUN, so direct paths are still tried first.
			return append(list, withoutCredentials(s.base())...), nil
		}
		// Never log the list: it carries credentials.
		s.c.log.WithError(err).Warn("remote: HA Cloud ICE servers unavailable for this session; direct connection only")
	}
	return append([]peer.ICEServer(nil), s.base()...), nil
}
