package api

// Schema versions announced in ServerInfo. 49 is the first schema whose clients
// open the binary http_proxy data channel.
const (
	SchemaVersion             = 49
	MinSupportedSchemaVersion = 28
)

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
}
