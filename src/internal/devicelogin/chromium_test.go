package devicelogin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/testutil"
)

// browser is headless Chromium driven through the DevTools protocol (just
// enough of it: navigate and evaluate).
type browser struct {
	t      *testing.T
	conn   *websocket.Conn
	nextID int
	stderr *strings.Builder
}

func startBrowser(t *testing.T) *browser {
	t.Helper()
	chromium := testutil.RequireTool(t, "chromium")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+dir, "--remote-debugging-port=0", "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Kill the whole process group we started (browser, zygote, renderers), by its id.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	b := &browser{t: t, stderr: &strings.Builder{}}
	cmd.Stderr = b.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if b.conn != nil {
			b.conn.Close()
		}
		cancel()
		_ = cmd.Wait()
	})
	var port string
	deadline := time.Now().Add(30 * time.Second)
	for port == "" {
		if time.Now().After(deadline) {
			t.Fatalf("chromium did not open its DevTools port:\n%s", b.stderr.String())
		}
		if raw, err := os.ReadFile(filepath.Join(dir, "DevToolsActivePort")); err == nil {
			if lines := strings.Split(string(raw), "\n"); len(lines) >= 2 && lines[0] != "" {
				port = lines[0]
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	var targets []struct {
		Type string `json:"type"`
		WS   string `json:"webSocketDebuggerUrl"`
	}
	for len(targets) == 0 || targets[0].WS == "" {
		resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
		if err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&targets)
			resp.Body.Close()
		}
		var pages = targets[:0]
		for _, tg := range targets {
			if tg.Type == "page" {
				pages = append(pages, tg)
			}
		}
		targets = pages
		if time.Now().After(deadline) {
			t.Fatalf("no page target")
		}
		if len(targets) == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	c, _, err := websocket.DefaultDialer.Dial(targets[0].WS, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.conn = c
	return b
}

// send runs one DevTools method and returns its result.
func (b *browser) send(method string, params any) json.RawMessage {
	b.t.Helper()
	b.nextID++
	id := b.nextID
	if err := b.conn.WriteJSON(map[string]any{"id": id, "method": method, "params": params}); err != nil {
		b.t.Fatal(err)
	}
	_ = b.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if err := b.conn.ReadJSON(&msg); err != nil {
			b.t.Fatalf("%s: %v", method, err)
		}
		if msg.ID != id {
			continue // an event
		}
		if len(msg.Error) > 0 {
			b.t.Fatalf("%s: %s", method, msg.Error)
		}
		return msg.Result
	}
}

func (b *browser) navigate(u string) { b.send("Page.navigate", map[string]any{"url": u}) }

// eval evaluates a JavaScript expression (awaiting promises) and decodes its value into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	raw := b.send("Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true})
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception json.RawMessage `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		b.t.Fatal(err)
	}
	if len(r.Exception) > 0 {
		b.t.Fatalf("%s threw %s", expr, r.Exception)
	}
	if out != nil && len(r.Result.Value) > 0 {
		if err := json.Unmarshal(r.Result.Value, out); err != nil {
			b.t.Fatalf("%s: %v", expr, err)
		}
	}
}

// waitFor polls a boolean expression until it holds.
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	holds := func() bool {
		var ok bool
		b.eval("(function(){try{return !!("+expr+")}catch(e){return false}})()", &ok)
		return ok
	}
	if !testutil.Eventually(20*time.Second, holds) {
		var text string
		b.eval("document.body ? document.body.innerText : ''", &text)
		b.t.Fatalf("timed out waiting for %s; page shows:\n%s", what, text)
	}
}

func visible(id string) string { return fmt.Sprintf("!document.getElementById(%q).hidden", id) }

// The verification page in a real browser, reached under an ingress-style base
// path: sign in, see which client asked (escaped), approve; the client's poll
// gets the token; a second device is approved with the remembered sign-in; a
// third is denied.
func TestVerificationPageInChromium(t *testing.T) {
	// A one-time code has the shape of the real ones (43 base64url characters).
	const haOnce = "haOnce_0123456789abcdefghijklmnopqrstuvwxyz"
	e := start(t)
	b := startBrowser(t)
	// A proxy that serves the app under a prefix, as Home Assistant ingress does.
	const prefix = "/api/hassio_ingress/Xy9_test"
	target, _ := url.Parse(e.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	// Stand-in for Sign in with Home Assistant's POST /auth/code (add-on mode only):
	// the one-time code haOnce trades for a real session token of alice, once.
	var exchanged atomic.Int32
	mux := http.NewServeMux()
	mux.Handle("/", rp)
	mux.HandleFunc("POST /auth/code", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Code string }
		_ = json.NewDecoder(r.Body).Decode(&req)
		w.Header().Set("Content-Type", "application/json")
		if req.Code != haOnce || exchanged.Load() > 0 {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"success":false,"error":"Invalid or expired code"}`))
			return
		}
		exchanged.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"success": true, "token": e.alice, "user": map[string]any{"username": "alice"}})
	})
	proxy := httptest.NewServer(http.StripPrefix(prefix, mux))
	defer proxy.Close()

	status, r := e.form(t, "/auth/device/code", url.Values{"client_id": {`Kitchen <b>tablet</b> & "co"`}})
	if status != 200 {
		t.Fatalf("device code: %d", status)
	}
	device, user := r["device_code"].(string), r["user_code"].(string)
	b.navigate(proxy.URL + prefix + "/device?user_code=" + url.QueryEscape(user))
	b.waitFor("the sign-in form", visible("signin"))
	b.eval(`document.getElementById('u').value='alice'; document.getElementById('p').value='user-password-1';
		document.getElementById('loginForm').requestSubmit(); true`, nil)
	b.waitFor("the confirmation", visible("confirm"))
	var shown struct {
		Client, Code, IP, User string
		Bold                   bool
		Token                  string
	}
	b.eval(`({Client: document.getElementById('cClient').textContent, Code: document.getElementById('cCode').textContent,
		IP: document.getElementById('cIP').textContent, User: document.getElementById('cUser').textContent,
		Bold: !!document.querySelector('#cClient b'), Token: localStorage.getItem('segue_token') || ''})`, &shown)
	if shown.Client != `Kitchen <b>tablet</b> & "co"` || shown.Bold || shown.Code != user || shown.IP != "127.0.0.1" || shown.User != "alice" || shown.Token == "" {
		t.Fatalf("confirmation shows %+v", shown)
	}
	b.eval(`document.getElementById('approve').click(); true`, nil)
	b.waitFor("the done message", visible("done"))
	if _, r := e.poll(t, device); r["access_token"] == nil {
		t.Fatalf("poll after approval in the browser: %v", r)
	}

	// Signed in already (segue_token kept): straight to the confirmation.
	device, user = e.startDevice(t, "Second device")
	b.navigate(proxy.URL + prefix + "/device?user_code=" + url.QueryEscape(user))
	b.waitFor("the confirmation with the remembered sign-in", visible("confirm"))
	b.eval(`document.getElementById('approve').click(); true`, nil)
	b.waitFor("the done message", visible("done"))
	if _, r := e.poll(t, device); r["access_token"] == nil {
		t.Fatalf("second device: %v", r)
	}

	// Typing the code by hand, then denying.
	device, user = e.startDevice(t, "Third device")
	b.navigate(proxy.URL + prefix + "/device")
	b.waitFor("the code form", visible("enter"))
	b.eval(fmt.Sprintf(`document.getElementById('code').value=%q; document.getElementById('codeForm').requestSubmit(); true`,
		strings.ToLower(user)), nil)
	b.waitFor("the confirmation", visible("confirm"))
	b.eval(`document.getElementById('deny').click(); true`, nil)
	b.waitFor("the done message", visible("done"))
	if _, r := e.poll(t, device); r["error"] != "access_denied" {
		t.Fatalf("third device: %v", r)
	}

	// Back from Sign in with Home Assistant with a one-time code, in a fresh browser
	// profile state: the code is exchanged once and removed from the address bar.
	b.eval(`localStorage.removeItem('segue_token'); true`, nil)
	device, user = e.startDevice(t, "Fourth device")
	b.navigate(proxy.URL + prefix + "/device?user_code=" + url.QueryEscape(user) + "&code=" + haOnce)
	b.waitFor("the confirmation after the HA sign-in", visible("confirm"))
	var after struct{ Href, Token string }
	b.eval(`({Href: location.href, Token: localStorage.getItem('segue_token') || ''})`, &after)
	if strings.Contains(after.Href, haOnce) || after.Token != e.alice || exchanged.Load() != 1 {
		t.Fatalf("after the HA return: %+v, exchanged %d", after, exchanged.Load())
	}
	b.eval(`document.getElementById('approve').click(); true`, nil)
	b.waitFor("the done message", visible("done"))
	if _, r := e.poll(t, device); r["access_token"] == nil {
		t.Fatalf("fourth device: %v", r)
	}

	// Issue 11: anyone can send a link with ?code=. Signed in, the page never
	// trades it (the browser stays alice's); signed out, a session token in
	// ?code= (someone else's) is not taken — only one-time codes are.
	exchanged.Store(0)
	_, user = e.startDevice(t, "Fifth device")
	b.navigate(proxy.URL + prefix + "/device?user_code=" + url.QueryEscape(user) + "&code=" + haOnce)
	b.waitFor("the confirmation for the signed-in user", visible("confirm"))
	b.eval(`({Href: location.href, Token: localStorage.getItem('segue_token') || ''})`, &after)
	if strings.Contains(after.Href, haOnce) || after.Token != e.alice || exchanged.Load() != 0 {
		t.Fatalf("a ?code= link while signed in: %+v, exchanged %d", after, exchanged.Load())
	}
	b.eval(`localStorage.removeItem('segue_token'); true`, nil)
	b.navigate(proxy.URL + prefix + "/device?code=" + url.QueryEscape(e.admin))
	b.waitFor("the sign-in form", visible("signin"))
	b.eval(`({Href: location.href, Token: localStorage.getItem('segue_token') || ''})`, &after)
	if strings.Contains(after.Href, e.admin) || after.Token != "" || exchanged.Load() != 0 {
		t.Fatalf("a session token in ?code= while signed out: %+v, exchanged %d", after, exchanged.Load())
	}
	b.eval(fmt.Sprintf(`localStorage.setItem('segue_token', %q); true`, e.alice), nil)

	// A wrong code shows an error, not the confirmation.
	b.navigate(proxy.URL + prefix + "/device?user_code=BBBB-BBBB")
	b.waitFor("the error", `document.getElementById('enterMsg').textContent.length > 0`)
}
