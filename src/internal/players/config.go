package players

import (
	"context"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
)

// PlayerConfig is MA's PlayerConfig (models config_entries.py): what the settings ›
// players page lists and the edit page shows. Segue has no per-player enable switch
// or custom names yet: every player is enabled and named as Home Assistant names it.
type PlayerConfig struct {
	Values      map[string]ConfigEntry `json:"values"`
	Provider    string                 `json:"provider"`
	PlayerID    string                 `json:"player_id"`
	Enabled     bool                   `json:"enabled"`
	Name        *string                `json:"name"`
	DefaultName *string                `json:"default_name"`
	PlayerType  string                 `json:"player_type"`
}

// ConfigEntry is MA's ConfigEntry as it is serialised (the fields the models omit
// from the wire are left out here too).
type ConfigEntry struct {
	Key               string              `json:"key"`
	Type              string              `json:"type"`
	DefaultValue      any                 `json:"default_value"`
	Required          bool                `json:"required"`
	Options           []ConfigValueOption `json:"options"`
	Range             *[2]int             `json:"range"`
	Description       *string             `json:"description"`
	HelpLink          *string             `json:"help_link"`
	MultiValue        bool                `json:"multi_value"`
	DependsOn         *string             `json:"depends_on"`
	DependsOnValue    any                 `json:"depends_on_value"`
	DependsOnValueNot any                 `json:"depends_on_value_not"`
	Hidden            bool                `json:"hidden"`
	ReadOnly          bool                `json:"read_only"`
	Category          string              `json:"category"`
	Action            *string             `json:"action"`
	ActionLabel       *string             `json:"action_label"`
	ImmediateApply    bool                `json:"immediate_apply"`
	RequiresReload    bool                `json:"requires_reload"`
	Advanced          bool                `json:"advanced"`
	Label             string              `json:"label"`
	CategoryLabel     *string             `json:"category_label"`
	Value             any                 `json:"value"`
}

// ConfigValueOption is one choice of a ConfigEntry.
type ConfigValueOption struct {
	Value          any     `json:"value"`
	Title          string  `json:"title"`
	Disabled       bool    `json:"disabled"`
	DisabledReason *string `json:"disabled_reason"`
	Description    *string `json:"description"`
}

// Keys of the player settings Segue has. hide_in_ui is a switch (MA's newer
// hide_player_in_ui is a list of conditions Segue has no use for: no groups, no
// power-off hiding); output_format is Segue's own.
const (
	confHideInUI     = "hide_in_ui"
	confOutputFormat = "output_format"
	// formatAuto is output_format's automatic choice on the settings page (stored as "").
	formatAuto = "auto"
)

func stringPtr(s string) *string { return &s }

// configEntriesLocked are the editable settings of one player, with their values.
func configEntriesLocked(e *entry) map[string]ConfigEntry {
	format := e.settings.Format
	if format == "" {
		format = formatAuto
	}
	return map[string]ConfigEntry{
		confHideInUI: {Key: confHideInUI, Type: "boolean", DefaultValue: false, Required: false, Options: []ConfigValueOption{},
			Category: "generic", Label: "Hide this player in the user interface",
			Description: stringPtr("Hidden players stay in the settings but leave the apps' player pickers."), Value: e.settings.HideInUI},
		confOutputFormat: {Key: confOutputFormat, Type: "string", DefaultValue: formatAuto, Required: true,
			Options: []ConfigValueOption{
				{Value: formatAuto, Title: "Automatic (MP3, or the original file for integrations known to take it)"},
				{Value: formatMP3, Title: "MP3 (transcoded with ffmpeg)"},
				{Value: formatOriginal, Title: "Original file"},
			},
			Category: "audio", Label: "Stream format",
			Description: stringPtr("What this speaker is sent. Pick the original file only if the speaker can play your library's formats."),
			Value:       format},
	}
}

// playerConfigLocked is the entry as MA's PlayerConfig; values only when asked for.
func playerConfigLocked(e *entry, values bool) PlayerConfig {
	c := PlayerConfig{Values: map[string]ConfigEntry{}, Provider: ProviderHass, PlayerID: e.state.EntityID, Enabled: true,
		PlayerType: "player"}
	if e.settings.Name != "" {
		c.DefaultName = stringPtr(e.settings.Name)
	} else {
		c.DefaultName = stringPtr(e.state.EntityID)
	}
	if values {
		c.Values = configEntriesLocked(e)
	}
	return c
}

// reportedByHA tells a player Home Assistant lists now (in any state, unavailable
// too) from one only remembered: a player not (yet) reported after a restart or one
// HA removed carries the placeholder state, which has no attributes.
func reportedByHA(e *entry) bool { return e.state.Attributes != nil }

type playerConfigsArgs struct {
	Provider           *string `json:"provider"`
	IncludeValues      bool    `json:"include_values"`
	IncludeUnavailable bool    `json:"include_unavailable"`
	IncludeDisabled    bool    `json:"include_disabled"`
}

// configCommands are MA's config/players commands. Reading needs config.players.read
// and sees only the caller's player_filter; saving needs config.players.write
// (admins). Hidden players are listed: the settings page is where they are unhidden.
func (r *Registry) configCommands() []api.Command {
	return []api.Command{
		{Name: "config/players", Scope: auth.ScopeConfigPlayersRead,
			Description: "The settings of every player the user may see (hidden ones too); include_values adds each setting's entry.",
			Args:        playerConfigsArgs{IncludeUnavailable: true, IncludeDisabled: true},
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				a := playerConfigsArgs{IncludeUnavailable: true, IncludeDisabled: true}
				if err := api.DecodeLenientArgs(c, &a); err != nil {
					return nil, err
				}
				return r.playerConfigsFor(c.Principal, a), nil
			}},
		{Name: "config/players/get", Scope: auth.ScopeConfigPlayersRead, Description: "One player's settings, with their entries.",
			Args: playerArgs{}, Handler: handle(func(ctx context.Context, p *auth.Principal, a playerArgs) (any, error) {
				r.mu.Lock()
				defer r.mu.Unlock()
				e, ok := r.lookupLocked(p, a.PlayerID)
				if !ok {
					return nil, errNoPlayer(a.PlayerID)
				}
				return playerConfigLocked(e, true), nil
			})},
		{Name: "config/players/save", Scope: auth.ScopeConfigPlayersWrite,
			Description: "Change a player's settings: values.hide_in_ui hides it from the apps' pickers; values.output_format is 'auto', 'mp3' or 'original'. Answers the PlayerConfig.",
			Args:        savePlayerArgs{}, Handler: handle(r.savePlayer)},
	}
}

func (r *Registry) playerConfigsFor(p *auth.Principal, a playerConfigsArgs) []PlayerConfig {
	out := []PlayerConfig{}
	if a.Provider != nil && *a.Provider != ProviderHass {
		return out
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range r.order {
		e := r.entries[id]
		if !visible(p, id) || (!a.IncludeUnavailable && !reportedByHA(e)) {
			continue // every player is enabled: include_disabled changes nothing
		}
		out = append(out, playerConfigLocked(e, a.IncludeValues))
	}
	return out
}

func (r *Registry) savePlayer(ctx context.Context, p *auth.Principal, a savePlayerArgs) (any, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.lookupLocked(p, a.PlayerID)
	if !ok {
		return nil, errNoPlayer(a.PlayerID)
	}
	s := e.settings
	if v := a.Values.HideInUI; v != nil {
		s.HideInUI = *v
	} else if v := a.Values.HidePlayerInUI; v != nil {
		s.HideInUI = *v
	}
	if v := a.Values.OutputFormat; v != nil {
		switch *v {
		case "", formatAuto:
			s.Format = ""
		case formatMP3, formatOriginal:
			s.Format = *v
		default:
			return nil, fail.Invalid("output_format must be 'auto', 'mp3' or 'original'")
		}
	}
	if err := saveSettings(ctx, r.d.DB, a.PlayerID, s); err != nil {
		return nil, fail.Internal(err)
	}
	e.settings = s
	r.publishLocked(e, false)
	return playerConfigLocked(e, true), nil
}
