package music

import (
	"context"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/library"
)

// Each music folder is one instance of MA's local-files provider. The library
// itself is not a provider (the frontend shows "library" as a badge of its own).

type providerManifest struct {
	Type          string   `json:"type"`
	Domain        string   `json:"domain"`
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	Codeowners    []string `json:"codeowners"`
	Credits       []string `json:"credits"`
	Requirements  []string `json:"requirements"`
	Documentation *string  `json:"documentation"`
	MultiInstance bool     `json:"multi_instance"`
	Builtin       bool     `json:"builtin"`
	AllowDisable  bool     `json:"allow_disable"`
	HasSetupFlow  bool     `json:"has_setup_flow"`
	Stage         string   `json:"stage"`
	Icon          string   `json:"icon"`
	IconImages    []string `json:"icon_images"`
	DependsOn     *string  `json:"depends_on"`
	MdnsDiscovery []string `json:"mdns_discovery"`
	UpnpDiscovery []string `json:"upnp_discovery"`
}

type providerInstance struct {
	Type                string   `json:"type"`
	Domain              string   `json:"domain"`
	Name                string   `json:"name"`
	DefaultName         string   `json:"default_name"`
	InstanceID          string   `json:"instance_id"`
	LookupKey           string   `json:"lookup_key"`
	SupportedFeatures   []string `json:"supported_features"`
	Available           bool     `json:"available"`
	IsStreamingProvider bool     `json:"is_streaming_provider"`
}

type providerError struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

type providerConfig struct {
	Values      map[string]any `json:"values"`
	Type        string         `json:"type"`
	Domain      string         `json:"domain"`
	InstanceID  string         `json:"instance_id"`
	Enabled     bool           `json:"enabled"`
	Name        *string        `json:"name"`
	DefaultName *string        `json:"default_name"`
	LastError   *providerError `json:"last_error"`
	Status      string         `json:"status"`
}

const folderProviderName = "Filesystem (local disk)"

func filesManifest() providerManifest {
	return providerManifest{Type: "music", Domain: library.ProviderDomain, Name: folderProviderName,
		Description: "Music files in the folders Segue scans.", Codeowners: []string{}, Credits: []string{},
		Requirements: []string{}, MultiInstance: true, AllowDisable: false, Stage: "stable", Icon: "harddisk",
		IconImages: []string{}, MdnsDiscovery: []string{}, UpnpDiscovery: []string{}}
}

// folderFeatures are what a folder offers: its library listings. No "search" and
// no "browse": searching goes through the library, which covers every folder.
var folderFeatures = []string{"library_artists", "library_albums", "library_tracks", "library_playlists"}

func (m *Module) providerList(p *auth.Principal) []providerInstance {
	out := []providerInstance{}
	for _, f := range m.lib.Folders(m.viewer(p)) {
		out = append(out, providerInstance{Type: "music", Domain: library.ProviderDomain, Name: f.Name, DefaultName: folderProviderName,
			InstanceID: f.ProviderInstance, LookupKey: f.ProviderInstance, SupportedFeatures: folderFeatures, Available: f.Online})
	}
	return out
}

type providerConfigArgs struct {
	ProviderType   *string `json:"provider_type"`
	ProviderDomain *string `json:"provider_domain"`
}

func (m *Module) providerConfigs(p *auth.Principal, a providerConfigArgs) []providerConfig {
	out := []providerConfig{}
	if (a.ProviderType != nil && *a.ProviderType != "music") || (a.ProviderDomain != nil && *a.ProviderDomain != library.ProviderDomain) {
		return out
	}
	for _, f := range m.lib.Folders(m.viewer(p)) {
		name, def := f.Name, folderProviderName
		c := providerConfig{Values: map[string]any{}, Type: "music", Domain: library.ProviderDomain, InstanceID: f.ProviderInstance,
			Enabled: true, Name: &name, DefaultName: &def, Status: "loaded"}
		if !f.Online {
			c.LastError = &providerError{ErrorCode: 999, Message: "Music folder offline: " + f.Problem}
		}
		out = append(out, c)
	}
	return out
}

func (m *Module) providerCommands() []api.Command {
	return []api.Command{
		{Name: "providers/manifests", Scope: auth.ScopeProvidersRead, Description: "Manifests of the providers Segue has (local files).",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return []providerManifest{filesManifest()}, nil }},
		{Name: "providers", Scope: auth.ScopeProvidersRead, Description: "Provider instances: one per music folder the user may see.",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return m.providerList(c.Principal), nil }},
		{Name: "providers/icon", Scope: auth.ScopeProvidersRead, Description: "A provider's icon as a data URI (none: manifests name an mdi icon).",
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return nil, nil }},
		{Name: "config/providers", Scope: auth.ScopeConfigProvidersRead, Description: "Provider configurations (values only on the settings pages).",
			Args: providerConfigArgs{},
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				var a providerConfigArgs
				if err := api.DecodeLenientArgs(c, &a); err != nil {
					return nil, err
				}
				return m.providerConfigs(c.Principal, a), nil
			}},
	}
}
