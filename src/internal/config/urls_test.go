package config

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// external_url and signaling_url as users type them in the add-on's options: a value
// without a scheme is refused with a message that shows the fix; empty means unset.
func TestURLOptionsAsTyped(t *testing.T) {
	cases := []struct {
		option, value string
		wantErr       string // "" = accepted
		want          string // the value the server uses when accepted
	}{
		{"external_url", "", "", ""},
		{"external_url", "https://music.example.com", "", "https://music.example.com"},
		{"external_url", "http://192.168.1.5:8095", "", "http://192.168.1.5:8095"},
		{"external_url", "music.example.com", "has no scheme: write it with one of https://, http:// in front (for example https://music.example.com)", ""},
		{"external_url", "music.example.com:8095", "has no scheme", ""}, // url.Parse reads "music.example.com" as the scheme
		{"external_url", "ftp://music.example.com", "the scheme must be one of https://, http://", ""},
		{"external_url", "https://", "not a URL with a host name", ""},
		{"signaling_url", "", "", DefaultSignaling},
		{"signaling_url", "wss://signal.example.com/ws", "", "wss://signal.example.com/ws"},
		{"signaling_url", "signal.example.com/ws", "has no scheme: write it with one of wss://, ws:// in front (for example wss://signal.example.com/ws)", ""},
		{"signaling_url", "https://signal.example.com/ws", "the scheme must be one of wss://, ws://", ""},
	}
	for _, tc := range cases {
		dir := t.TempDir()
		file := filepath.Join(dir, "options.json")
		raw, _ := json.Marshal(map[string]string{tc.option: tc.value})
		if err := os.WriteFile(file, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load([]string{"--options-file", file}, env(nil), io.Discard)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "option "+tc.option) {
				t.Errorf("%s=%q: error %v, want one naming the option and containing %q", tc.option, tc.value, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s=%q: %v", tc.option, tc.value, err)
			continue
		}
		got := c.ExternalURL
		if tc.option == "signaling_url" {
			got = c.SignalingURL
		}
		if got != tc.want {
			t.Errorf("%s=%q: server uses %q, want %q", tc.option, tc.value, got, tc.want)
		}
	}
}

// In the add-on the listener ports come from the Supervisor unless an address was given.
func TestPortsFromSupervisor(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want bool
	}{
		{nil, map[string]string{"SUPERVISOR_TOKEN": "t"}, true},
		{[]string{"--public-addr", "127.0.0.1:0"}, map[string]string{"SUPERVISOR_TOKEN": "t"}, false},
		{[]string{"--ingress-addr", "127.0.0.1:0"}, map[string]string{"SUPERVISOR_TOKEN": "t"}, false},
		{nil, map[string]string{"SUPERVISOR_TOKEN": "t", "SEGUE_PUBLIC_ADDR": "127.0.0.1:0"}, false},
		{nil, nil, false},
	}
	for _, tc := range cases {
		c, err := Load(tc.args, env(tc.env), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if c.PortsFromSupervisor != tc.want {
			t.Errorf("args %v env %v: PortsFromSupervisor %v, want %v", tc.args, tc.env, c.PortsFromSupervisor, tc.want)
		}
	}
}
