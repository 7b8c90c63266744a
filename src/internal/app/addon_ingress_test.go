package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"segue/internal/auth"
	"segue/internal/config"
	"segue/internal/hass/hasstest"
)

// Acceptance 3: the server in add-on mode against the fakes reads options.json,
// refuses a new ingress user while allow_self_registration is off, gives an
// admin-made account the admin role while HA says system-admin, and demotes
// (then locks out) the user when HA changes its mind.
func TestAddonModeIngressRoles(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressSourceIP: "127.0.0.1"})
	srv := startAddon(t, core, sup, addonOptions{Options: map[string]any{"long_lived_token_days": 42, "allow_self_registration": false}})

	// The config came from SUPERVISOR_TOKEN and options.json.
	if !srv.Cfg.AddonMode || srv.Cfg.LongLivedTokenDays != 42 || srv.Cfg.AllowSelfRegistration || srv.Cfg.LogLevel != "debug" {
		t.Fatalf("options.json not applied in add-on mode: %+v", srv.Cfg)
	}
	if srv.Cfg.IngressTrustedPeer != "127.0.0.1" || srv.Cfg.SupervisorURL != sup.URL() {
		t.Fatalf("flags must win over add-on defaults: %+v", srv.Cfg)
	}
	var info map[string]any
	status, body := srv.do(t, "GET", "/info", "", nil)
	if status != 200 || json.Unmarshal(body, &info) != nil || info["homeassistant_addon"] != true {
		t.Fatalf("GET /info in add-on mode: %d %s", status, body)
	}

	alice := core.AddUser(hasstest.User{Username: "alice", Name: "Alice Liddell", IsActive: true,
		GroupIDs: []string{hasstest.AdminGroup}})
	session := sup.NewIngressSession(alice.ID)
	me := func() (int, auth.User) {
		t.Helper()
		status, body := doJSON(t, http.DefaultClient, "GET", sup.IngressURL()+"auth/me", "", nil, []*http.Cookie{session})
		var u auth.User
		if status == 200 {
			if err := json.Unmarshal(body, &u); err != nil {
				t.Fatalf("auth/me: %s", body)
			}
		}
		return status, u
	}

	// allow_self_registration is off: without an account she is refused and none is made.
	if status, _ := me(); status != http.StatusForbidden {
		t.Fatalf("new HA user with self-registration off: %d, want 403", status)
	}
	if _, err := srv.App.Users.FindLinked(t.Context(), auth.ProviderHomeAssistant, alice.ID); err == nil {
		t.Fatal("an account was created with self-registration off")
	}
	// An administrator makes her account; from then on ingress resolves it.
	if _, _, err := srv.App.Users.FindOrCreateLinked(t.Context(), auth.ProviderHomeAssistant, alice.ID,
		auth.NewUser{Username: "alice", Role: auth.RoleUser}); err != nil {
		t.Fatal(err)
	}

	status, u := me()
	if status != 200 || u.Username != "alice" || u.Role != auth.RoleAdmin || u.DisplayName == nil || *u.DisplayName != "Alice Liddell" {
		t.Fatalf("ingress HA admin: %d %+v", status, u)
	}
	linked, err := srv.App.Users.FindLinked(t.Context(), auth.ProviderHomeAssistant, alice.ID)
	if err != nil || linked.ID != u.ID {
		t.Fatalf("ingress user not linked by HA id: %v %+v", err, linked)
	}

	// HA removes her from system-admin: within the role cache's life nothing changes,
	// after it the next request reflects HA.
	core.SetUserGroups(alice.ID, hasstest.UserGroup)
	if _, u := me(); u.Role != auth.RoleAdmin {
		t.Fatalf("role changed before the cache expired: %+v", u)
	}
	srv.Clock.Advance(31 * time.Second)
	if status, u := me(); status != 200 || u.Role != auth.RoleUser || u.ID != linked.ID {
		t.Fatalf("after HA demotion: %d %+v (want the same user, role user)", status, u)
	}
	// Promoted again.
	core.SetUserGroups(alice.ID, hasstest.AdminGroup, hasstest.UserGroup)
	srv.Clock.Advance(31 * time.Second)
	if _, u := me(); u.Role != auth.RoleAdmin {
		t.Fatalf("after HA promotion: %+v", u)
	}
	// Deactivated in HA: ingress access ends.
	core.SetUserActive(alice.ID, false)
	srv.Clock.Advance(31 * time.Second)
	if status, _ := me(); status != http.StatusUnauthorized {
		t.Fatalf("deactivated HA user on ingress: %d, want 401", status)
	}

	// A session without user data carries no identity headers: not signed in.
	anon := sup.NewIngressSession("")
	if status, _ := doJSON(t, http.DefaultClient, "GET", sup.IngressURL()+"auth/me", "", nil, []*http.Cookie{anon}); status != http.StatusUnauthorized {
		t.Fatalf("ingress session without user: %d, want 401", status)
	}
	// Forged identity headers on the public listener are ignored.
	req, _ := http.NewRequest("GET", srv.URL+"/auth/me", nil)
	req.Header.Set("X-Remote-User-Id", alice.ID)
	req.Header.Set("X-Remote-User-Name", "alice")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("identity headers on the public listener: %d, want 401", resp.StatusCode)
	}
	users, err := srv.App.Users.List(t.Context())
	if err != nil || len(users) != 1 {
		t.Fatalf("want exactly the one ingress user, got %d (%v)", len(users), err)
	}
}

// In add-on mode without flags the listeners are the add-on's: ingress on the hassio
// bridge address (never 0.0.0.0) trusting only the Supervisor, public on 8095.
func TestAddonModeDefaults(t *testing.T) {
	cfg, err := config.Load(nil, func(k string) string {
		if k == "SUPERVISOR_TOKEN" {
			return "t"
		}
		return ""
	}, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IngressAddr != "172.30.32.1:8094" || cfg.IngressTrustedPeer != "172.30.32.2" ||
		cfg.PublicAddr != "0.0.0.0:8095" || cfg.DataDir != "/data" || cfg.OptionsFile != "/data/options.json" {
		t.Fatalf("add-on defaults: %+v", cfg)
	}
}
