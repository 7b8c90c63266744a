package subsonic_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"segue/internal/testutil"
)

// clientResp is what subsonic-api resolves to (the inner subsonic-response).
type clientResp struct {
	Status       string `json:"status"`
	Type         string `json:"type"`
	OpenSubsonic bool   `json:"openSubsonic"`
	Error        *struct {
		Code int `json:"code"`
	} `json:"error"`
	License *struct {
		Valid bool `json:"valid"`
	} `json:"license"`
	User *struct {
		Username string `json:"username"`
	} `json:"user"`
	TokenInfo *struct {
		Username string `json:"username"`
	} `json:"tokenInfo"`
	Extensions []struct {
		Name string `json:"name"`
	} `json:"openSubsonicExtensions"`
}

type clientRun struct {
	Ping, License, User clientResp
}

// TestNpmSubsonicAPIClient (acceptance 1): the real npm subsonic-api client runs
// ping, getLicense and getUser with token auth, with p=enc: auth, with form
// POST and with an API key; with the login password it gets code 40.
func TestNpmSubsonicAPIClient(t *testing.T) {
	dir := testutil.RequireNodeModules(t, "testdata/js")
	e := newEnv(t)
	key := e.longLivedToken(t, e.userToken, "npm client")
	cmd := exec.Command("node", "client.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SEGUE_URL="+e.srv.URL, "SEGUE_USER="+userName,
		"SEGUE_APP_PASSWORD="+e.userApp, "SEGUE_LOGIN_PASSWORD="+userPass, "SEGUE_API_KEY="+key)
	outb, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node client.mjs: %v\n%s\n%s", err, outb, stderr)
	}
	var out struct {
		Token, Enc, Post, APIKey clientRun
		TokenRequest             string
		TokenInfo                clientResp
		Extensions               clientResp
		LoginPassword            clientResp
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("decode %s: %v", outb, err)
	}
	for name, run := range map[string]clientRun{"token": out.Token, "enc": out.Enc, "post": out.Post, "apiKey": out.APIKey} {
		if run.Ping.Status != "ok" || run.Ping.Type != "segue" || !run.Ping.OpenSubsonic {
			t.Errorf("%s ping: %+v", name, run.Ping)
		}
		if run.License.Status != "ok" || run.License.License == nil || !run.License.License.Valid {
			t.Errorf("%s getLicense: %+v", name, run.License)
		}
		if run.User.Status != "ok" || run.User.User == nil || run.User.User.Username != userName {
			t.Errorf("%s getUser: %+v", name, run.User)
		}
	}
	// The client really used salted token auth with its base64url salt.
	if !strings.Contains(out.TokenRequest, "&t=") || !strings.Contains(out.TokenRequest, "&s=") || strings.Contains(out.TokenRequest, "&p=") {
		t.Errorf("token request was %s", out.TokenRequest)
	}
	if out.TokenInfo.Status != "ok" || out.TokenInfo.TokenInfo == nil || out.TokenInfo.TokenInfo.Username != userName {
		t.Errorf("tokenInfo: %+v", out.TokenInfo)
	}
	if out.Extensions.Status != "ok" || len(out.Extensions.Extensions) == 0 {
		t.Errorf("extensions: %+v", out.Extensions)
	}
	if out.LoginPassword.Status != "failed" || out.LoginPassword.Error == nil || out.LoginPassword.Error.Code != 40 {
		t.Errorf("login password: %+v", out.LoginPassword)
	}
}
