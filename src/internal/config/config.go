// Package config merges defaults, the add-on's options.json, SEGUE_* environment
// variables and command-line flags into one validated Config.
package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is everything the server reads at start.
type Config struct {
	DataDir            string
	PublicAddr         string
	IngressAddr        string
	IngressTrustedPeer string
	LogLevel           string
	// AddonMode is true when running under the HA Supervisor (SUPERVISOR_TOKEN set).
	AddonMode       bool
	SupervisorToken string
	SupervisorURL   string
	OptionsFile     string

	LongLivedTokenDays    int
	RemoteAccess          string
	SignalingURL          string
	ICEServers            []string
	AllowSelfRegistration bool
	ExternalURL           string
	// HomeAssistantURL is where the server reaches HA Core directly (HA sign-in
	// token exchange); empty means http://homeassistant:8123 in the add-on.
	HomeAssistantURL string
}

// Add-on network facts (host network: the hassio bridge address and the Supervisor's ingress proxy).
const (
	AddonIngressAddr  = "172.30.32.1:8094"
	AddonPublicAddr   = "0.0.0.0:8095"
	SupervisorPeer    = "172.30.32.2"
	DefaultSignaling  = "wss://signaling.music-assistant.io/ws"
	maxOptionsBytes   = 1 << 20
	defaultLongLived  = 365
	defaultDataDir    = "./data"
	defaultPublicAddr = "0.0.0.0:8095"
)

// Defaults returns the configuration before any source is applied.
func Defaults() Config {
	return Config{
		DataDir:               defaultDataDir,
		PublicAddr:            defaultPublicAddr,
		IngressTrustedPeer:    SupervisorPeer,
		LogLevel:              "info",
		SupervisorURL:         "http://supervisor",
		LongLivedTokenDays:    defaultLongLived,
		RemoteAccess:          "auto",
		SignalingURL:          DefaultSignaling,
		AllowSelfRegistration: true,
	}
}

// options is the add-on's /data/options.json.
type options struct {
	LogLevel              *string  `json:"log_level"`
	RemoteAccess          *string  `json:"remote_access"`
	SignalingURL          *string  `json:"signaling_url"`
	ICEServers            []string `json:"ice_servers"`
	LongLivedTokenDays    *int     `json:"long_lived_token_days"`
	AllowSelfRegistration *bool    `json:"allow_self_registration"`
	ExternalURL           *string  `json:"external_url"`
}

// Load builds the config for `segue serve` from args (without the subcommand) and env.
func Load(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := Defaults()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", c.DataDir, "directory for the database and key files")
	publicAddr := fs.String("public-addr", c.PublicAddr, "address of the public listener (LAN, apps, Subsonic)")
	ingressAddr := fs.String("ingress-addr", "", "address of the ingress listener (empty: none outside the add-on)")
	trustedPeer := fs.String("ingress-trusted-peer", c.IngressTrustedPeer, "the only peer IP whose X-Remote-User-* headers are trusted on the ingress listener")
	logLevel := fs.String("log-level", c.LogLevel, "trace, debug, info, warning or error")
	optionsFile := fs.String("options-file", "", "options.json to read (default: /data/options.json in the add-on)")
	longLived := fs.Int("long-lived-token-days", c.LongLivedTokenDays, "lifetime of long-lived tokens in days")
	remote := fs.String("remote-access", c.RemoteAccess, "remote access: auto, on or off")
	signaling := fs.String("signaling-url", c.SignalingURL, "signaling server for remote access")
	ice := fs.String("ice-servers", "", "comma-separated STUN/TURN URLs for remote access")
	selfReg := fs.Bool("allow-self-registration", c.AllowSelfRegistration, "let Home Assistant users without an account sign in")
	external := fs.String("external-url", "", "the URL users reach this server at from outside (for redirects)")
	supervisorURL := fs.String("supervisor-url", c.SupervisorURL, "Supervisor API base URL")
	haURL := fs.String("homeassistant-url", "", "Home Assistant Core URL for server-to-server calls (default http://homeassistant:8123 in the add-on)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	c.SupervisorToken = getenv("SUPERVISOR_TOKEN")
	c.AddonMode = c.SupervisorToken != ""
	if c.AddonMode {
		c.DataDir = "/data"
		c.PublicAddr = AddonPublicAddr
		c.IngressAddr = AddonIngressAddr
	}

	// options.json (add-on), then environment, then flags: later wins.
	c.OptionsFile = firstNonEmpty(*optionsFile, getenv("SEGUE_OPTIONS_FILE"))
	if c.OptionsFile == "" && c.AddonMode {
		c.OptionsFile = "/data/options.json"
	}
	if c.OptionsFile != "" {
		if err := c.applyOptions(c.OptionsFile); err != nil {
			return c, err
		}
	}
	if err := c.applyEnv(getenv); err != nil {
		return c, err
	}
	apply := func(name string, fn func()) {
		if set[name] {
			fn()
		}
	}
	apply("data-dir", func() { c.DataDir = *dataDir })
	apply("public-addr", func() { c.PublicAddr = *publicAddr })
	apply("ingress-addr", func() { c.IngressAddr = *ingressAddr })
	apply("ingress-trusted-peer", func() { c.IngressTrustedPeer = *trustedPeer })
	apply("log-level", func() { c.LogLevel = *logLevel })
	apply("long-lived-token-days", func() { c.LongLivedTokenDays = *longLived })
	apply("remote-access", func() { c.RemoteAccess = *remote })
	apply("signaling-url", func() { c.SignalingURL = *signaling })
	apply("ice-servers", func() { c.ICEServers = splitList(*ice) })
	apply("allow-self-registration", func() { c.AllowSelfRegistration = *selfReg })
	apply("external-url", func() { c.ExternalURL = *external })
	apply("supervisor-url", func() { c.SupervisorURL = *supervisorURL })
	apply("homeassistant-url", func() { c.HomeAssistantURL = *haURL })
	return c, c.Validate()
}

func (c *Config) applyOptions(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && c.AddonMode {
		return nil // the Supervisor writes it; an add-on without options is fine
	}
	if err != nil {
		return fmt.Errorf("options file: %w", err)
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxOptionsBytes+1))
	if err != nil {
		return fmt.Errorf("options file %s: %w", path, err)
	}
	if len(body) > maxOptionsBytes {
		return fmt.Errorf("options file %s is larger than 1 MiB", path)
	}
	var o options
	if err := json.Unmarshal(body, &o); err != nil {
		return fmt.Errorf("options file %s: not valid JSON: %v", path, err)
	}
	setStr(&c.LogLevel, o.LogLevel)
	setStr(&c.RemoteAccess, o.RemoteAccess)
	setStr(&c.SignalingURL, o.SignalingURL)
	setStr(&c.ExternalURL, o.ExternalURL)
	if o.ICEServers != nil {
		c.ICEServers = o.ICEServers
	}
	if o.LongLivedTokenDays != nil {
		c.LongLivedTokenDays = *o.LongLivedTokenDays
	}
	if o.AllowSelfRegistration != nil {
		c.AllowSelfRegistration = *o.AllowSelfRegistration
	}
	return nil
}

func setStr(dst *string, v *string) {
	if v != nil && *v != "" {
		*dst = *v
	}
}

func (c *Config) applyEnv(getenv func(string) string) error {
	str := map[string]*string{
		"SEGUE_DATA_DIR": &c.DataDir, "SEGUE_PUBLIC_ADDR": &c.PublicAddr, "SEGUE_INGRESS_ADDR": &c.IngressAddr,
		"SEGUE_INGRESS_TRUSTED_PEER": &c.IngressTrustedPeer, "SEGUE_LOG_LEVEL": &c.LogLevel,
		"SEGUE_REMOTE_ACCESS": &c.RemoteAccess, "SEGUE_SIGNALING_URL": &c.SignalingURL,
		"SEGUE_EXTERNAL_URL": &c.ExternalURL, "SEGUE_SUPERVISOR_URL": &c.SupervisorURL,
		"SEGUE_HOMEASSISTANT_URL": &c.HomeAssistantURL,
	}
	for k, dst := range str {
		if v := getenv(k); v != "" {
			*dst = v
		}
	}
	if v := getenv("SEGUE_ICE_SERVERS"); v != "" {
		c.ICEServers = splitList(v)
	}
	if v := getenv("SEGUE_LONG_LIVED_TOKEN_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("SEGUE_LONG_LIVED_TOKEN_DAYS: %q is not a whole number", v)
		}
		c.LongLivedTokenDays = n
	}
	if v := getenv("SEGUE_ALLOW_SELF_REGISTRATION"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("SEGUE_ALLOW_SELF_REGISTRATION: %q is not true or false", v)
		}
		c.AllowSelfRegistration = b
	}
	return nil
}

// Validate checks every value and names the option at fault.
func (c *Config) Validate() error {
	var errs []error
	bad := func(option, format string, args ...any) {
		errs = append(errs, fmt.Errorf("option %s: "+format, append([]any{option}, args...)...))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		bad("data-dir", "must not be empty")
	}
	if err := checkAddr(c.PublicAddr); err != nil {
		bad("public-addr", "%v", err)
	}
	if c.IngressAddr != "" {
		if err := checkAddr(c.IngressAddr); err != nil {
			bad("ingress-addr", "%v", err)
		}
		if net.ParseIP(c.IngressTrustedPeer) == nil {
			bad("ingress-trusted-peer", "%q is not an IP address", c.IngressTrustedPeer)
		}
	}
	switch c.LogLevel {
	case "trace", "debug", "info", "notice", "warning", "warn", "error", "fatal":
	default:
		bad("log_level", "%q is not one of trace, debug, info, warning, error", c.LogLevel)
	}
	switch c.RemoteAccess {
	case "auto", "on", "off":
	default:
		bad("remote_access", "%q is not one of auto, on, off", c.RemoteAccess)
	}
	if c.LongLivedTokenDays < 1 || c.LongLivedTokenDays > 3650 {
		bad("long_lived_token_days", "%d is outside 1..3650", c.LongLivedTokenDays)
	}
	if c.SignalingURL != "" {
		if u, err := url.Parse(c.SignalingURL); err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
			bad("signaling_url", "%q is not a ws:// or wss:// URL", c.SignalingURL)
		}
	}
	for _, s := range c.ICEServers {
		if !strings.HasPrefix(s, "stun:") && !strings.HasPrefix(s, "turn:") && !strings.HasPrefix(s, "turns:") {
			bad("ice_servers", "%q must start with stun:, turn: or turns:", s)
		}
	}
	if c.HomeAssistantURL != "" {
		if u, err := url.Parse(c.HomeAssistantURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("homeassistant-url", "%q is not an http:// or https:// URL", c.HomeAssistantURL)
		}
	}
	if c.ExternalURL != "" {
		if u, err := url.Parse(c.ExternalURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("external_url", "%q is not an http:// or https:// URL", c.ExternalURL)
		}
	}
	return errors.Join(errs...)
}

func checkAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("%q is not host:port", a)
	}
	if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		return fmt.Errorf("%q: host must be an IP address", a)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port must be 0..65535", a)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// DBPath is the database file.
func (c Config) DBPath() string { return filepath.Join(c.DataDir, "segue.db") }
