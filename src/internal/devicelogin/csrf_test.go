package devicelogin_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/clock/clocktest"
	"segue/internal/devicelogin"
	"segue/internal/hass/hasstest"
)

// ingressPanel is Segue behind a Supervisor-like ingress proxy: the browser
// holds HA's ingress session cookie, which signs it in without a token. That
// cookie is ambient authority, which is what CSRF abuses.
type ingressPanel struct {
	*apptest.Server[*app.App]
	sup    *hasstest.Supervisor
	cookie *http.Cookie
	clk    *clocktest.Fake
}

func startIngressPanel(t *testing.T) *ingressPanel {
	t.Helper()
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	ha := core.AddUser(hasstest.User{Username: "marie", Name: "Marie Curie", IsActive: true})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core})
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true, App: app.Options{Clock: clk}})
	s.Setup(t, "owner", "owner-password-1")
	sup.SetIngressUpstream(s.IngressURL)
	return &ingressPanel{Server: s, sup: sup, cookie: sup.NewIngressSession(ha.ID), clk: clk}
}

// post sends what a browser in the HA sidebar (or a page elsewhere) would send
// to an ingress path: the cookie rides along by itself.
func (p *ingressPanel) post(t *testing.T, path, contentType, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", p.sup.IngressURL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.AddCookie(p.cookie)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// startDeviceOn asks for a device code on the public listener.
func startDeviceOn(t *testing.T, s *apptest.Server[*app.App]) (device, user string) {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/auth/device/code", url.Values{"client_id": {"Kitchen tablet"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
		t.Fatalf("device code: %d %v %v", resp.StatusCode, r, err)
	}
	return r["device_code"].(string), r["user_code"].(string)
}

func pollOn(t *testing.T, s *apptest.Server[*app.App], device string) map[string]any {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/auth/device/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {device}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&r)
	return r
}

// Issue 11 item 6: a page on another site makes the signed-in sidebar user's
// browser approve the attacker's device code. Every cross-site shape is
// refused and the device gets nothing; the panel's own request (same origin:
// HA's, through ingress) still approves.
func TestDeviceApprovalRefusesCrossSiteRequests(t *testing.T) {
	p := startIngressPanel(t)
	device, user := startDeviceOn(t, p.Server)
	evil := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	oldBrowser := map[string]string{"Origin": "https://evil.example"}
	attacks := []struct {
		name, contentType, body string
		header                  map[string]string
		status                  int
	}{
		{"auto-submitted form", "application/x-www-form-urlencoded", url.Values{"user_code": {user}, "approve": {"true"}}.Encode(), evil, 403},
		{"text/plain form carrying JSON", "text/plain", `{"user_code":"` + user + `","approve":true}`, evil, 403},
		{"form from a browser without fetch metadata", "application/x-www-form-urlencoded", url.Values{"user_code": {user}, "approve": {"true"}}.Encode(), oldBrowser, 403},
		{"form with no origin at all", "application/x-www-form-urlencoded", url.Values{"user_code": {user}, "approve": {"true"}}.Encode(), nil, 400},
		{"another port of HA's host", "application/json", `{"user_code":"` + user + `","approve":true}`, map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
	}
	for _, a := range attacks {
		for _, path := range []string{"auth/device/lookup", "auth/device/approve"} {
			status, body := p.post(t, path, a.contentType, a.body, a.header)
			if status != a.status {
				t.Errorf("%s to %s: %d %v; want %d", a.name, path, status, body, a.status)
			}
		}
		p.clk.Advance(devicelogin.DefaultInterval)
		if r := pollOn(t, p.Server, device); r["error"] != "authorization_pending" {
			t.Fatalf("after %s the device got %v", a.name, r)
		}
	}

	// The sidebar's own page: same origin as the panel (HA's).
	own := map[string]string{"Origin": strings.TrimSuffix(p.sup.URL(), "/"), "Sec-Fetch-Site": "same-origin"}
	if status, body := p.post(t, "auth/device/lookup", "application/json", `{"user_code":"`+user+`"}`, own); status != 200 || body["client_name"] != "Kitchen tablet" {
		t.Fatalf("the panel's lookup: %d %v", status, body)
	}
	if status, body := p.post(t, "auth/device/approve", "application/json", `{"user_code":"`+user+`","approve":true}`, own); status != 200 || body["status"] != "approved" {
		t.Fatalf("the panel's approval: %d %v", status, body)
	}
	p.clk.Advance(devicelogin.DefaultInterval)
	if r := pollOn(t, p.Server, device); r["access_token"] == nil {
		t.Fatalf("approved device got %v", r)
	}
}
