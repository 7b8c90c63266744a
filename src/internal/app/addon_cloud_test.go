package app_test

import (
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/hass"
	"segue/internal/hass/hasstest"
)

// Acceptance 6 end to end: the cloud watcher wired in add-on mode reports the
// transitions logged out → logged in without subscription → active, and the ICE
// list is fetched and tolerates old-Core and logged-out errors.
func TestAddonModeCloudStatus(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressSourceIP: "127.0.0.1"})
	srv := startAddon(t, core, sup, addonOptions{Overrides: app.HassOverrides{CloudPollInterval: 20 * time.Millisecond}})
	cloud := srv.Parts.Cloud
	updates, cancel := cloud.Subscribe()
	defer cancel()

	next := func(want func(hass.CloudStatus) bool, what string) hass.CloudStatus {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case st := <-updates:
				if want(st) {
					return st
				}
			case <-deadline:
				cur, _ := cloud.Current()
				t.Fatalf("no %s status within 10 s (current %+v)", what, cur)
			}
		}
	}
	st := next(func(s hass.CloudStatus) bool { return s.Available && !s.LoggedIn }, "logged-out")
	if st.Subscribed() {
		t.Fatalf("logged out but subscribed: %+v", st)
	}
	ice, err := cloud.ICEServers(t.Context())
	if err != nil || len(ice) != 0 {
		t.Fatalf("ICE servers while logged out (not_logged_in): %v %v", ice, err)
	}

	core.SetCloud(hasstest.CloudLoggedInNoSubscription)
	st = next(func(s hass.CloudStatus) bool { return s.LoggedIn }, "logged-in")
	if st.ActiveSubscription || st.Subscribed() {
		t.Fatalf("logged in without subscription: %+v", st)
	}

	core.SetCloud(hasstest.CloudActive)
	st = next(func(s hass.CloudStatus) bool { return s.Subscribed() }, "active")
	if !st.RemoteConnected || st.Cloud != "connected" {
		t.Fatalf("active: %+v", st)
	}
	ice, err = cloud.ICEServers(t.Context())
	if err != nil || len(ice) == 0 || len(ice[0].URLs) == 0 || ice[0].Credential == "" {
		t.Fatalf("ICE servers with an active subscription: %+v %v", ice, err)
	}

	core.SetICECommandMissing(true) // a Core before 2025.12
	if ice, err = cloud.ICEServers(t.Context()); err != nil || len(ice) != 0 {
		t.Fatalf("ICE servers on an old Core: %+v %v", ice, err)
	}

	// A Core restart: the watcher re-reads after the reconnect and sees the change.
	core.SetCloud(hasstest.CloudLoggedOut)
	core.DropConnections()
	next(func(s hass.CloudStatus) bool { return !s.LoggedIn }, "logged-out after reconnect")
	srv.waitConnected(t)
}
