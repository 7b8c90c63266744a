package app_test

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/clock/clocktest"
	"segue/internal/hass/hasstest"
	"segue/internal/testutil"
)

// freePort returns a loopback port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// manifestWatchdog reads the watchdog line of the add-on's config.yaml (repository root).
func manifestWatchdog(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^watchdog:\s*"?([^"\s]+)"?\s*$`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("config.yaml has no watchdog")
	}
	return string(m[1])
}

func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Issue 14 item 1: the user remapped 8095/tcp in the Network card and the Supervisor
// assigned a dynamic ingress port. The server listens on both, /healthz answers on the
// remapped port, and the URL the Supervisor's watchdog builds from config.yaml points
// at it.
func TestAddonListensOnTheSupervisorsPorts(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressSourceIP: "127.0.0.1"})
	if p := sup.IngressPort(); p < hasstest.DynamicIngressPortMin || p > hasstest.DynamicIngressPortMax {
		t.Fatalf("the fake assigned ingress port %d, outside the dynamic range", p)
	}
	public, ingress := freePort(t), freePort(t)
	sup.SetNetworkPort("8095/tcp", &public)
	sup.SetIngressPort(ingress)
	srv := startAddon(t, core, sup, addonOptions{PortsFromSupervisor: true})

	if got := srv.App.PublicAddr(); got != "127.0.0.1:"+strconv.Itoa(public) {
		t.Fatalf("public listener on %s, want the remapped port %d", got, public)
	}
	if got := srv.App.IngressAddr(); got != "127.0.0.1:"+strconv.Itoa(ingress) {
		t.Fatalf("ingress listener on %s, want the assigned port %d", got, ingress)
	}
	watchdog, err := sup.WatchdogURL(manifestWatchdog(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://172.30.32.1:" + strconv.Itoa(public) + "/healthz"; watchdog != want {
		t.Fatalf("the Supervisor would probe %s, want %s", watchdog, want)
	}
	// The hassio gateway is this host's loopback here: probe the same port and path.
	probe := strings.Replace(watchdog, hasstest.HassioGateway, "127.0.0.1", 1)
	if status := getStatus(t, probe); status != 200 {
		t.Fatalf("watchdog probe %s: %d", probe, status)
	}
	// The panel goes through the Supervisor's ingress proxy to the assigned port.
	if status := getStatus(t, srv.IngressURL+"/healthz"); status != 200 {
		t.Fatalf("ingress /healthz: %d", status)
	}
	if !strings.Contains(srv.logs.String(), "public port: set in the add-on's Network settings") {
		t.Fatalf("the chosen public port is not logged:\n%s", srv.logs.String())
	}
}

// A public port set to none in the Network card turns the public listener off; the
// sidebar panel still works.
func TestAddonPublicPortDisabled(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressSourceIP: "127.0.0.1"})
	sup.SetNetworkPort("8095/tcp", nil)
	sup.SetIngressPort(freePort(t))
	srv := startAddon(t, core, sup, addonOptions{PortsFromSupervisor: true})
	if got := srv.App.PublicAddr(); got != "" {
		t.Fatalf("public listener on %s, want none", got)
	}
	if status := getStatus(t, srv.IngressURL+"/healthz"); status != 200 {
		t.Fatalf("ingress /healthz: %d", status)
	}
	if !strings.Contains(srv.logs.String(), "the public listener is off") {
		t.Fatalf("the disabled public port is not logged:\n%s", srv.logs.String())
	}
	// The watchdog falls back to the container port (the Supervisor's rule): DOCS say to
	// leave the Watchdog off with the port disabled.
	if url, _ := sup.WatchdogURL(manifestWatchdog(t)); url != "http://172.30.32.1:8095/healthz" {
		t.Fatalf("watchdog with the port disabled: %s", url)
	}
}

// When the Supervisor cannot say, the configured addresses (8095 and 8094 in
// production; loopback here) are used, and the log says so.
func TestAddonPortsFallBack(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, IngressSourceIP: "127.0.0.1"})
	sup.FailPath("/addons/self/info", hasstest.Failure{Status: 500, Message: "busy"})
	// The retries wait on the app's fake clock: move it on until Listen gives up.
	listen := func(a *app.App) error {
		clk := a.Clock.(*clocktest.Fake)
		listened := make(chan error, 1)
		go func() { listened <- a.Listen() }()
		var err error
		testutil.WaitFor(t, 20*time.Second, "Listen to give up on the Supervisor", func() bool {
			clk.Advance(time.Second)
			select {
			case err = <-listened:
				return true
			default:
				return false
			}
		})
		return err
	}
	srv := startAddon(t, core, sup, addonOptions{PortsFromSupervisor: true, Listen: listen,
		Overrides: app.HassOverrides{AddonInfoWait: 3 * time.Second}})
	if srv.App.PublicAddr() == "" || srv.App.IngressAddr() == "" {
		t.Fatalf("listeners: public %q ingress %q", srv.App.PublicAddr(), srv.App.IngressAddr())
	}
	if !strings.Contains(srv.logs.String(), "cannot read the add-on's ports; using the defaults") {
		t.Fatalf("the fallback is not logged:\n%s", srv.logs.String())
	}
}
