package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	opts := filepath.Join(dir, "options.json")
	_ = os.WriteFile(opts, []byte(`{"log_level":"debug","remote_access":"off","long_lived_token_days":30,"ice_servers":["stun:a:3478"]}`), 0o600)
	c, err := Load([]string{"--options-file", opts, "--long-lived-token-days", "7"}, env(map[string]string{"SEGUE_REMOTE_ACCESS": "on"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.LogLevel != "debug" || c.RemoteAccess != "on" || c.LongLivedTokenDays != 7 || len(c.ICEServers) != 1 {
		t.Fatalf("%+v", c)
	}
}

func TestAddonMode(t *testing.T) {
	c, err := Load(nil, env(map[string]string{"SUPERVISOR_TOKEN": "abc"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.AddonMode || c.DataDir != "/data" || c.IngressAddr != "172.30.32.1:8094" || c.PublicAddr != "0.0.0.0:8095" || c.IngressTrustedPeer != "172.30.32.2" {
		t.Fatalf("%+v", c)
	}
	c, _ = Load(nil, env(nil), io.Discard)
	if c.AddonMode || c.IngressAddr != "" || c.DataDir != "./data" {
		t.Fatalf("outside the add-on: %+v", c)
	}
}

func TestBadValuesNameTheOption(t *testing.T) {
	cases := map[string][]string{
		"public-addr":           {"--public-addr", "nonsense"},
		"remote_access":         {"--remote-access", "maybe"},
		"log_level":             {"--log-level", "loud"},
		"long_lived_token_days": {"--long-lived-token-days", "0"},
		"signaling_url":         {"--signaling-url", "http://x"},
		"ice_servers":           {"--ice-servers", "udp://x"},
		"ingress-trusted-peer":  {"--ingress-addr", "127.0.0.1:0", "--ingress-trusted-peer", "host"},
	}
	for option, args := range cases {
		_, err := Load(args, env(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), option) {
			t.Errorf("%v: error %v does not name %s", args, err, option)
		}
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "o.json")
	_ = os.WriteFile(bad, []byte(`{not json`), 0o600)
	if _, err := Load([]string{"--options-file", bad}, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "o.json") {
		t.Errorf("bad options file: %v", err)
	}
}

// TestMusicDirs: the flag is comma-separated and repeatable, the environment
// variable comma-separated, the add-on defaults to /media and /share/music.
func TestMusicDirs(t *testing.T) {
	c, err := Load([]string{"--music-dirs", "/a,/b", "--music-dirs", "/c"}, env(nil), io.Discard)
	if err != nil || strings.Join(c.MusicDirs, "|") != "/a|/b|/c" {
		t.Fatalf("flags: %v, %v", c.MusicDirs, err)
	}
	c, err = Load(nil, env(map[string]string{"SEGUE_MUSIC_DIRS": "/x, /y"}), io.Discard)
	if err != nil || strings.Join(c.MusicDirs, "|") != "/x|/y" {
		t.Fatalf("env: %q, %v", c.MusicDirs, err)
	}
	c, err = Load(nil, env(map[string]string{"SUPERVISOR_TOKEN": "t", "SEGUE_OPTIONS_FILE": "/nonexistent/options.json"}), io.Discard)
	if err != nil || strings.Join(c.MusicDirs, "|") != "/media|/share/music" {
		t.Fatalf("add-on default: %v", c.MusicDirs)
	}
	if c, err := Load(nil, env(nil), io.Discard); err != nil || len(c.MusicDirs) != 0 || c.ScanIntervalMinutes != 60 {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	if _, err := Load([]string{"--scan-interval", "-1"}, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "scan_interval") {
		t.Fatalf("negative interval: %v", err)
	}
}
