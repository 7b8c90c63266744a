package app_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/feature"
	"segue/internal/hass/hasstest"
	"segue/internal/httpx"
	"segue/internal/web"
)

// tables are what the modules add, order-free: command names and, per
// listener, route patterns. Building a real handler on both listeners also
// proves the patterns do not collide (ServeMux panics on a conflict).
func tables(t *testing.T, mods []feature.Module) string {
	t.Helper()
	reg := api.NewRegistry()
	for _, m := range mods {
		reg.Register(m.Commands...)
	}
	var cmds []string
	for _, c := range reg.All() {
		cmds = append(cmds, c.Name)
	}
	out := "commands: " + strings.Join(cmds, " ") + "\n"
	w := web.New(web.Deps{Log: logrus.New(), Modules: mods})
	for _, l := range httpx.Listeners {
		_ = w.Handler(l)
		var routes []string
		for _, m := range mods {
			for _, r := range m.Routes {
				if r.Serves(l) {
					routes = append(routes, r.Pattern)
				}
			}
		}
		slices.Sort(routes)
		out += fmt.Sprintf("listener %d: %s\n", l, strings.Join(routes, " "))
	}
	return out
}

func indexOf(t *testing.T, mods []feature.Module, name string) int {
	t.Helper()
	for i, m := range mods {
		if m.Name == name {
			return i
		}
	}
	t.Fatalf("no module %q", name)
	return -1
}

// TestModuleOrderDoesNotMatter swaps independent modules (device login and HA
// sign-in, once order-dependent; Subsonic and external apps; remote access and
// the library page) and gets the same
// command and route tables: no module takes over another's command.
func TestModuleOrderDoesNotMatter(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressSourceIP: "127.0.0.1"})
	srv := startAddon(t, core, sup, addonOptions{})
	mods := srv.App.Modules()
	want := tables(t, mods)
	if !strings.Contains(want, "auth/authorization_url") || !strings.Contains(want, "POST /auth/code") || !strings.Contains(want, "apps/create") ||
		!strings.Contains(want, "remote_access/configure") || !strings.Contains(want, "library/scan") || !strings.Contains(want, "GET /imageproxy") {
		t.Fatalf("tables miss a module's parts:\n%s", want)
	}
	swapped := slices.Clone(mods)
	for _, pair := range [][2]string{{"devicelogin", "haauth"}, {"subsonic", "delegation"}, {"remote", "libadmin"}, {"music", "webui"}} {
		i, j := indexOf(t, swapped, pair[0]), indexOf(t, swapped, pair[1])
		swapped[i], swapped[j] = swapped[j], swapped[i]
	}
	if got := tables(t, swapped); got != want {
		t.Fatalf("swapped modules changed the tables:\n got %s\nwant %s", got, want)
	}
}

// authorizationURL calls auth/authorization_url on a fresh, unauthenticated socket.
func authorizationURL(t *testing.T, base string, args map[string]any) map[string]any {
	t.Helper()
	r := apptest.DialWS(t, base, nil).Command("auth/authorization_url", args)
	out := map[string]any{}
	if r.ErrorCode != 0 || json.Unmarshal(r.Result, &out) != nil {
		t.Fatalf("auth/authorization_url: %+v", r)
	}
	return out
}

// TestDeviceLoginWithAndWithoutHomeAssistant: remote clients get the device
// flow either way; redirect logins get HA's sign-in URL only when HA is there.
func TestDeviceLoginWithAndWithoutHomeAssistant(t *testing.T) {
	t.Run("with Home Assistant", func(t *testing.T) {
		f := newSignInFixture(t, nil)
		srv := f.srv
		r := authorizationURL(t, srv.URL, map[string]any{"provider_id": "homeassistant", "return_url": "/"})
		if u, _ := r["authorization_url"].(string); !strings.Contains(u, "/auth/authorize?provider_id=homeassistant") {
			t.Fatalf("redirect login: %v", r)
		}
		r = authorizationURL(t, srv.URL, map[string]any{"for_remote_client": true, "device_name": "Phone"})
		if r["session_id"] == nil || r["user_code"] == nil {
			t.Fatalf("device flow: %v", r)
		}
	})
	t.Run("without Home Assistant", func(t *testing.T) {
		srv := apptest.Start(t, app.New, apptest.Options{})
		srv.Setup(t, "admin", "admin-password-123") // before the first user, sockets are refused
		r := authorizationURL(t, srv.URL, map[string]any{"provider_id": "homeassistant", "return_url": "/"})
		if r["authorization_url"] != nil || r["error"] == nil {
			t.Fatalf("redirect login without HA: %v", r)
		}
		r = authorizationURL(t, srv.URL, map[string]any{"for_remote_client": true, "device_name": "Phone"})
		if r["session_id"] == nil || r["user_code"] == nil {
			t.Fatalf("device flow: %v", r)
		}
	})
}
