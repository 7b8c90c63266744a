package api

// Schema versions announced in ServerInfo. 49 is the first schema whose clients
// open the binary http_proxy data channel.
const (
	SchemaVersion             = 49
	MinSupportedSchemaVersion = 28
)

// MAServerVersion is the Music Assistant release whose API Segue answers as, not
// Segue's own version (that is SegueVersion). The MA frontend gates features on it:
// requireServerVersion("2.9.0") opens the audio-analysis settings, whose commands
// Segue lacks, so anything from 2.9.0 on would only produce error toasts. 2.8.0 is
// the last level whose gated entries all work here (DOCS: "Using the Music
// Assistant apps with Segue").
const MAServerVersion = "2.8.0"

// ServerInfo is the first frame of every connection and the body of GET /info.
type ServerInfo struct {
	ServerID                  string  `json:"server_id"`
	ServerVersion             string  `json:"server_version"`
	SchemaVersion             int     `json:"schema_version"`
	MinSupportedSchemaVersion int     `json:"min_supported_schema_version"`
	BaseURL                   *string `json:"base_url"`
	HomeAssistantAddon        bool    `json:"homeassistant_addon"`
	OnboardDone               bool    `json:"onboard_done"`
	Name                      string  `json:"name"`
	Status                    string  `json:"status"`
	InternalURL               *string `json:"internal_url"`
	ExternalURL               *string `json:"external_url"`
	HasRemoteAccess           bool    `json:"has_remote_access"`
	// SegueVersion is Segue's own build version (MA clients ignore the field).
	SegueVersion string `json:"segue_version"`
}
