package app_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"segue/internal/app"
	"segue/internal/auth"
	"segue/internal/hass/hasstest"
	"segue/internal/testutil"
)

// Acceptance 4: on real addresses in network namespaces made by the test, the
// ingress listener on 172.30.32.1 logs in a request with the identity headers from
// 172.30.32.2 (the Supervisor) and refuses the same request from 172.30.32.3, a
// neighbour on the same hassio subnet (the CVE-2026-34205 scenario).
//
// Both ends live in their own namespaces joined by a veth pair, so the test never
// touches the host's addresses and parallel runs cannot collide. The server's
// listeners are opened inside the server namespace (setns on a locked thread);
// the client (this test binary) runs in the client namespace, binding to .2 or .3.
func TestIngressPeerCheckInNetworkNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("acceptance 4 needs root to create network namespaces (ip netns add); skipped as uid", os.Geteuid())
	}
	ipTool := testutil.RequireTool(t, "ip")
	id := randomSuffix(t)
	serverNS, clientNS := "segue-srv-"+id, "segue-cli-"+id
	serverIf, clientIf := "sgs"+id, "sgc"+id // interface names: at most 15 bytes
	ip := func(args ...string) error {
		out, err := exec.Command(ipTool, args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	t.Cleanup(func() {
		_ = ip("netns", "del", serverNS) // deleting a namespace deletes its end of the veth pair
		_ = ip("netns", "del", clientNS)
		_ = ip("link", "del", serverIf) // in case the test stopped before moving it
	})
	if err := ip("netns", "add", serverNS); err != nil {
		t.Skipf("cannot create network namespaces here: %v", err)
	}
	for _, step := range [][]string{
		{"netns", "add", clientNS},
		{"link", "add", serverIf, "type", "veth", "peer", "name", clientIf},
		{"link", "set", serverIf, "netns", serverNS},
		{"link", "set", clientIf, "netns", clientNS},
		{"-n", serverNS, "addr", "add", "172.30.32.1/23", "dev", serverIf},
		{"-n", serverNS, "link", "set", serverIf, "up"},
		{"-n", serverNS, "link", "set", "lo", "up"},
		{"-n", clientNS, "addr", "add", "172.30.32.2/23", "dev", clientIf},
		{"-n", clientNS, "addr", "add", "172.30.32.3/23", "dev", clientIf},
		{"-n", clientNS, "link", "set", clientIf, "up"},
		{"-n", clientNS, "link", "set", "lo", "up"},
	} {
		if err := ip(step...); err != nil {
			t.Fatal(err)
		}
	}

	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core})
	bob := core.AddUser(hasstest.User{Username: "bob", Name: "Bob", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	srv := startAddon(t, core, sup, addonOptions{
		// The add-on's own ingress address and trusted peer, with a free port.
		Args: []string{"--ingress-addr", "172.30.32.1:0", "--ingress-trusted-peer", "172.30.32.2"},
		Listen: func(a *app.App) error {
			return inNetworkNamespace("/var/run/netns/"+serverNS, a.Listen)
		},
	})
	host, _, _ := net.SplitHostPort(srv.App.IngressAddr())
	if host != "172.30.32.1" {
		t.Fatalf("ingress listener on %s, want 172.30.32.1 only", srv.App.IngressAddr())
	}

	// The client is this test binary, run inside the client namespace (helper below).
	me := func(source string, headers ...string) (int, string) {
		t.Helper()
		spec, _ := json.Marshal(clientSpec{URL: srv.IngressURL + "/auth/me", Source: source, Headers: headers})
		cmd := exec.Command(ipTool, "netns", "exec", clientNS, os.Args[0], "-test.run=^TestIngressClientHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), clientSpecEnv+"="+string(spec))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("client from %s: %v: %s", source, err, out)
		}
		_, result, ok := strings.Cut(string(out), clientResultMarker)
		var res clientResult
		if !ok || json.Unmarshal([]byte(strings.SplitN(result, "\n", 2)[0]), &res) != nil {
			t.Fatalf("client from %s printed no result: %s", source, out)
		}
		if res.Error != "" {
			t.Fatalf("client from %s: %s", source, res.Error)
		}
		return res.Status, res.Body
	}
	identity := []string{"X-Remote-User-Id: " + bob.ID, "X-Remote-User-Name: bob", "X-Remote-User-Display-Name: Bob"}

	status, body := me("172.30.32.2", identity...)
	var u auth.User
	if status != 200 || json.Unmarshal([]byte(body), &u) != nil || u.Username != "bob" || u.Role != auth.RoleAdmin {
		t.Fatalf("from the Supervisor's address 172.30.32.2: %d %s", status, body)
	}
	if status, body := me("172.30.32.3", identity...); status != 401 {
		t.Fatalf("from a neighbour 172.30.32.3 with the same headers: %d %s (want 401)", status, body)
	}
	if status, _ := me("172.30.32.2"); status != 401 {
		t.Fatalf("from 172.30.32.2 without headers: %d (want 401)", status)
	}
}

// inNetworkNamespace runs fn on an OS thread switched into the namespace at path;
// sockets fn opens stay in that namespace. The thread is switched back, or, if
// that fails, discarded (the goroutine ends while still locked to it).
func inNetworkNamespace(path string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open(path)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer target.Close()
		if err := setns(target.Fd()); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", path, err)
			return
		}
		fnErr := fn()
		if err := setns(orig.Fd()); err != nil {
			errc <- fmt.Errorf("setns back: %w (thread discarded)", err)
			return // still locked: the runtime ends this thread with the goroutine
		}
		runtime.UnlockOSThread()
		errc <- fnErr
	}()
	return <-errc
}

func setns(fd uintptr) error {
	return unix.Setns(int(fd), unix.CLONE_NEWNET)
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b) // 8 chars: "sgs"+8 fits the 15-byte interface name limit
}

// clientSpecEnv carries the request TestIngressClientHelper makes.
const (
	clientSpecEnv      = "SEGUE_NETNS_CLIENT"
	clientResultMarker = "NETNS-RESULT "
)

type clientSpec struct {
	URL     string
	Source  string
	Headers []string
}

type clientResult struct {
	Status int
	Body   string
	Error  string
}

// TestIngressClientHelper is the client side of TestIngressPeerCheckInNetworkNamespaces,
// run by it in the client namespace; on its own it has nothing to do.
func TestIngressClientHelper(t *testing.T) {
	raw := os.Getenv(clientSpecEnv)
	if raw == "" {
		t.Skip("helper process of TestIngressPeerCheckInNetworkNamespaces")
	}
	var spec clientSpec
	res := clientResult{}
	defer func() {
		out, _ := json.Marshal(res)
		fmt.Printf("\n%s%s\n", clientResultMarker, out)
	}()
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		res.Error = err.Error()
		return
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(spec.Source)}}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil}}
	req, err := http.NewRequest("GET", spec.URL, nil)
	if err != nil {
		res.Error = err.Error()
		return
	}
	for _, h := range spec.Headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := client.Do(req)
	if err != nil {
		res.Error = err.Error()
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	res.Status, res.Body = resp.StatusCode, string(body)
}
