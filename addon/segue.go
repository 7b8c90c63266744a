package addon

import (
	"fmt"
	"os"
	"path"
	"reflect"
	"strings"
)

// The Segue product contract: what the server (internal/config, internal/web) relies on.
// The server reads /data/options.json itself, so the option names and types are an API.

// SegueOption is one option the server reads from /data/options.json.
type SegueOption struct {
	Name    string
	Schema  any // the schema element (string) or a one-item list
	Default any // nil when the option is optional and unset by default
}

// SegueOptions lists the options the server reads, with their schema and default.
func SegueOptions() []SegueOption {
	return []SegueOption{
		{Name: "log_level", Schema: "list(trace|debug|info|warning|error)", Default: "info"},
		{Name: "remote_access", Schema: "list(auto|on|off)", Default: "auto"},
		{Name: "signaling_url", Schema: "url?"},
		{Name: "ice_servers", Schema: []any{"str?"}},
		{Name: "long_lived_token_days", Schema: "int(1,3650)", Default: int64(365)},
		{Name: "allow_self_registration", Schema: "bool", Default: true},
		{Name: "external_url", Schema: "url?"},
		{Name: "music_dirs", Schema: []any{"str"}, Default: []any{"/media", "/share/music"}},
	}
}

const (
	// SegueIngressPort 0: the Supervisor assigns a free port and the server reads it from
	// /addons/self/info (the official Music Assistant add-on uses 8094).
	SegueIngressPort = 0
	SeguePublicPort  = "8095/tcp"
	SegueWatchdog    = "http://[HOST]:[PORT:8095]/healthz"
	SegueBinary      = "/usr/bin/segue"
	SegueService     = "segue"
	// SegueRestartLog is where finish counts in-place restarts after a signal.
	SegueRestartLog = "/run/segue/signal-restarts"
)

func (c *checker) checkSegue() {
	f := c.cfgFile
	if c.config == nil {
		return
	}
	cfg := c.config
	want := []struct {
		key string
		val any
		why string
	}{
		{"slug", "segue", "the installed slug, hostname and data paths derive from it"},
		{"init", false, "s6-overlay v3 must be PID 1"},
		{"ingress", true, "the sidebar panel"},
		{"ingress_port", int64(SegueIngressPort), "a dynamic port the server reads from /addons/self/info, so Segue and the Music Assistant add-on (8094) can both run"},
		{"backup_pre", SegueBinary + " backup pre", "a consistent database snapshot for hot backups"},
		{"backup_post", SegueBinary + " backup post", "deletes the snapshot after the backup"},
		{"host_network", true, "the server binds 172.30.32.1:8094 and WebRTC needs LAN host candidates"},
		{"homeassistant_api", true, "cloud/status, ice servers and config/auth/list go through the Supervisor's Core proxy"},
		{"panel_admin", false, "non-admin HA users get their own account through the panel"},
		{"watchdog", SegueWatchdog, "the server answers /healthz on the public port"},
	}
	for _, w := range want {
		got := cfg.get(w.key)
		if got == nil || !reflect.DeepEqual(got.plain(), w.val) {
			line := cfg.line
			desc := "missing"
			if got != nil {
				line, desc = got.line, got.describe()
			}
			c.add(RuleSegueManifest, Error, f, line, w.key, "must be %v (%s), got %s", w.val, w.why, desc)
		}
	}
	c.checkSegueBackup(f, cfg)
	if st := cfg.get("stage"); st.str() != "stable" {
		line := cfg.line
		if st != nil {
			line = st.line
		}
		c.add(RuleSegueStage, Error, f, line, "stage", "must be stable: the store hides other stages unless the user turned on Advanced mode (DOCS.md says why)")
	}
	c.checkSegueImage(f, cfg)
	c.checkSegueMap(f, cfg)
	c.checkSegueImageContents()
	c.checkSegueUserBundles()
	c.checkWorkflow()
	ports := cfg.get("ports")
	if ports.get(SeguePublicPort) == nil {
		c.add(RuleSegueManifest, Error, f, cfg.line, "ports", "must publish %s, the public listener", SeguePublicPort)
	}
	schema, options := cfg.get("schema"), cfg.get("options")
	for _, o := range SegueOptions() {
		sch := schema.get(o.Name)
		if sch == nil || !reflect.DeepEqual(sch.plain(), o.Schema) {
			got := "missing"
			line := cfg.line
			if sch != nil {
				got, line = fmt.Sprint(sch.plain()), sch.line
			}
			c.add(RuleSegueOptions, Error, f, line, "schema."+o.Name, "the server reads this option as %v, got %s", o.Schema, got)
		}
		def := options.get(o.Name)
		var got any
		if def != nil {
			got = def.plain()
		}
		if !reflect.DeepEqual(got, o.Default) {
			c.add(RuleSegueOptions, Error, f, cfg.line, "options."+o.Name, "default must be %v, got %v", o.Default, got)
		}
	}
	// The run script must exec the binary the Dockerfile installs.
	run := s6Dir + SegueService + "/run"
	data, err := os.ReadFile(c.path(run))
	if err != nil {
		c.add(RuleSegueBinary, Error, run, 0, "", "missing: the segue service must run the server")
	} else if lines := scriptLines(data); len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], "exec "+SegueBinary+" serve") {
		c.add(RuleSegueBinary, Error, run, 0, "", "must end with `exec %s serve`", SegueBinary)
	}
	if df := c.loadDockerfile(); df != nil && len(df.stages) > 0 {
		final := df.stages[len(df.stages)-1]
		if !copiesTo(final, "", SegueBinary) {
			c.add(RuleSegueBinary, Error, "Dockerfile", final.from.line, "COPY", "the final stage must install the server at %s", SegueBinary)
		}
	}
}

// pureMatch mirrors Python's PurePosixPath(p).match(pattern) (3.12 semantics), which the
// Supervisor applies to every file of a backup with each backup_exclude pattern: a relative
// pattern matches from the right, one fnmatch per path component.
func pureMatch(pattern, p string) bool {
	pat := strings.Split(strings.Trim(pattern, "/"), "/")
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if strings.HasPrefix(pattern, "/") {
		if len(pat) != len(parts) || !strings.HasPrefix(p, "/") {
			return false
		}
	} else if len(pat) > len(parts) {
		return false
	}
	for i := 1; i <= len(pat); i++ {
		ok, err := path.Match(pat[len(pat)-i], parts[len(parts)-i])
		if err != nil || !ok {
			return false
		}
	}
	return true
}

// segueBackupPaths: host paths of files in the add-on's /data as the Supervisor sees them,
// and whether a backup must keep them.
func segueBackupPaths() map[string]bool {
	const d = "/mnt/data/supervisor/addons/data/local_segue/"
	return map[string]bool{
		d + "segue.db":               false, // live: archived mid-write; the snapshot stands in
		d + "segue.db-wal":           false,
		d + "segue.db-shm":           false,
		d + "backup/snapshot.sqlite": true, // backup_pre's consistent copy of segue.db
		d + "options.json":           true,
		d + "jwt.key":                true, // restores keep issued tokens valid
		d + "subsonic.key":           true, // decrypts the Subsonic app-passwords
		d + "webrtc_certificate.pem": true, // the remote ID derives from it
		d + "webrtc_private_key.pem": true,
		d + "cache/artwork.bin":      false,
	}
}

func (c *checker) checkSegueBackup(f string, cfg *value) {
	var patterns []*value
	if be := cfg.get("backup_exclude"); be != nil && be.kind == kList {
		patterns = be.list
	}
	for p, keep := range segueBackupPaths() {
		var hit *value
		for _, pat := range patterns {
			if pat.kind == kStr && pureMatch(pat.raw, p) {
				hit = pat
				break
			}
		}
		switch {
		case keep && hit != nil:
			c.add(RuleSegueManifest, Error, f, hit.line, "backup_exclude", "%q drops %s from backups; it must be kept", hit.raw, path.Base(p))
		case !keep && hit == nil:
			c.add(RuleSegueManifest, Error, f, cfg.line, "backup_exclude", "nothing excludes %s (a cache or a live database file)", strings.TrimPrefix(p, "/mnt/data/supervisor/addons/data/local_segue/"))
		}
	}
}
