package hass

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
	"segue/internal/hass/hasstest"
)

func TestCloudWatcherObservesTransitions(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	client, _ := runClient(t, sup.WebsocketURL(), sup.Token())
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	w := NewCloudWatcher(client, CloudWatcherOptions{Interval: time.Hour, Logger: quietLogger(), Clock: clk})
	tick := func() { // the next poll's time comes once the watcher waits for it
		t.Helper()
		if !clk.WaitForTimers(1, ctx.Done()) {
			t.Fatal("the watcher does not wait for its next poll")
		}
		clk.Advance(time.Hour)
	}
	events, cancel := w.Subscribe()
	defer cancel()
	go w.Run(ctx)

	next := func(what string) CloudStatus {
		t.Helper()
		select {
		case st := <-events:
			return st
		case <-ctx.Done():
			t.Fatalf("no event for %s", what)
		}
		return CloudStatus{}
	}
	// First poll comes with the connection.
	st := next("initial status")
	if st.LoggedIn || st.Subscribed() || !st.Available {
		t.Fatalf("initial %+v, want available and logged out", st)
	}
	core.SetCloud(hasstest.CloudLoggedInNoSubscription)
	tick()
	st = next("login")
	if !st.LoggedIn || st.ActiveSubscription || st.Subscribed() {
		t.Fatalf("after login %+v, want logged in without subscription", st)
	}
	core.SetCloud(hasstest.CloudActive)
	tick()
	st = next("subscription")
	if !st.Subscribed() || st.Cloud != "connected" {
		t.Fatalf("after subscribing %+v, want an active subscription", st)
	}
	// A reconnect triggers a poll too: change state and drop the socket, no tick.
	core.SetCloud(hasstest.CloudLoggedOut)
	core.DropConnections()
	st = next("reconnect")
	if st.LoggedIn {
		t.Fatalf("after reconnect %+v, want logged out", st)
	}
	if cur, ok := w.Current(); !ok || cur != st {
		t.Fatalf("Current() = %+v, %v; want %+v", cur, ok, st)
	}
}

func TestCloudWatcherNoEventWithoutChange(t *testing.T) {
	_, sup := startFakes(t)
	ctx := testContext(t)
	client, _ := runClient(t, sup.WebsocketURL(), sup.Token())
	w := NewCloudWatcher(client, CloudWatcherOptions{Logger: quietLogger()})
	events, cancel := w.Subscribe()
	defer cancel()
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	<-events
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case st := <-events:
		t.Fatalf("unchanged status published again: %+v", st)
	default:
	}
}

func TestICEServersAcrossCoreVersions(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	client, _ := runClient(t, sup.WebsocketURL(), sup.Token())
	w := NewCloudWatcher(client, CloudWatcherOptions{Logger: quietLogger()})

	core.SetCloud(hasstest.CloudActive)
	core.SetICEServers([]hasstest.ICEServer{
		{URLs: []string{"turn:turn.example:3478?transport=udp", "turns:turn.example:5349"}, Username: "u1", Credential: "c1"},
		{URLs: []string{"stun:stun.example:3478"}},
	})
	servers, err := w.ICEServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 2 || servers[0].Username != "u1" || servers[0].Credential != "c1" || len(servers[0].URLs) != 2 || servers[1].URLs[0] != "stun:stun.example:3478" {
		t.Fatalf("ice servers %+v", servers)
	}

	core.SetCloud(hasstest.CloudLoggedOut) // not_logged_in
	if servers, err := w.ICEServers(ctx); err != nil || len(servers) != 0 {
		t.Fatalf("logged out: %v, %v; want an empty list and no error", servers, err)
	}
	core.SetCloud(hasstest.CloudActive)
	core.SetICECommandMissing(true) // Core before 2025.12: unknown_command
	if servers, err := w.ICEServers(ctx); err != nil || len(servers) != 0 {
		t.Fatalf("old core: %v, %v; want an empty list and no error", servers, err)
	}
	core.SetCloud(hasstest.CloudNotLoaded)
	st, err := FetchCloudStatus(ctx, client)
	if err != nil || st.Available || st.LoggedIn {
		t.Fatalf("cloud not loaded: %+v, %v", st, err)
	}
	core.SetCloud(hasstest.CloudLoggedInLegacy)
	st, err = FetchCloudStatus(ctx, client)
	if err != nil || !st.LoggedIn || st.ActiveSubscription {
		t.Fatalf("legacy core without active_subscription: %+v, %v", st, err)
	}
}

func TestICEServerURLsAsString(t *testing.T) {
	var s ICEServer
	if err := json.Unmarshal([]byte(`{"urls":"turn:a:3478","username":"u","credential":"c"}`), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.URLs) != 1 || s.URLs[0] != "turn:a:3478" || s.Username != "u" {
		t.Fatalf("%+v", s)
	}
	if err := json.Unmarshal([]byte(`{"username":"u"}`), &s); err == nil {
		t.Fatal("an entry without urls must be refused")
	}
}

func TestNetworkURLsAndUsers(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	client, _ := runClient(t, sup.WebsocketURL(), sup.Token())
	core.SetNetworkURLs(hasstest.NetworkURLs{Internal: "http://192.168.1.2:8123", Cloud: "https://x.ui.nabu.casa"})
	n, err := FetchNetworkURLs(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	if n.External != "" || n.BrowserBaseURL() != "https://x.ui.nabu.casa" {
		t.Fatalf("network urls %+v", n)
	}
	alice := core.AddUser(hasstest.User{Username: "alice", Name: "Alice", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	oidc := core.AddUser(hasstest.User{Name: "Bob", IsActive: true, GroupIDs: []string{hasstest.UserGroup}})
	users, err := ListUsers(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	if u := byID[alice.ID]; !u.IsAdmin() || u.Username != "alice" || !u.IsActive {
		t.Fatalf("alice %+v", u)
	}
	if u := byID[oidc.ID]; u.IsAdmin() || u.Username != "" || u.Name != "Bob" {
		t.Fatalf("user without username %+v", u)
	}
	if u := byID[core.SupervisorUserID()]; !u.SystemGenerated {
		t.Fatalf("supervisor user %+v", u)
	}
}

// TestCurrentUserWithUsersOwnToken is the identity step of "Sign in with Home Assistant":
// code → token at /auth/token, then auth/current_user directly on Core with that token.
func TestCurrentUserWithUsersOwnToken(t *testing.T) {
	core, _ := startFakes(t)
	ctx := testContext(t)
	carol := core.AddUser(hasstest.User{Username: "carol", Name: "Carol", IsActive: true, GroupIDs: []string{hasstest.UserGroup}})
	clientID := "http://segue.local:8095/"
	code, err := core.IssueCode(clientID, clientID+"auth/callback", carol.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.PostForm(core.URL()+"/auth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {clientID}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token exchange: %v", err)
	}
	wsURL, err := CoreWebsocketURL(core.URL())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := Dial(ctx, DialOptions{URL: wsURL, Token: tok.AccessToken, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	me, err := FetchCurrentUser(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != carol.ID || me.IsAdmin || me.Name != "Carol" {
		t.Fatalf("current user %+v, want carol", me)
	}
	// A non-admin may not list users.
	if _, err := ListUsers(ctx, conn); !IsCommandError(err, CodeUnauthorized) {
		t.Fatalf("config/auth/list as a non-admin: got %v", err)
	}
	if !strings.HasPrefix(wsURL, "ws://127.0.0.1") {
		t.Fatalf("unexpected ws url %s", wsURL)
	}
}
