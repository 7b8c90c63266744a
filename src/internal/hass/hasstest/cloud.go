package hasstest

// CloudState selects what cloud/status answers.
type CloudState int

const (
	// CloudLoggedOut: the cloud integration is loaded, nobody is logged in.
	CloudLoggedOut CloudState = iota
	// CloudLoggedInNoSubscription: logged in, subscription expired.
	CloudLoggedInNoSubscription
	// CloudActive: logged in with an active subscription (TURN available).
	CloudActive
	// CloudLoggedInLegacy: logged in on a Core too old to send active_subscription.
	CloudLoggedInLegacy
	// CloudNotLoaded: no cloud integration; every cloud/* command is unknown_command.
	CloudNotLoaded
)

// ICEServer is an RTCIceServer entry as cloud/webrtc/ice_servers returns it.
type ICEServer struct {
	URLs       []string
	Username   string
	Credential string
}

// SetCloud changes the cloud state; clients see it on their next cloud/status.
func (c *Core) SetCloud(s CloudState) {
	c.mu.Lock()
	c.cloud = s
	c.mu.Unlock()
}

// SetICEServers sets the TURN list handed out while the subscription is active.
func (c *Core) SetICEServers(servers []ICEServer) {
	c.mu.Lock()
	c.iceServers = append([]ICEServer(nil), servers...)
	c.mu.Unlock()
}

// SetICECommandMissing makes cloud/webrtc/ice_servers unknown_command, as on Cores
// before 2025.12.0b6.
func (c *Core) SetICECommandMissing(missing bool) {
	c.mu.Lock()
	c.iceMissing = missing
	c.mu.Unlock()
}

// cloudStatusLocked renders cloud/status for the current state (cloud/http_api.py).
func (c *Core) cloudStatusLocked() map[string]any {
	switch c.cloud {
	case CloudLoggedOut:
		return map[string]any{"auto_login": nil, "logged_in": false, "cloud": "disconnected", "http_use_ssl": false}
	case CloudLoggedInLegacy:
		return map[string]any{
			"logged_in": true, "email": "owner@example.com", "cloud": "connected",
			"prefs": cloudPrefs(), "google_entities": map[string]any{}, "alexa_entities": map[string]any{},
			"remote_domain": "abcdef0123456789.ui.nabu.casa", "remote_connected": true, "remote_certificate": nil,
		}
	}
	active := c.cloud == CloudActive
	return map[string]any{
		"alexa_entities": map[string]any{}, "alexa_registered": false, "auto_login": nil,
		"cloud": "connected", "cloud_last_disconnect_reason": nil, "email": "owner@example.com",
		"google_entities": map[string]any{}, "google_registered": false, "google_local_connected": false,
		"logged_in": true, "prefs": cloudPrefs(), "onboarding_completed": true, "onboarding_postponed": false,
		"remote_certificate": nil, "remote_certificate_status": "ready", "remote_connected": active,
		"remote_domain": "abcdef0123456789.ui.nabu.casa", "http_use_ssl": false, "active_subscription": active,
	}
}

func cloudPrefs() map[string]any {
	return map[string]any{
		"alexa_enabled": false, "google_enabled": false, "remote_enabled": true,
		"remote_allow_remote_enable": true, "cloud_ice_servers_enabled": true,
		"tts_default_voice": []string{"en-US", "JennyNeural"}, "cloudhooks": map[string]any{},
	}
}
