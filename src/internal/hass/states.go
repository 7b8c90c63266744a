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

// FetchMediaPlayerPlatforms runs config/entity_registry/list (admin only: the
// Supervisor's proxy acts as an admin) and maps each media_player entity to the
// integration that provides it ("cast", "sonos", "dlna_dmr", …).
func FetchMediaPlayerPlatforms(ctx context.Context, c Caller) (map[string]string, error) {
	var entries []struct {
		EntityID string `json:"entity_id"`
		Platform string `json:"platform"`
	}
	if err := c.Call(ctx, "config/entity_registry/list", nil, &entries); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range entries {
		if IsMediaPlayer(e.EntityID) {
			out[e.EntityID] = e.Platform
		}
	}
	return out, nil
}
