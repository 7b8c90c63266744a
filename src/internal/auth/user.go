package auth

import "time"

// User is an account as the API shows it (MA's User shape plus email).
type User struct {
	ID             string         `json:"user_id"`
	Username       string         `json:"username"`
	Role           Role           `json:"role"`
	Enabled        bool           `json:"enabled"`
	CreatedAt      time.Time      `json:"created_at"`
	DisplayName    *string        `json:"display_name"`
	AvatarURL      *string        `json:"avatar_url"`
	Email          *string        `json:"email"`
	Preferences    map[string]any `json:"preferences"`
	PlayerFilter   []string       `json:"player_filter"`
	ProviderFilter []string       `json:"provider_filter"`
}

// SystemUsername is the Home Assistant integration's service account; hidden from user lists.
const SystemUsername = "homeassistant_system"
