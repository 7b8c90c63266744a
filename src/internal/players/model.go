package players

// PlaybackState is MA's PlaybackState enum.
type PlaybackState string

// Playback states.
const (
	StateIdle    PlaybackState = "idle"
	StatePaused  PlaybackState = "paused"
	StatePlaying PlaybackState = "playing"
)

// DeviceInfo describes the hardware behind a player.
type DeviceInfo struct {
	Model           string            `json:"model"`
	Manufacturer    string            `json:"manufacturer"`
	SoftwareVersion *string           `json:"software_version"`
	ModelID         *string           `json:"model_id"`
	ManufacturerID  *string           `json:"manufacturer_id"`
	Identifiers     map[string]string `json:"identifiers"`
}

// Source is one selectable input of a player.
type Source struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Passive         bool   `json:"passive"`
	CanPlayPause    bool   `json:"can_play_pause"`
	CanSeek         bool   `json:"can_seek"`
	CanNextPrevious bool   `json:"can_next_previous"`
}

// Player is MA's Player as the frontend reads it. Slices are never nil on the wire.
type Player struct {
	PlayerID               string         `json:"player_id"`
	Provider               string         `json:"provider"`
	Type                   string         `json:"type"`
	Name                   string         `json:"name"`
	Available              bool           `json:"available"`
	DeviceInfo             DeviceInfo     `json:"device_info"`
	SupportedFeatures      []string       `json:"supported_features"`
	CanGroupWith           []string       `json:"can_group_with"`
	Enabled                bool           `json:"enabled"`
	ElapsedTime            *float64       `json:"elapsed_time"`
	ElapsedTimeLastUpdated *float64       `json:"elapsed_time_last_updated"`
	CurrentMedia           *Media         `json:"current_media"`
	PlaybackState          PlaybackState  `json:"playback_state"`
	Powered                *bool          `json:"powered"`
	VolumeLevel            *int           `json:"volume_level"`
	VolumeMuted            *bool          `json:"volume_muted"`
	GroupMembers           []string       `json:"group_members"`
	StaticGroupMembers     []string       `json:"static_group_members"`
	ActiveSource           *string        `json:"active_source"`
	SourceList             []Source       `json:"source_list"`
	ActiveSoundMode        *string        `json:"active_sound_mode"`
	SoundModeList          []any          `json:"sound_mode_list"`
	Options                []any          `json:"options"`
	ActiveGroup            *string        `json:"active_group"`
	SyncedTo               *string        `json:"synced_to"`
	GroupVolume            *int           `json:"group_volume"`
	GroupVolumeMuted       *bool          `json:"group_volume_muted"`
	HideInUI               bool           `json:"hide_in_ui"`
	Private                bool           `json:"private"`
	Icon                   string         `json:"icon"`
	PowerControl           string         `json:"power_control"`
	VolumeControl          string         `json:"volume_control"`
	MuteControl            string         `json:"mute_control"`
	NeedsSetup             bool           `json:"needs_setup"`
	HasSetupFlow           bool           `json:"has_setup_flow"`
	OutputProtocols        []any          `json:"output_protocols"`
	ActiveOutputProtocol   *string        `json:"active_output_protocol"`
	SleepTimerExpiresAt    *float64       `json:"sleep_timer_expires_at"`
	ExtraAttributes        map[string]any `json:"extra_attributes"`
}

// newPlayer is a Player with MA's defaults: every list empty (never null), no
// power/volume/mute control until the source says otherwise.
func newPlayer(id, name string) Player {
	return Player{PlayerID: id, Provider: ProviderHass, Type: "player", Name: name, Enabled: true,
		DeviceInfo: DeviceInfo{Identifiers: map[string]string{}}, SupportedFeatures: []string{}, CanGroupWith: []string{},
		PlaybackState: StateIdle, GroupMembers: []string{}, StaticGroupMembers: []string{}, SourceList: []Source{},
		SoundModeList: []any{}, Options: []any{}, Icon: "speaker", PowerControl: "none", VolumeControl: "none",
		MuteControl: "none", OutputProtocols: []any{}, ExtraAttributes: map[string]any{}}
}

// Media is MA's PlayerMedia: what the now-playing bar shows.
type Media struct {
	URI                    string   `json:"uri"`
	MediaType              string   `json:"media_type"`
	Title                  string   `json:"title"`
	Artist                 string   `json:"artist"`
	Album                  string   `json:"album"`
	ImageURL               string   `json:"image_url"`
	Duration               int      `json:"duration"`
	SourceID               string   `json:"source_id"`
	QueueItemID            string   `json:"queue_item_id"`
	ElapsedTime            *float64 `json:"elapsed_time"`
	ElapsedTimeLastUpdated *float64 `json:"elapsed_time_last_updated"`
}

// Queue is MA's PlayerQueue: one per player, keyed by queue_id (= player_id).
type Queue struct {
	QueueID                string        `json:"queue_id"`
	Active                 bool          `json:"active"`
	DisplayName            string        `json:"display_name"`
	Available              bool          `json:"available"`
	Items                  int           `json:"items"`
	ShuffleEnabled         bool          `json:"shuffle_enabled"`
	SmartShuffleActive     bool          `json:"smart_shuffle_active"`
	AutoplayEnabled        bool          `json:"autoplay_enabled"`
	RepeatMode             string        `json:"repeat_mode"`
	CrossfadeEnabled       bool          `json:"crossfade_enabled"`
	SmartFadesActive       bool          `json:"smart_fades_active"`
	OverlayEnabled         bool          `json:"overlay_enabled"`
	OverlaySource          any           `json:"overlay_source"`
	OverlayVolume          int           `json:"overlay_volume"`
	CurrentIndex           *int          `json:"current_index"`
	IndexInBuffer          *int          `json:"index_in_buffer"`
	Ended                  bool          `json:"ended"`
	ElapsedTime            float64       `json:"elapsed_time"`
	ElapsedTimeLastUpdated float64       `json:"elapsed_time_last_updated"`
	State                  PlaybackState `json:"state"`
	CurrentItem            *QueueItem    `json:"current_item"`
	NextItem               *QueueItem    `json:"next_item"`
	Sources                []any         `json:"sources"`
	IsDynamic              bool          `json:"is_dynamic"`
}
