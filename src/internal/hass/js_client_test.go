package hass

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"segue/internal/hass/hasstest"
	"segue/internal/testutil"
)

// jsCheck is what testdata/js/ha-check.mjs prints.
type jsCheck struct {
	HAVersion string `json:"haVersion"`
	User      struct {
		ID      string `json:"id"`
		IsAdmin bool   `json:"is_admin"`
	} `json:"user"`
	Cloud   map[string]any `json:"cloud"`
	Pinged  bool           `json:"pinged"`
	Unknown struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"unknown"`
	WrongToken              any  `json:"wrongToken"`
	WrongTokenIsInvalidAuth bool `json:"wrongTokenIsInvalidAuth"`
}

func runJSCheck(t *testing.T, dir, hassURL, token string) jsCheck {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "ha-check.mjs"), hassURL, token)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node ha-check.mjs: %v\n%s", err, stderr.String())
	}
	var res jsCheck
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	return res
}

func checkJSResult(t *testing.T, res jsCheck, wantUser string, core *hasstest.Core) {
	t.Helper()
	if res.HAVersion != core.Version() {
		t.Errorf("haVersion %q, want %q", res.HAVersion, core.Version())
	}
	if res.User.ID != wantUser {
		t.Errorf("auth/current_user id %q, want %q", res.User.ID, wantUser)
	}
	if res.Cloud["logged_in"] != false {
		t.Errorf("cloud/status %v", res.Cloud)
	}
	if !res.Pinged {
		t.Error("ping did not complete")
	}
	if res.Unknown.Code != "unknown_command" {
		t.Errorf("unknown command error %+v", res.Unknown)
	}
	if !res.WrongTokenIsInvalidAuth {
		t.Errorf("wrong token gave %v, want ERR_INVALID_AUTH", res.WrongToken)
	}
}

// TestOfficialJSClientAgainstFakeCore proves the fake Core speaks HA's real protocol.
func TestOfficialJSClientAgainstFakeCore(t *testing.T) {
	dir := testutil.RequireNodeModules(t, "testdata/js")
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	user := core.AddUser(hasstest.User{Username: "frank", Name: "Frank", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	res := runJSCheck(t, dir, core.URL(), core.CreateLongLivedToken(user.ID))
	checkJSResult(t, res, user.ID, core)
	if !res.User.IsAdmin {
		t.Error("admin user reported as non-admin")
	}
}

// TestOfficialJSClientThroughSupervisorProxy drives the Supervisor's websocket proxy
// (/core/api/websocket) with the same client and the add-on token.
func TestOfficialJSClientThroughSupervisorProxy(t *testing.T) {
	dir := testutil.RequireNodeModules(t, "testdata/js")
	core, sup := startFakes(t)
	res := runJSCheck(t, dir, sup.URL()+"/core", sup.Token())
	checkJSResult(t, res, core.SupervisorUserID(), core)
}
