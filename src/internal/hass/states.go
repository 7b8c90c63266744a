package hass

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// EntityState is one entity as get_states and state_changed carry it.
type EntityState struct {
	EntityID    string         `json:"entity_id"`
	State       string         `json:"state"`
	Attributes  map[string]any `json:"attributes"`
	LastChanged time.Time      `json:"last_changed"`
	LastUpdated time.Time      `json:"last_updated"`
}

// MediaPlayerDomain is the entity domain of HA's media players.
const MediaPlayerDomain = "media_player"

// IsMediaPlayer reports whether an entity id is in the media_player domain.
func IsMediaPlayer(entityID string) bool { return strings.HasPrefix(entityID, MediaPlayerDomain+".") }

// FetchMediaPlayers runs get_states and keeps the media_player entities.
func FetchMediaPlayers(ctx context.Context, c Caller) ([]EntityState, error) {
	var all []EntityState
	if err := c.Call(ctx, "get_states", nil, &all); err != nil {
		return nil, err
	}
	out := all[:0]
	for _, s := range all {
		if IsMediaPlayer(s.EntityID) {
			out = append(out, s)
		}
	}
	return out, nil
}

// StateChange is the data of a state_changed event; NewState is nil when the entity
// was removed.
type StateChange struct {
	EntityID string       `json:"entity_id"`
	NewState *EntityState `json:"new_state"`
}

// parseStateChanged reads the event payload of a subscribe_events state_changed
// subscription.
func parseStateChanged(raw json.RawMessage) (StateChange, error) {
	var ev struct {
		EventType string      `json:"event_type"`
		Data      StateChange `json:"data"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		return StateChange{}, fmt.Errorf("state_changed event: %w", err)
	}
	if ev.EventType != "state_changed" || ev.Data.EntityID == "" {
		return StateChange{}, fmt.Errorf("state_changed event: unexpected %q for %q", ev.EventType, ev.Data.EntityID)
	}
	return ev.Data, nil
}

// ServiceCall is call_service's message.
type ServiceCall struct {
	Domain      string         `json:"domain"`
	Service     string         `json:"service"`
	Target      map[string]any `json:"target,omitempty"`
	ServiceData map[string]any `json:"service_data,omitempty"`
}

// CallMediaPlayer runs media_player.<service> on one entity; HA answers when the
// service has finished.
func CallMediaPlayer(ctx context.Context, c Caller, entityID, service string, data map[string]any) error {
	return c.Call(ctx, "call_service", ServiceCall{Domain: MediaPlayerDomain, Service: service,
		Target: map[string]any{"entity_id": entityID}, ServiceData: data}, nil)
}

// MediaPlayerEntry is what HA's registries say about one media_player entity: the
// integration behind it and the device it belongs to (zero when it has none).
type MediaPlayerEntry struct {
	Platform string // "cast", "sonos", "dlna_dmr", …
	Device   Device
}

// Device is the hardware of an HA device-registry entry, as MA's hass_players shows
// it in a player's device_info; empty strings where HA does not know.
type Device struct {
	Manufacturer string
	Model        string
	ModelID      string
	SWVersion    string
	MAC          string // the "mac" connection, if any
}

// registryEntity is one row of config/entity_registry/list (HA's full entry; the
// fields read here).
type registryEntity struct {
	EntityID string  `json:"entity_id"`
	Platform string  `json:"platform"`
	DeviceID *string `json:"device_id"`
}

// registryDevice is one row of config/device_registry/list (HA's DeviceEntry
// dict_repr; connections are [type, value] pairs).
type registryDevice struct {
	ID           string      `json:"id"`
	Manufacturer *string     `json:"manufacturer"`
	Model        *string     `json:"model"`
	ModelID      *string     `json:"model_id"`
	SWVersion    *string     `json:"sw_version"`
	Connections  [][2]string `json:"connections"`
}

// FetchMediaPlayerRegistry runs config/entity_registry/list and, when a media player
// belongs to a device, config/device_registry/list (both admin only: the
// Supervisor's proxy acts as an admin). A device list HA refuses leaves the devices
// empty; the platforms still count.
func FetchMediaPlayerRegistry(ctx context.Context, c Caller) (map[string]MediaPlayerEntry, error) {
	var entities []registryEntity
	if err := c.Call(ctx, "config/entity_registry/list", nil, &entities); err != nil {
		return nil, err
	}
	out := map[string]MediaPlayerEntry{}
	deviceOf := map[string]string{}
	for _, e := range entities {
		if IsMediaPlayer(e.EntityID) {
			out[e.EntityID] = MediaPlayerEntry{Platform: e.Platform}
			if e.DeviceID != nil && *e.DeviceID != "" {
				deviceOf[e.EntityID] = *e.DeviceID
			}
		}
	}
	if len(deviceOf) == 0 {
		return out, nil
	}
	var devices []registryDevice
	if err := c.Call(ctx, "config/device_registry/list", nil, &devices); err != nil {
		return out, nil
	}
	byID := make(map[string]Device, len(devices))
	for _, d := range devices {
		byID[d.ID] = d.device()
	}
	for entityID, deviceID := range deviceOf {
		e := out[entityID]
		e.Device = byID[deviceID]
		out[entityID] = e
	}
	return out, nil
}

func (d registryDevice) device() Device {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	out := Device{Manufacturer: str(d.Manufacturer), Model: str(d.Model), ModelID: str(d.ModelID), SWVersion: str(d.SWVersion)}
	for _, c := range d.Connections {
		if c[0] == "mac" {
			out.MAC = c[1]
		}
	}
	return out
}
