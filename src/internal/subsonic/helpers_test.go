package subsonic_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/clock/clocktest"
	"segue/internal/config"
)

// env is a running server with an admin and a regular user, both with app-passwords.
type env struct {
	srv        *apptest.Server[*app.App]
	clock      *clocktest.Fake
	adminToken string
	userToken  string
	adminID    string
	userID     string
	adminApp   string // admin's app-password
	userApp    string // alice's app-password
}

const (
	adminName = "admin"
	adminPass = "admin-login-password"
	userName  = "alice"
	userPass  = "alice-login-password"
)

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, clocktest.NewFake(time.Now().Truncate(time.Second)), nil)
}

// newEnvWith starts the server on clk with cfg applied to its configuration.
func newEnvWith(t *testing.T, clk *clocktest.Fake, cfg func(*config.Config)) *env {
	t.Helper()
	srv := apptest.Start(t, app.New, apptest.Options{App: app.Options{Clock: clk}, Config: cfg})
	e := &env{srv: srv, clock: clk}
	e.adminToken = srv.Setup(t, adminName, adminPass)
	var created struct {
		UserID string `json:"user_id"`
	}
	srv.MustCall(t, e.adminToken, "auth/user/create", map[string]any{"username": userName, "password": userPass, "role": "user"}, &created)
	e.userID = created.UserID
	e.userToken = srv.Login(t, userName, userPass)
	var me struct {
		UserID string `json:"user_id"`
	}
	status, body := srv.Do(t, "GET", "/auth/me", e.adminToken, nil)
	if status != 200 {
		t.Fatalf("/auth/me: %d %s", status, body)
	}
	_ = json.Unmarshal(body, &me)
	e.adminID = me.UserID
	e.adminApp = e.reveal(t, e.adminToken)
	e.userApp = e.reveal(t, e.userToken)
	return e
}

func (e *env) reveal(t *testing.T, token string) string {
	t.Helper()
	status, body := e.srv.Do(t, "GET", "/users/me/subsonic-password", token, nil)
	if status != 200 {
		t.Fatalf("reveal: %d %s", status, body)
	}
	var out struct {
		Password string `json:"password"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Password == "" {
		t.Fatalf("reveal: %s", body)
	}
	return out.Password
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// tokenAuth returns u/t/s parameters for secret with salt.
func tokenAuth(user, secret, salt string) url.Values {
	return url.Values{"u": {user}, "t": {md5hex(secret + salt)}, "s": {salt}}
}

// subResp is the JSON envelope as a client sees it.
type subResp struct {
	R struct {
		Status        string `json:"status"`
		Version       string `json:"version"`
		Type          string `json:"type"`
		ServerVersion string `json:"serverVersion"`
		OpenSubsonic  bool   `json:"openSubsonic"`
		Error         *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		User *struct {
			Username  string `json:"username"`
			AdminRole bool   `json:"adminRole"`
		} `json:"user"`
		TokenInfo *struct {
			Username string `json:"username"`
		} `json:"tokenInfo"`
		License *struct {
			Valid bool `json:"valid"`
		} `json:"license"`
		Extensions []struct {
			Name     string `json:"name"`
			Versions []int  `json:"versions"`
		} `json:"openSubsonicExtensions"`
	} `json:"subsonic-response"`
}

// code is 0 for status ok, else the error code.
func (r subResp) code() int {
	if r.R.Status == "ok" {
		return 0
	}
	if r.R.Error == nil {
		return -1
	}
	return r.R.Error.Code
}

// rest GETs /rest/<method> with params (f=json added unless f is set) and decodes the envelope.
func (e *env) rest(t *testing.T, method string, params url.Values) subResp {
	t.Helper()
	status, body, _ := e.raw(t, "GET", "/rest/"+method, params, "")
	if status != 200 {
		t.Fatalf("%s: HTTP %d: %s", method, status, body)
	}
	var r subResp
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%s: decode %q: %v", method, body, err)
	}
	return r
}

// raw sends one request; for POST the params go in a form body.
func (e *env) raw(t *testing.T, httpMethod, path string, params url.Values, query string) (int, []byte, http.Header) {
	t.Helper()
	if params == nil {
		params = url.Values{}
	}
	if params.Get("f") == "" {
		params.Set("f", "json")
	}
	var req *http.Request
	var err error
	if httpMethod == "POST" {
		req, err = http.NewRequest("POST", e.srv.URL+path+query, strings.NewReader(params.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequest(httpMethod, e.srv.URL+path+"?"+params.Encode(), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header
}

// xmlResp is the XML envelope.
type xmlResp struct {
	XMLName       xml.Name `xml:"subsonic-response"`
	Status        string   `xml:"status,attr"`
	Version       string   `xml:"version,attr"`
	Type          string   `xml:"type,attr"`
	ServerVersion string   `xml:"serverVersion,attr"`
	OpenSubsonic  bool     `xml:"openSubsonic,attr"`
	Error         *struct {
		Code int `xml:"code,attr"`
	} `xml:"error"`
}

// forgetFailures moves the clock past the throttle window, so earlier failures
// from loopback no longer delay the next case.
func (e *env) forgetFailures() { e.clock.Advance(31 * time.Minute) }

// longLivedToken creates a long-lived token (an OpenSubsonic API key) for the caller of token.
func (e *env) longLivedToken(t *testing.T, token, name string) string {
	t.Helper()
	var key string
	e.srv.MustCall(t, token, "auth/token/create", map[string]any{"name": name}, &key)
	if key == "" {
		t.Fatal("auth/token/create returned no token")
	}
	return key
}

// dialAuthed opens /ws and authenticates with token.
func dialAuthed(t *testing.T, e *env, token string) *apptest.WS {
	t.Helper()
	ws := apptest.DialWS(t, e.srv.URL, nil)
	if r := ws.Command("auth", map[string]any{"token": token}); r.ErrorCode != 0 {
		t.Fatalf("ws auth: %+v", r)
	}
	return ws
}
