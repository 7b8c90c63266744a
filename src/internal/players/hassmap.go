package players

import (
	"math"
	"strings"
	"time"

	"segue/internal/hass"
)

// ProviderHass is the provider instance id of Home Assistant media players (MA's
// hass_players provider uses the same).
const ProviderHass = "hass_players"

// ExternalSource is the passive source for media HA plays without us (MA: "External").
const ExternalSource = "External"

// HA's MediaPlayerEntityFeature bits the mapping reads (media_player/const.py).
const (
	haPause         = 1
	haSeek          = 2
	haVolumeSet     = 4
	haVolumeMute    = 8
	haPreviousTrack = 16
	haNextTrack     = 32
	haTurnOn        = 128
	haTurnOff       = 256
	haPlayMedia     = 512
)

// candidate reports whether an entity may become a player: it can play media and it is
// not one of MA's own players re-exported by MA's HA integration (MA's rule).
func candidate(st hass.EntityState) bool {
	if _, ma := st.Attributes["mass_player_type"]; ma {
		return false
	}
	return features(st)&haPlayMedia != 0
}

func features(st hass.EntityState) int {
	f, _ := st.Attributes["supported_features"].(float64)
	return int(f)
}

// fromEntity maps an HA media player to MA's Player as MA's hass_players provider
// does; ours reports whether the entity is playing one of our stream URLs.
func fromEntity(st hass.EntityState, name string, ours bool) Player {
	bits := features(st)
	p := newPlayer(st.EntityID, name)
	p.Available = st.State != "unavailable" && st.State != "unknown"
	switch st.State {
	case "playing", "buffering":
		p.PlaybackState = StatePlaying
	case "paused":
		p.PlaybackState = StatePaused
	}
	p.SupportedFeatures = []string{"play_media"}
	if bits&haVolumeSet != 0 {
		p.SupportedFeatures = append(p.SupportedFeatures, "volume_set")
		p.VolumeControl = "native"
	}
	if bits&haVolumeMute != 0 {
		p.SupportedFeatures = append(p.SupportedFeatures, "volume_mute")
		p.MuteControl = "native"
	}
	if bits&haPause != 0 {
		p.SupportedFeatures = append(p.SupportedFeatures, "pause")
	}
	if bits&(haNextTrack|haPreviousTrack) != 0 {
		p.SupportedFeatures = append(p.SupportedFeatures, "next_previous")
	}
	if bits&haTurnOn != 0 && bits&haTurnOff != 0 {
		p.SupportedFeatures = append(p.SupportedFeatures, "power")
		p.PowerControl = "native"
		on := !(st.State == "off" || st.State == "standby" || !p.Available)
		p.Powered = &on
	} else {
		on := true // MA's serializer: no power control means powered
		p.Powered = &on
	}
	if v, ok := st.Attributes["volume_level"].(float64); ok {
		level := int(math.Round(v * 100))
		p.VolumeLevel, p.GroupVolume = &level, &level
	}
	if m, ok := st.Attributes["is_volume_muted"].(bool); ok {
		p.VolumeMuted = &m
	}
	if pos, ok := st.Attributes["media_position"].(float64); ok {
		at := st.LastUpdated
		if s, ok := st.Attributes["media_position_updated_at"].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				at = t
			}
		}
		stamp := epoch(at)
		p.ElapsedTime, p.ElapsedTimeLastUpdated = &pos, &stamp
	}
	p.SourceList = []Source{
		{ID: ExternalSource, Name: "External Source", Passive: true, CanPlayPause: bits&haPause != 0,
			CanSeek: bits&haSeek != 0, CanNextPrevious: bits&(haNextTrack|haPreviousTrack) != 0},
		queueSource(st.EntityID),
	}
	active := st.EntityID
	if !ours && (p.PlaybackState != StateIdle) && st.Attributes["media_title"] != nil {
		active = ExternalSource
		p.CurrentMedia = externalMedia(st)
	}
	p.ActiveSource = &active
	return p
}

// queueSource is the entry MA adds to every player for its own queue; without it the
// frontend disables seeking and the card's play button.
func queueSource(playerID string) Source {
	return Source{ID: playerID, Name: "Music Assistant Queue", CanPlayPause: true, CanSeek: true, CanNextPrevious: true}
}

// externalMedia describes what HA plays without us, from its media attributes.
func externalMedia(st hass.EntityState) *Media {
	str := func(k string) string { s, _ := st.Attributes[k].(string); return s }
	m := &Media{URI: str("media_content_id"), MediaType: "unknown", Title: str("media_title"), Artist: str("media_artist"),
		Album: str("media_album_name")}
	if str("media_content_type") == "radio" {
		m.MediaType = "radio"
	}
	if d, ok := st.Attributes["media_duration"].(float64); ok {
		m.Duration = int(d)
	}
	if pic := str("entity_picture"); strings.HasPrefix(pic, "http://") || strings.HasPrefix(pic, "https://") {
		m.ImageURL = pic // HA-relative pictures need HA's auth; left out
	}
	return m
}

// deviceInfo is MA's device_info from HA's device registry, as MA's hass_players
// builds it: model, manufacturer (MA's "Unknown …" defaults where HA has none),
// model id, software version, and the MAC address as an identifier.
func deviceInfo(d hass.Device) DeviceInfo {
	info := DeviceInfo{Model: "Unknown model", Manufacturer: "Unknown Manufacturer", Identifiers: map[string]string{}}
	if d.Model != "" {
		info.Model = d.Model
	}
	if d.Manufacturer != "" {
		info.Manufacturer = d.Manufacturer
	}
	if d.ModelID != "" {
		info.ModelID = &d.ModelID
	}
	if d.SWVersion != "" {
		info.SoftwareVersion = &d.SWVersion
	}
	if d.MAC != "" {
		info.Identifiers["mac_address"] = d.MAC
	}
	return info
}

func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
