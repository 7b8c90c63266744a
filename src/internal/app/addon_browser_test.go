package app_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"segue/internal/auth"
	"segue/internal/hass/hasstest"
	"segue/internal/testutil"
)

// Sign in with Home Assistant in a real browser, including the web UI's exchange
// of the one-time code (POST /auth/code) for its session token.
func TestSignInWithHomeAssistantInChromium(t *testing.T) {
	chromium := testutil.RequireTool(t, "chromium")
	dir := testutil.RequireNodeModules(t, "testdata/js")
	signInInChromium(t, chromium, dir)
}

func signInInChromium(t *testing.T, chromium, dir string) {
	f := newSignInFixture(t, nil)
	if _, err := f.srv.App.Users.Create(t.Context(), auth.NewUser{Username: "owner", Password: "correct horse battery", Role: auth.RoleAdmin}); err != nil {
		t.Fatal(err) // setup done, so /login shows the sign-in page
	}
	hannah := f.core.AddUser(hasstest.User{Username: "hannah", Name: "Hannah Arendt", IsActive: true, GroupIDs: []string{hasstest.UserGroup}})
	f.core.SetLoginUser(hannah.ID)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "hasignin.mjs", f.srv.URL, "Hannah Arendt")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("hasignin.mjs output:\n%s", out)
	if err != nil || !strings.Contains(string(out), "\nPASS\n") {
		t.Fatalf("hasignin.mjs failed: %v", err)
	}
	u, err := f.srv.App.Users.FindLinked(t.Context(), auth.ProviderHomeAssistant, hannah.ID)
	if err != nil || u.Username != "hannah" {
		t.Fatalf("the browser sign-in did not link the HA user: %v %+v", err, u)
	}
	if n := f.core.RefreshTokens(hannah.ID); n != 0 {
		t.Fatalf("HA refresh token left behind: %d", n)
	}
}
