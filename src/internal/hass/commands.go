package hass

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// CloudStatus is the part of cloud/status that decides remote access. It is comparable,
// so watchers can tell a change with ==.
type CloudStatus struct {
	LoggedIn bool `json:"logged_in"`
	// ActiveSubscription is false when absent (Cores before 2025 did not send it).
	ActiveSubscription bool `json:"active_subscription"`
	// Cloud is the iot connection state: "connected", "connecting" or "disconnected".
	Cloud           string `json:"cloud"`
	RemoteConnected bool   `json:"remote_connected"`
	RemoteDomain    string `json:"remote_domain"`
	// Available is false when HA answered unknown_command: the cloud integration is not loaded.
	Available bool `json:"-"`
}

// Subscribed reports whether HA Cloud can provide TURN relays: logged in with an active
// subscription (the first half of MA's "optimized" rule; the second is a non-empty ICE list).
func (s CloudStatus) Subscribed() bool { return s.LoggedIn && s.ActiveSubscription }

// FetchCloudStatus runs cloud/status. A Core without the cloud integration answers
// unknown_command; that is reported as an unavailable, logged-out status, not an error.
func FetchCloudStatus(ctx context.Context, c Caller) (CloudStatus, error) {
	var st CloudStatus
	err := c.Call(ctx, "cloud/status", nil, &st)
	if IsCommandError(err, CodeUnknownCommand) {
		return CloudStatus{Cloud: "disconnected"}, nil
	}
	if err != nil {
		return CloudStatus{}, err
	}
	st.Available = true
	return st, nil
}

// ICEServer is one RTCIceServer entry.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// UnmarshalJSON accepts "urls" as a string or a list, as RTCIceServer allows both.
func (s *ICEServer) UnmarshalJSON(data []byte) error {
	var raw struct {
		URLs       json.RawMessage `json:"urls"`
		Username   string          `json:"username"`
		Credential string          `json:"credential"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	s.Username, s.Credential, s.URLs = raw.Username, raw.Credential, nil
	trimmed := bytes.TrimSpace(raw.URLs)
	switch {
	case len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")):
		return fmt.Errorf("ice server without urls")
	case trimmed[0] == '"':
		var one string
		if err := json.Unmarshal(trimmed, &one); err != nil {
			return err
		}
		s.URLs = []string{one}
	default:
		if err := json.Unmarshal(trimmed, &s.URLs); err != nil {
			return fmt.Errorf("ice server urls: %w", err)
		}
	}
	return nil
}

// FetchICEServers runs cloud/webrtc/ice_servers (Core ≥ 2025.12). The credentials are
// short-lived: fetch them for every session. An older Core (unknown_command) or a
// logged-out cloud (not_logged_in) yields an empty list and no error.
func FetchICEServers(ctx context.Context, c Caller) ([]ICEServer, error) {
	var servers []ICEServer
	err := c.Call(ctx, "cloud/webrtc/ice_servers", nil, &servers)
	if IsCommandError(err, CodeUnknownCommand) || IsCommandError(err, CodeNotLoggedIn) {
		return []ICEServer{}, nil
	}
	if err != nil {
		return nil, err
	}
	if servers == nil {
		servers = []ICEServer{}
	}
	return servers, nil
}

// AdminGroup is the HA group whose members are administrators.
const AdminGroup = "system-admin"

// User is one entry of config/auth/list.
type User struct {
	ID              string   `json:"id"`
	Username        string   `json:"username"` // "" when HA has none (OIDC, command_line users)
	Name            string   `json:"name"`
	IsOwner         bool     `json:"is_owner"`
	IsActive        bool     `json:"is_active"`
	LocalOnly       bool     `json:"local_only"`
	SystemGenerated bool     `json:"system_generated"`
	GroupIDs        []string `json:"group_ids"`
}

// IsAdmin reports membership of the system-admin group (HA's only admin marker).
func (u User) IsAdmin() bool {
	for _, g := range u.GroupIDs {
		if g == AdminGroup {
			return true
		}
	}
	return false
}

// ListUsers runs config/auth/list (admin only: works through the Supervisor proxy).
func ListUsers(ctx context.Context, c Caller) ([]User, error) {
	var users []User
	if err := c.Call(ctx, "config/auth/list", nil, &users); err != nil {
		return nil, err
	}
	return users, nil
}

// NetworkURLs is network/url; an empty string means HA has none of that kind.
type NetworkURLs struct {
	Internal string `json:"internal"`
	External string `json:"external"`
	Cloud    string `json:"cloud"`
}

// BrowserBaseURL picks the URL a browser should use for HA: external, then cloud, then internal.
func (n NetworkURLs) BrowserBaseURL() string {
	for _, u := range []string{n.External, n.Cloud, n.Internal} {
		if u != "" {
			return u
		}
	}
	return ""
}

// FetchNetworkURLs runs network/url.
func FetchNetworkURLs(ctx context.Context, c Caller) (NetworkURLs, error) {
	var n NetworkURLs
	err := c.Call(ctx, "network/url", nil, &n)
	return n, err
}

// CurrentUser is auth/current_user: who the connection's token belongs to.
type CurrentUser struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	IsOwner     bool   `json:"is_owner"`
	IsAdmin     bool   `json:"is_admin"`
	Credentials []struct {
		AuthProviderType string `json:"auth_provider_type"`
		AuthProviderID   string `json:"auth_provider_id"`
	} `json:"credentials"`
}

// FetchCurrentUser runs auth/current_user. Through the Supervisor proxy this is the
// Supervisor user; call it on a Conn dialled with the HA user's own token to learn who
// signed in with Home Assistant.
func FetchCurrentUser(ctx context.Context, c Caller) (CurrentUser, error) {
	var u CurrentUser
	if err := c.Call(ctx, "auth/current_user", nil, &u); err != nil {
		return CurrentUser{}, err
	}
	if u.ID == "" {
		return CurrentUser{}, fmt.Errorf("home assistant auth/current_user: answer without an id")
	}
	return u, nil
}
