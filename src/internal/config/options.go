package config

// option is one setting, declared once: its flag, its environment variable, its
// key in the add-on's options.json and the Config field it fills. Sources apply
// in the order options.json < environment < flags (later wins).
//
// To add a setting: a field in Config, its default in Defaults, one row below,
// and a rule in Validate if it has one. The add-on's config.yaml schema lists the
// JSON key for options the add-on user may change.
type option struct {
	Flag  string // command-line flag without dashes; "" for none
	Env   string // environment variable; "" for none
	JSON  string // key in options.json; "" when the add-on does not offer it
	Usage string
	// Field points at the Config field: *string, *int, *bool or *[]string
	// (lists are comma-separated in flags and the environment, arrays in JSON).
	Field func(c *Config) any
}

// options lists every setting of `segue serve`.
func options() []option {
	return []option{
		{"data-dir", "SEGUE_DATA_DIR", "", "directory for the database and key files (add-on: /data)",
			func(c *Config) any { return &c.DataDir }},
		{"options-file", "SEGUE_OPTIONS_FILE", "", "options.json to read (default: /data/options.json in the add-on)",
			func(c *Config) any { return &c.OptionsFile }},
		{"public-addr", "SEGUE_PUBLIC_ADDR", "", "address of the public listener (LAN, apps, Subsonic)",
			func(c *Config) any { return &c.PublicAddr }},
		{"ingress-addr", "SEGUE_INGRESS_ADDR", "", "address of the ingress listener (empty: none outside the add-on)",
			func(c *Config) any { return &c.IngressAddr }},
		{"ingress-trusted-peer", "SEGUE_INGRESS_TRUSTED_PEER", "", "the only peer IP whose X-Remote-User-* headers are trusted on the ingress listener",
			func(c *Config) any { return &c.IngressTrustedPeer }},
		{"log-level", "SEGUE_LOG_LEVEL", "log_level", "trace, debug, info, warning or error",
			func(c *Config) any { return &c.LogLevel }},
		{"long-lived-token-days", "SEGUE_LONG_LIVED_TOKEN_DAYS", "long_lived_token_days", "lifetime of long-lived tokens in days",
			func(c *Config) any { return &c.LongLivedTokenDays }},
		{"remote-access", "SEGUE_REMOTE_ACCESS", "remote_access", "remote access: auto, on or off",
			func(c *Config) any { return &c.RemoteAccess }},
		{"signaling-url", "SEGUE_SIGNALING_URL", "signaling_url", "signaling server for remote access",
			func(c *Config) any { return &c.SignalingURL }},
		{"ice-servers", "SEGUE_ICE_SERVERS", "ice_servers", "comma-separated STUN/TURN URLs for remote access",
			func(c *Config) any { return &c.ICEServers }},
		{"allow-self-registration", "SEGUE_ALLOW_SELF_REGISTRATION", "allow_self_registration", "let Home Assistant users without an account sign in",
			func(c *Config) any { return &c.AllowSelfRegistration }},
		{"external-url", "SEGUE_EXTERNAL_URL", "external_url", "the URL users reach this server at from outside (for redirects)",
			func(c *Config) any { return &c.ExternalURL }},
		{"ma-frontend-origins", "SEGUE_MA_FRONTEND_ORIGINS", "ma_frontend_origins", "comma-separated origins (https://host[:port]) serving the Music Assistant web frontend; only they get a session token in a sign-in redirect",
			func(c *Config) any { return &c.MAFrontendOrigins }},
		{"trusted-proxies", "SEGUE_TRUSTED_PROXIES", "trusted_proxies", "comma-separated reverse-proxy IPs or CIDRs whose X-Forwarded-For names the client",
			func(c *Config) any { return &c.TrustedProxies }},
		{"supervisor-url", "SEGUE_SUPERVISOR_URL", "", "Supervisor API base URL",
			func(c *Config) any { return &c.SupervisorURL }},
		{"music-dirs", "SEGUE_MUSIC_DIRS", "music_dirs", "comma-separated music folders, repeatable (add-on: /media,/share/music; none: a generated demo library)",
			func(c *Config) any { return &c.MusicDirs }},
		{"scan-interval", "SEGUE_SCAN_INTERVAL", "scan_interval", "minutes between full library rescans (0: only at start, on request and after file changes)",
			func(c *Config) any { return &c.ScanIntervalMinutes }},
		{"transcode-limit", "SEGUE_TRANSCODE_LIMIT", "transcode_limit", "most ffmpeg transcodes at once (Subsonic stream format/maxBitRate, MP3 for speakers); more wait for a slot",
			func(c *Config) any { return &c.TranscodeLimit }},
		{"homeassistant-url", "SEGUE_HOMEASSISTANT_URL", "", "Home Assistant Core URL for server-to-server calls (default http://homeassistant:8123 in the add-on)",
			func(c *Config) any { return &c.HomeAssistantURL }},
		{"internal-url", "SEGUE_INTERNAL_URL", "internal_url", "the URL speakers on your network fetch music from (http://192.168.1.10:8095); default: this host's LAN address and the public port",
			func(c *Config) any { return &c.InternalURL }},
		{"homeassistant-token", "SEGUE_HOMEASSISTANT_TOKEN", "", "Home Assistant long-lived access token: outside the add-on, play on HA's media players (with homeassistant-url)",
			func(c *Config) any { return &c.HomeAssistantToken }},
	}
}
