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
	"net/netip"
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
	AddonMode bool
	// PortsFromSupervisor: in add-on mode, unless a listener address was given by flag or
	// environment, the ports of PublicAddr and IngressAddr are replaced at start by the
	// ones the Supervisor reports (the user's Network card, the assigned ingress port);
	// the configured ones are the fallback.
	PortsFromSupervisor bool
	SupervisorToken     string
	SupervisorURL       string
	OptionsFile         string

	LongLivedTokenDays    int
	RemoteAccess          string
	SignalingURL          string
	ICEServers            []string
	AllowSelfRegistration bool
	ExternalURL           string
	// MAFrontendOrigins are origins (scheme://host[:port]) where the admin
	// serves Music Assistant's web frontend: the only web pages that receive a
	// session token in a redirect (none by default).
	MAFrontendOrigins []string
	// TrustedProxies are reverse proxies (IPs or CIDRs) whose X-Forwarded-For
	// names the client for throttling (none by default: the header is ignored).
	TrustedProxies []string
	// HomeAssistantURL is where the server reaches HA Core directly (HA sign-in
	// token exchange); empty means http://homeassistant:8123 in the add-on.
	HomeAssistantURL string
	// HomeAssistantToken is an HA long-lived access token; outside the add-on it lets
	// Segue read HA's media players at HomeAssistantURL (the add-on uses the
	// Supervisor's proxy instead). Never logged.
	HomeAssistantToken string
	// InternalURL is where speakers on the LAN reach the public listener
	// (http://192.168.1.10:8095); empty means this host's LAN address and the public port.
	InternalURL string

	// MusicDirs are the music folders (each one Subsonic music folder and one MA
	// provider); none outside the add-on means a generated demo library.
	MusicDirs []string
	// ScanIntervalMinutes repeats a full library scan; 0 scans only at start, on
	// request and after watched file changes.
	ScanIntervalMinutes int
	// TranscodeLimit bounds concurrent ffmpeg processes (stream with format/maxBitRate).
	TranscodeLimit int
}

// AddonMusicDirs are the add-on's default music folders (mapped read-only).
func AddonMusicDirs() []string { return []string{"/media", "/share/music"} }

// Add-on network facts (host network: the hassio bridge address and the Supervisor's ingress proxy).
const (
	AddonIngressAddr = "172.30.32.1:8094"
	AddonPublicAddr  = "0.0.0.0:8095"
	SupervisorPeer   = "172.30.32.2"
	DefaultSignaling = "wss://signaling.music-assistant.io/ws"
	maxOptionsBytes  = 1 << 20
	defaultLongLived = 365
	defaultDataDir   = "./data"
	// defaultTranscodeLimit: every speaker playing at once needs a slot (MP3 is the
	// default speaker format) besides Subsonic apps; 20 covers a household, and a
	// 192 kbit/s MP3 transcode costs an ffmpeg process a few percent of a core.
	defaultTranscodeLimit = 20
	defaultPublicAddr     = "0.0.0.0:8095"
	// A full rescan every hour finds what watching cannot see (network shares).
	defaultScanInterval = 60
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
		ScanIntervalMinutes:   defaultScanInterval,
		TranscodeLimit:        defaultTranscodeLimit,
	}
}

// Load builds the config for `segue serve` from args (without the subcommand) and env.
func Load(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := Defaults()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flags := defineFlags(fs, &c)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	c.SupervisorToken = getenv("SUPERVISOR_TOKEN")
	c.AddonMode = c.SupervisorToken != ""
	if c.AddonMode {
		c.DataDir = "/data"
		c.PublicAddr = AddonPublicAddr
		c.IngressAddr = AddonIngressAddr
		c.MusicDirs = AddonMusicDirs()
	}

	// The options file is chosen first (flag, then environment), then read.
	c.OptionsFile = firstNonEmpty(flags["options-file"].String(), getenv("SEGUE_OPTIONS_FILE"))
	if c.OptionsFile == "" && c.AddonMode {
		c.OptionsFile = "/data/options.json"
	}
	if c.OptionsFile != "" {
		if err := c.applyOptions(c.OptionsFile); err != nil {
			return c, err
		}
	}
	for _, o := range options() {
		if o.Env == "" {
			continue
		}
		if v := getenv(o.Env); v != "" {
			if err := setText(o.Field(&c), v); err != nil {
				return c, fmt.Errorf("%s: %v", o.Env, err)
			}
		}
	}
	for _, o := range options() {
		if f := flags[o.Flag]; f != nil && f.set {
			_ = setText(o.Field(&c), f.text) // checked when parsed
		}
	}
	if c.AddonMode {
		explicit := func(flag, env string) bool {
			f := flags[flag]
			return (f != nil && f.set) || getenv(env) != ""
		}
		c.PortsFromSupervisor = !explicit("public-addr", "SEGUE_PUBLIC_ADDR") && !explicit("ingress-addr", "SEGUE_INGRESS_ADDR")
	}
	return c, c.Validate()
}

// DataDir is the data directory `segue serve` would use with the same
// --data-dir value (may be "") and environment: flag, SEGUE_DATA_DIR, /data in
// the add-on, else ./data. Commands that open the store without the server use it.
func DataDir(flagValue string, getenv func(string) string) string {
	switch {
	case flagValue != "":
		return flagValue
	case getenv("SEGUE_DATA_DIR") != "":
		return getenv("SEGUE_DATA_DIR")
	case getenv("SUPERVISOR_TOKEN") != "":
		return "/data"
	}
	return defaultDataDir
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
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return fmt.Errorf("options file %s: not valid JSON: %v", path, err)
	}
	for _, o := range options() {
		v, ok := raw[o.JSON]
		if o.JSON == "" || !ok {
			continue
		}
		if err := setJSON(o.Field(c), v); err != nil {
			return fmt.Errorf("options file %s: not valid JSON: %s: %v", path, o.JSON, err)
		}
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
	if c.ScanIntervalMinutes < 0 || c.ScanIntervalMinutes > 7*24*60 {
		bad("scan_interval", "%d minutes is outside 0..10080", c.ScanIntervalMinutes)
	}
	if c.TranscodeLimit < 1 || c.TranscodeLimit > 64 {
		bad("transcode_limit", "%d is outside 1..64", c.TranscodeLimit)
	}
	for _, d := range c.MusicDirs {
		if strings.ContainsRune(d, 0) {
			bad("music_dirs", "%q is not a path", d)
		}
	}
	if c.LongLivedTokenDays < 1 || c.LongLivedTokenDays > 3650 {
		bad("long_lived_token_days", "%d is outside 1..3650", c.LongLivedTokenDays)
	}
	if c.SignalingURL != "" {
		if err := checkURL(c.SignalingURL, "wss", "ws"); err != nil {
			bad("signaling_url", "%v", err)
		}
	}
	for _, s := range c.ICEServers {
		if !strings.HasPrefix(s, "stun:") && !strings.HasPrefix(s, "turn:") && !strings.HasPrefix(s, "turns:") {
			bad("ice_servers", "%q must start with stun:, turn: or turns:", s)
		}
	}
	if c.HomeAssistantURL != "" {
		if err := checkURL(c.HomeAssistantURL, "http", "https"); err != nil {
			bad("homeassistant-url", "%v", err)
		}
	}
	if c.InternalURL != "" {
		if err := checkURL(c.InternalURL, "http", "https"); err != nil {
			bad("internal_url", "%v", err)
		}
	}
	if c.ExternalURL != "" {
		if err := checkURL(c.ExternalURL, "https", "http"); err != nil {
			bad("external_url", "%v", err)
		}
	}
	for _, o := range c.MAFrontendOrigins {
		if u, err := url.Parse(o); err != nil || checkURL(o, "https", "http") != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			bad("ma_frontend_origins", "%q must be an origin: scheme://host[:port] with no path", o)
		}
	}
	if _, err := c.ProxyPrefixes(); err != nil {
		bad("trusted_proxies", "%v", err)
	}
	return errors.Join(errs...)
}

// checkURL accepts an absolute URL with one of schemes and a host. Users type
// "music.example.com" where a URL is wanted: say what to write instead.
func checkURL(raw string, schemes ...string) error {
	list := strings.Join(schemes, "://, ") + "://"
	if !strings.Contains(raw, "://") {
		return fmt.Errorf("%q has no scheme: write it with one of %s in front (for example %s://%s), or leave it empty to unset it", raw, list, schemes[0], strings.TrimLeft(raw, "/"))
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL with a host name (for example %s://example.com)", raw, schemes[0])
	}
	for _, s := range schemes {
		if strings.EqualFold(u.Scheme, s) {
			return nil
		}
	}
	return fmt.Errorf("%q: the scheme must be one of %s", raw, list)
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

// ProxyPrefixes parses TrustedProxies (an IP is a /32 or /128).
func (c *Config) ProxyPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, raw := range c.TrustedProxies {
		if p, err := netip.ParsePrefix(raw); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(raw)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR", raw)
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}
