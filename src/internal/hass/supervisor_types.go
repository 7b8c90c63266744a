package hass

// AddonInfo is the part of GET /addons/self/info the server uses.
type AddonInfo struct {
	Name             string `json:"name"`
	Slug             string `json:"slug"`
	Hostname         string `json:"hostname"`
	Version          string `json:"version"`
	State            string `json:"state"`
	IPAddress        string `json:"ip_address"`
	HostNetwork      bool   `json:"host_network"`
	Ingress          bool   `json:"ingress"`
	IngressEntry     string `json:"ingress_entry"`
	IngressURL       string `json:"ingress_url"`
	IngressPort      int    `json:"ingress_port"`
	IngressPanel     bool   `json:"ingress_panel"`
	HomeassistantAPI bool   `json:"homeassistant_api"`
	HassioAPI        bool   `json:"hassio_api"`
	AuthAPI          bool   `json:"auth_api"`
	// Network is the user's port map, e.g. {"8095/tcp": 8095}; a nil value means "not published".
	Network map[string]*int `json:"network"`
	Options map[string]any  `json:"options"`
}

// PublicPort returns the host port the user mapped to containerPort ("8095/tcp"), if any.
func (a AddonInfo) PublicPort(containerPort string) (int, bool) {
	p, ok := a.Network[containerPort]
	if !ok || p == nil {
		return 0, false
	}
	return *p, true
}
