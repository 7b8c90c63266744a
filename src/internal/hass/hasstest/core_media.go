package hasstest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// HA's MediaPlayerEntityFeature bits (components/media_player/const.py).
const (
	FeaturePause         = 1
	FeatureSeek          = 2
	FeatureVolumeSet     = 4
	FeatureVolumeMute    = 8
	FeaturePreviousTrack = 16
	FeatureNextTrack     = 32
	FeatureTurnOn        = 128
	FeatureTurnOff       = 256
	FeaturePlayMedia     = 512
	FeatureStop          = 4096
	FeaturePlay          = 16384
	FeatureGrouping      = 524288
	FeatureAnnounce      = 1048576
	FeatureEnqueue       = 2097152
)

// DefaultSpeakerFeatures is what a typical Cast speaker reports.
const DefaultSpeakerFeatures = FeaturePause | FeatureSeek | FeatureVolumeSet | FeatureVolumeMute | FeaturePreviousTrack |
	FeatureNextTrack | FeatureTurnOn | FeatureTurnOff | FeaturePlayMedia | FeatureStop | FeaturePlay

// serviceFeature is the bit HA requires per media_player service (media_player/__init__.py
// async_setup); a service on an entity without it fails validation.
var serviceFeature = map[string]int{
	"media_play": FeaturePlay, "media_pause": FeaturePause, "media_stop": FeatureStop,
	"media_seek": FeatureSeek, "volume_set": FeatureVolumeSet, "volume_mute": FeatureVolumeMute,
	"media_next_track": FeatureNextTrack, "media_previous_track": FeaturePreviousTrack,
	"turn_on": FeatureTurnOn, "turn_off": FeatureTurnOff, "play_media": FeaturePlayMedia,
}

// subscribeEvents handles subscribe_events; only state_changed is offered.
func (c *Core) subscribeEvents(cc *coreConn, id int64, msg map[string]json.RawMessage) map[string]any {
	var eventType string
	_ = json.Unmarshal(msg["event_type"], &eventType)
	if eventType != "state_changed" {
		return errorResult(id, wsError{"unauthorized", "Unauthorized"}) // HA limits non-admin event types; the fake offers one
	}
	c.mu.Lock()
	cc.subs = append(cc.subs, id)
	c.mu.Unlock()
	return okResult(id, nil)
}

// publishStateChanged sends a state_changed event to every subscription.
func (c *Core) publishStateChanged(entityID string, oldState, newState map[string]any) {
	c.mu.Lock()
	type target struct {
		cc *coreConn
		id int64
	}
	var targets []target
	for cc := range c.conns {
		for _, id := range cc.subs {
			targets = append(targets, target{cc, id})
		}
	}
	now := c.opts.Clock.Now()
	c.mu.Unlock()
	for _, t := range targets {
		_ = t.cc.write(map[string]any{"id": t.id, "type": "event", "event": map[string]any{
			"event_type": "state_changed", "origin": "LOCAL", "time_fired": now.UTC().Format(time.RFC3339Nano),
			"data":    map[string]any{"entity_id": entityID, "old_state": oldState, "new_state": newState},
			"context": map[string]any{"id": "01FAKE", "parent_id": nil, "user_id": nil},
		}})
	}
}

// callService handles call_service for media_player entities.
func (c *Core) callService(id int64, msg map[string]json.RawMessage) map[string]any {
	var call struct {
		Domain      string         `json:"domain"`
		Service     string         `json:"service"`
		Target      map[string]any `json:"target"`
		ServiceData map[string]any `json:"service_data"`
	}
	if err := json.Unmarshal(mustObject(msg), &call); err != nil {
		return errorResult(id, wsError{"invalid_format", "Message incorrectly formatted."})
	}
	if call.Domain != "media_player" {
		return errorResult(id, wsError{"not_found", fmt.Sprintf("Service %s.%s not found.", call.Domain, call.Service)})
	}
	need, known := serviceFeature[call.Service]
	if !known {
		return errorResult(id, wsError{"not_found", fmt.Sprintf("Service %s.%s not found.", call.Domain, call.Service)})
	}
	entityID, _ := call.Target["entity_id"].(string)
	sp := c.Speaker(entityID)
	if sp == nil {
		return errorResult(id, wsError{"service_validation_error", "Validation error: Referenced entities " + entityID + " are missing or not currently available"})
	}
	if sp.features()&need == 0 {
		return errorResult(id, wsError{"service_validation_error", fmt.Sprintf("Validation error: Entity %s does not support action media_player.%s", entityID, call.Service)})
	}
	if err := sp.handle(call.Service, call.ServiceData); err != nil {
		return errorResult(id, *err)
	}
	return okResult(id, map[string]any{"context": map[string]any{"id": "01FAKE", "parent_id": nil, "user_id": nil}})
}

// mustObject re-encodes a decoded message so it can be decoded into a struct.
func mustObject(msg map[string]json.RawMessage) []byte {
	b, _ := json.Marshal(msg)
	return b
}

// Speaker returns the fake media player with that entity id, or nil.
func (c *Core) Speaker(entityID string) *Speaker {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.speakers {
		if s.opts.EntityID == entityID {
			return s
		}
	}
	return nil
}

// TickSpeakers lets every playing speaker catch up with the clock: those that played
// their stream to the end go idle (and say so in a state_changed event).
func (c *Core) TickSpeakers() {
	c.mu.Lock()
	speakers := append([]*Speaker(nil), c.speakers...)
	c.mu.Unlock()
	for _, s := range speakers {
		s.tick()
	}
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000+00:00") }

func lowerPrefix(s, prefix string) bool { return strings.HasPrefix(strings.ToLower(s), prefix) }
