package webui_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/auth"
	"segue/internal/config"
	"segue/internal/hass/hasstest"
	"segue/internal/library"
	"segue/internal/library/media/mediagen"
	"segue/internal/testutil"
)

// jsDir holds the Node driver scripts and their package-lock.json.
const jsDir = "testdata/js"

// runNode runs one driver script against url and fails the test unless it prints PASS.
func runNode(t *testing.T, script string, env []string, args ...string) string {
	t.Helper()
	chromium := testutil.RequireTool(t, "chromium")
	dir := testutil.RequireNodeModules(t, jsDir)
	shots := os.Getenv("SEGUE_SCREENSHOT_DIR")
	if shots == "" {
		var err error
		if shots, err = filepath.Abs("testdata/screenshots"); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(env, "SEGUE_SCREENSHOT_DIR="+shots, "CHROMIUM="+chromium)...)
	out, err := cmd.CombinedOutput()
	t.Logf("%s output:\n%s", script, out)
	if err != nil {
		t.Fatalf("%s failed: %v", script, err)
	}
	if !strings.Contains(string(out), "\nPASS\n") && !strings.HasPrefix(string(out), "PASS\n") {
		t.Fatalf("%s did not report PASS", script)
	}
	t.Logf("screenshots in %s", shots)
	return string(out)
}

// expectFlag tells the driver a feature must be visible because the server registered its command.
func expectFlag(s *apptest.Server[*app.App], name, command string) string {
	if _, ok := s.App.Registry.Lookup(command); ok {
		return name + "=1"
	}
	return name + "=0"
}

// TestBrowserAccountJourney is acceptance 1, 3, 4 and 5 on the public port.
func TestBrowserAccountJourney(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	env := []string{
		expectFlag(s, "SEGUE_EXPECT_SUBSONIC", "subsonic/password/reveal"),
		expectFlag(s, "SEGUE_EXPECT_REMOTE", "remote_access/info"),
		expectFlag(s, "SEGUE_EXPECT_APPS", "apps/list"),
	}
	runNode(t, "flow.mjs", env, s.URL+"/")

	// What the browser did is real on the server too. (Read in-process: the driver's
	// last step throttled sign-ins from 127.0.0.1 on purpose.)
	ctx := context.Background()
	users, err := s.App.Users.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var bob, admin *auth.User
	for i := range users {
		switch users[i].Username {
		case "bob":
			bob = &users[i]
		case "admin":
			admin = &users[i]
		}
	}
	if bob == nil || admin == nil {
		t.Fatalf("the users made in the browser are not on the server: %+v", users)
	}
	if bob.Role != auth.RoleUser || bob.DisplayName == nil || *bob.DisplayName != "Bob Builder" {
		t.Errorf("bob = role %q display %v; want user / Bob Builder", bob.Role, bob.DisplayName)
	}
	tokens, err := s.App.Tokens.List(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range tokens {
		if tok.Name == "ci-script" {
			t.Errorf("the token revoked in the browser is still listed")
		}
	}
}

// TestBrowserIngress is acceptance 2 (and 5 under ingress): the same UI through a
// Supervisor-like ingress proxy, signed in as the HA user without a password.
func TestBrowserIngress(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	ha := core.AddUser(hasstest.User{Username: "marie", Name: "Marie Curie", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core})
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true, App: app.Options{RoleSource: auth.StaticRole(auth.RoleAdmin)}})
	s.Setup(t, "owner", "owner-password-1")
	sup.SetIngressUpstream(s.IngressURL)
	cookie := sup.NewIngressSession(ha.ID)
	env := []string{"SEGUE_INGRESS_COOKIE=" + cookie.Value, "SEGUE_HA_DISPLAY_NAME=Marie Curie"}
	if registerRemoteStandIn(t, s) {
		env = append(env, "SEGUE_REMOTE_STANDIN="+standInRemoteID)
	}

	runNode(t, "ingress.mjs", env, sup.IngressURL())

	users, err := s.App.Users.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	if len(users) != 2 || !strings.Contains(strings.Join(names, ","), "marie") {
		t.Errorf("users after the ingress visit = %v; want owner and the provisioned HA user", names)
	}
}

// TestBrowserLibraryPage: the admin's Library page shows a generated folder
// online and a missing one offline, the counts, the unreadable file and why,
// and Rescan runs a scan whose progress arrives as events (light and dark
// screenshots: library-*.png).
func TestBrowserLibraryPage(t *testing.T) {
	music := t.TempDir()
	if _, err := mediagen.Generate(music, mediagen.Options{Tracks: 12, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(music, "broken.mp3"), []byte("this is not an mp3 file at all, just text"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "usb-disk-not-mounted")
	s := apptest.Start(t, app.New, apptest.Options{Config: func(c *config.Config) { c.MusicDirs = []string{music, missing} }})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if st := s.App.Library.Scan(ctx, true); st.Tracks != 12 {
		t.Fatalf("scan: %+v", st)
	}
	if fs, err := s.App.Library.Failures(ctx, library.Page{}); err != nil || len(fs) != 1 {
		t.Fatalf("failures: %+v %v", fs, err)
	}
	s.Setup(t, "admin", "admin-password-1")
	runNode(t, "librarypage.mjs", []string{"SEGUE_ADMIN_USER=admin", "SEGUE_ADMIN_PASS=admin-password-1", "SEGUE_TRACKS=12"}, s.URL+"/")
}
