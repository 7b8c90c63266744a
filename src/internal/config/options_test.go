package config

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sample returns three distinct valid values (as text) for an option, lowest
// priority first, and what each means in the Config field.
func sample(t *testing.T, o option) (texts [3]string, jsonVals [3]any) {
	t.Helper()
	switch o.Flag {
	case "ma-frontend-origins":
		return [3]string{"https://a", "https://b:8443,http://c", "https://d"}, [3]any{[]string{"https://a"}, nil, nil}
	case "trusted-proxies":
		return [3]string{"10.0.0.1", "10.0.0.0/8,fd00::/8", "192.0.2.1"}, [3]any{[]string{"10.0.0.1"}, nil, nil}
	}
	switch o.Field(&Config{}).(type) {
	case *int:
		return [3]string{"11", "22", "33"}, [3]any{11, 22, 33}
	case *bool:
		return [3]string{"false", "true", "false"}, [3]any{false, true, false}
	case *[]string:
		return [3]string{"stun:a:1", "stun:b:2,turn:c:3", "turns:d:4"}, [3]any{[]string{"stun:a:1"}, nil, nil}
	}
	switch {
	case strings.HasSuffix(o.Flag, "-addr"):
		return [3]string{"127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"}, [3]any{"127.0.0.1:1"}
	case o.Flag == "ingress-trusted-peer":
		return [3]string{"10.0.0.1", "10.0.0.2", "10.0.0.3"}, [3]any{"10.0.0.1"}
	case o.Flag == "log-level":
		return [3]string{"debug", "warning", "error"}, [3]any{"debug"}
	case o.Flag == "remote-access":
		return [3]string{"on", "off", "auto"}, [3]any{"on"}
	case o.Flag == "signaling-url":
		return [3]string{"ws://a/ws", "ws://b/ws", "wss://c/ws"}, [3]any{"ws://a/ws"}
	case strings.HasSuffix(o.Flag, "-url"):
		return [3]string{"http://a", "http://b", "https://c"}, [3]any{"http://a"}
	}
	return [3]string{"/tmp/a", "/tmp/b", "/tmp/c"}, [3]any{"/tmp/a"}
}

// TestEveryOptionEverySource sets each option from options.json, the
// environment and a flag, alone and together: flags > environment > options.json.
func TestEveryOptionEverySource(t *testing.T) {
	for _, o := range options() {
		if o.Flag == "options-file" {
			continue // chooses the file; covered by TestPrecedence
		}
		t.Run(o.Flag, func(t *testing.T) {
			texts, jsonVals := sample(t, o)
			want := func(text string) any {
				c := Defaults()
				f := o.Field(&c)
				if err := setText(f, text); err != nil {
					t.Fatal(err)
				}
				return reflect.ValueOf(f).Elem().Interface()
			}
			got := func(c Config) any { return reflect.ValueOf(o.Field(&c)).Elem().Interface() }
			dir := t.TempDir()
			optsFile := filepath.Join(dir, "options.json")
			body := map[string]any{}
			if o.JSON != "" {
				body[o.JSON] = jsonVals[0]
			}
			b, _ := json.Marshal(body)
			_ = os.WriteFile(optsFile, b, 0o600)
			args := []string{"--options-file", optsFile}
			envs := map[string]string{}

			if o.JSON != "" {
				c, err := Load(args, env(envs), io.Discard)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got(c), want(texts[0])) {
					t.Fatalf("options.json: got %v, want %v", got(c), want(texts[0]))
				}
			}
			envs[o.Env] = texts[1]
			c, err := Load(args, env(envs), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got(c), want(texts[1])) {
				t.Fatalf("environment over options.json: got %v, want %v", got(c), want(texts[1]))
			}
			c, err = Load(append(args, "--"+o.Flag+"="+texts[2]), env(envs), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got(c), want(texts[2])) {
				t.Fatalf("flag over environment: got %v, want %v", got(c), want(texts[2]))
			}
		})
	}
}

// TestOptionNamesStayPut pins today's names: renaming one breaks users' setups.
func TestOptionNamesStayPut(t *testing.T) {
	var names []string
	for _, o := range options() {
		names = append(names, o.Flag+"|"+o.Env+"|"+o.JSON)
	}
	want := []string{
		"data-dir|SEGUE_DATA_DIR|", "options-file|SEGUE_OPTIONS_FILE|", "public-addr|SEGUE_PUBLIC_ADDR|",
		"ingress-addr|SEGUE_INGRESS_ADDR|", "ingress-trusted-peer|SEGUE_INGRESS_TRUSTED_PEER|",
		"log-level|SEGUE_LOG_LEVEL|log_level", "long-lived-token-days|SEGUE_LONG_LIVED_TOKEN_DAYS|long_lived_token_days",
		"remote-access|SEGUE_REMOTE_ACCESS|remote_access", "signaling-url|SEGUE_SIGNALING_URL|signaling_url",
		"ice-servers|SEGUE_ICE_SERVERS|ice_servers", "allow-self-registration|SEGUE_ALLOW_SELF_REGISTRATION|allow_self_registration",
		"external-url|SEGUE_EXTERNAL_URL|external_url", "supervisor-url|SEGUE_SUPERVISOR_URL|",
		"homeassistant-url|SEGUE_HOMEASSISTANT_URL|", "music-dirs|SEGUE_MUSIC_DIRS|music_dirs",
		"scan-interval|SEGUE_SCAN_INTERVAL|scan_interval", "transcode-limit|SEGUE_TRANSCODE_LIMIT|transcode_limit",
		"ma-frontend-origins|SEGUE_MA_FRONTEND_ORIGINS|ma_frontend_origins", "trusted-proxies|SEGUE_TRUSTED_PROXIES|trusted_proxies",
	}
	for _, w := range want {
		found := false
		for _, n := range names {
			found = found || n == w
		}
		if !found {
			t.Errorf("option %s is gone or renamed", w)
		}
	}
}

// TestBadTextNamesTheSource: a malformed environment value names the variable,
// a malformed flag fails the parse.
func TestBadTextNamesTheSource(t *testing.T) {
	_, err := Load(nil, env(map[string]string{"SEGUE_LONG_LIVED_TOKEN_DAYS": "ten"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SEGUE_LONG_LIVED_TOKEN_DAYS") {
		t.Errorf("env: %v", err)
	}
	_, err = Load(nil, env(map[string]string{"SEGUE_ALLOW_SELF_REGISTRATION": "perhaps"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SEGUE_ALLOW_SELF_REGISTRATION") {
		t.Errorf("env: %v", err)
	}
	if _, err := Load([]string{"--long-lived-token-days", "ten"}, env(nil), io.Discard); err == nil {
		t.Error("a malformed flag was accepted")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "options.json")
	_ = os.WriteFile(p, []byte(`{"long_lived_token_days":"ten"}`), 0o600)
	if _, err := Load([]string{"--options-file", p}, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "long_lived_token_days") {
		t.Errorf("options.json: %v", err)
	}
}

// TestDataDirMatchesServe: commands that open only the store find the same
// directory as `segue serve`.
func TestDataDirMatchesServe(t *testing.T) {
	cases := []struct {
		flag string
		env  map[string]string
	}{
		{"", nil},
		{"/x", nil},
		{"", map[string]string{"SUPERVISOR_TOKEN": "t"}},
		{"", map[string]string{"SUPERVISOR_TOKEN": "t", "SEGUE_DATA_DIR": "/y"}},
		{"/x", map[string]string{"SUPERVISOR_TOKEN": "t", "SEGUE_DATA_DIR": "/y"}},
		{"", map[string]string{"SEGUE_DATA_DIR": "/y"}},
	}
	for _, c := range cases {
		var args []string
		if c.flag != "" {
			args = []string{"--data-dir", c.flag}
		}
		cfg, err := Load(args, env(c.env), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := DataDir(c.flag, env(c.env)); got != cfg.DataDir {
			t.Errorf("%q %v: DataDir %q, serve %q", c.flag, c.env, got, cfg.DataDir)
		}
	}
}
