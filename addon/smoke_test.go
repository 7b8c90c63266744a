package addon

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The s6 smoke test runs the real run and finish scripts of rootfs/ under Debian's s6
// (s6-svscan → s6-supervise, the supervision core of s6-overlay v3) and the real segue
// binary built from ../src. What s6-overlay and the HA base image add around them is
// replaced by stand-ins written into a temp dir:
//
//	/command/with-contenv            sh script: s6-envdir on the saved container environment
//	bashio                           bash script: bashio's shell options + bashio::log.*, then source
//	/run/s6/basedir/bin/halt         records the call, then stops the scan like a container halt
//	/run/s6-linux-init-container-results/exitcode   a plain file
//	/usr/bin/segue                   sh script exec-ing the real binary with test flags
//
// The scripts are copied with those absolute paths rewritten into the temp dir (each rewrite
// is checked, so a script that stops using one of them fails the test).

// smokeTimeout bounds each wait; it is a deadline against hangs, not a timing assertion.
const smokeTimeout = 30 * time.Second

type smokeTools struct{ svscan, svscanctl, svc, svok, svwait, svstat, envdir, bash string }

func requireS6(t *testing.T) smokeTools {
	t.Helper()
	return smokeTools{
		svscan:    requireTool(t, "s6-svscan"),
		svscanctl: requireTool(t, "s6-svscanctl"),
		svc:       requireTool(t, "s6-svc"),
		svok:      requireTool(t, "s6-svok"),
		svwait:    requireTool(t, "s6-svwait"),
		svstat:    requireTool(t, "s6-svstat"),
		envdir:    requireTool(t, "s6-envdir"),
		bash:      requireTool(t, "bash"),
	}
}

// buildSegue builds the server from ../src once per test binary run.
func buildSegue(t *testing.T, dir string) string {
	t.Helper()
	src, err := filepath.Abs("../src")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(src, "cmd", "segue")); err != nil {
		missing(t, "the segue server (src/cmd/segue)")
	}
	goTool := requireTool(t, "go")
	bin := filepath.Join(dir, "segue-real")
	cmd := exec.Command(goTool, "build", "-tags", "sqlite_fts5", "-o", bin, "./cmd/segue") // as the Dockerfile builds it
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/segue in %s: %v\n%s", src, err, out)
	}
	return bin
}

// smokeEnv is one supervision tree in a short temp dir (shebang lines are length-limited).
type smokeEnv struct {
	t     *testing.T
	tools smokeTools
	root  string
	scan  string
	svc   string
	out   *outFile
	cmd   *exec.Cmd
	done  chan struct{} // closed when s6-svscan has exited
}

// outFile is the shared stdout/stderr of the supervision tree. A real file (not a pipe)
// so that waiting for s6-svscan never waits for its grandchildren to close the pipe.
type outFile struct{ path string }

func (o *outFile) String() string {
	data, _ := os.ReadFile(o.path)
	return string(data)
}

func (e *smokeEnv) p(rel string) string { return filepath.Join(e.root, filepath.FromSlash(rel)) }

func (e *smokeEnv) writeFile(rel, content string, mode os.FileMode) {
	e.t.Helper()
	p := e.p(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		e.t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		e.t.Fatal(err)
	}
}

// newSmokeEnv lays out the stand-ins and the service. segue is the content of the
// /usr/bin/segue stand-in; containerEnv the variables the container would have.
func newSmokeEnv(t *testing.T, tools smokeTools, segue string, containerEnv map[string]string) *smokeEnv {
	t.Helper()
	root, err := os.MkdirTemp("", "s6smoke")
	if err != nil {
		t.Fatal(err)
	}
	e := &smokeEnv{t: t, tools: tools, root: root, scan: filepath.Join(root, "scan"), out: &outFile{filepath.Join(root, "output.log")}}
	e.svc = filepath.Join(e.scan, SegueService)
	t.Cleanup(func() {
		e.stop()
		os.RemoveAll(root)
	})

	e.writeFile("command/with-contenv", fmt.Sprintf(`#!/bin/sh
# stand-in for s6-overlay's /command/with-contenv
exec %s -Lfn -- %s "$@"
`, tools.envdir, e.p("run/s6/container_environment")), 0o755)
	e.writeFile("bin/bashio", `#!`+tools.bash+`
# stand-in for bashio: its shell options and logging helpers, then the script is sourced
set -o errexit -o errtrace -o nounset -o pipefail
for level in trace debug info notice warning error fatal; do
	eval "bashio::log.${level}() { echo \"[${level^^}] \$*\"; }"
done
# shellcheck source=/dev/null
source "$@"
`, 0o755)
	e.writeFile("run/s6/basedir/bin/halt", fmt.Sprintf(`#!/bin/sh
# stand-in for s6-overlay's halt: record the call, then stop the supervision tree
echo halt >> %s
exec %s -t %s
`, e.p("halt.log"), tools.svscanctl, e.scan), 0o755)
	if err := os.MkdirAll(e.p("run/s6-linux-init-container-results"), 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range containerEnv {
		e.writeFile("run/s6/container_environment/"+k, v, 0o644)
	}
	if err := os.MkdirAll(e.p("run/s6/container_environment"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.writeFile("usr/bin/segue", segue, 0o755)

	// The real scripts, paths rewritten into the temp dir.
	repo := repoRoot(t)
	rewrite := map[string][]string{
		"run":    {withContenvV3, SegueBinary},
		"finish": {withContenvV3, exitCodeFile, haltProgram, SegueRestartLog},
	}
	for _, name := range []string{"run", "finish"} {
		data, err := os.ReadFile(filepath.Join(repo, s6Dir+SegueService, name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, abs := range rewrite[name] {
			if !strings.Contains(text, abs) {
				t.Fatalf("%s/%s no longer uses %s; the smoke test cannot stand in for it", s6Dir+SegueService, name, abs)
			}
			text = strings.ReplaceAll(text, abs, e.p(strings.TrimPrefix(abs, "/")))
		}
		e.writeFile("scan/"+SegueService+"/"+name, text, 0o755)
	}
	return e
}

// start runs s6-svscan with the cleaned environment s6-overlay gives its services and
// waits until s6-supervise watches the service (and, with waitUp, until it is up).
func (e *smokeEnv) start(waitUp bool) {
	e.t.Helper()
	e.cmd = exec.Command(e.tools.svscan, e.scan)
	e.cmd.Env = []string{"PATH=" + e.p("bin") + ":/usr/bin:/bin"}
	out, err := os.OpenFile(e.out.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		e.t.Fatal(err)
	}
	defer out.Close()
	e.cmd.Stdout, e.cmd.Stderr = out, out
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := e.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.done = make(chan struct{})
	go func() {
		_ = e.cmd.Wait()
		close(e.done)
	}()
	if !waitUp {
		return
	}
	deadline := time.Now().Add(smokeTimeout)
	for exec.Command(e.tools.svok, e.svc).Run() != nil {
		if time.Now().After(deadline) {
			e.t.Fatalf("s6-supervise never started on %s\n%s", e.svc, e.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.svwait("-u")
}

// svwait runs s6-svwait with a flag (-u up, -D down and finish done), retrying when it
// cannot subscribe yet (exit 111 right after s6-supervise started).
func (e *smokeEnv) svwait(flag string) {
	e.t.Helper()
	deadline := time.Now().Add(smokeTimeout)
	for {
		out, err := exec.Command(e.tools.svwait, flag, "-t", strconv.Itoa(int(smokeTimeout/time.Millisecond)), e.svc).CombinedOutput()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("s6-svwait %s %s: %v\n%s\n--- service output ---\n%s", flag, e.svc, err, out, e.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the tree if it still runs (cleanup); the process group is ours.
func (e *smokeEnv) stop() {
	if e.cmd == nil || e.cmd.Process == nil {
		return
	}
	select {
	case <-e.done:
		e.killLeftovers()
		return
	default:
	}
	_ = exec.Command(e.tools.svscanctl, "-t", e.scan).Run()
	select {
	case <-e.done:
	case <-time.After(smokeTimeout):
		_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
		<-e.done
	}
	e.killLeftovers()
}

// killLeftovers kills processes still running in the temp dir: s6-supervise starts each
// service in its own session, so a broken script can leave one behind when a test fails.
func (e *smokeEnv) killLeftovers() {
	entries, _ := os.ReadDir("/proc")
	for _, d := range entries {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", d.Name(), "cwd"))
		if err == nil && strings.HasPrefix(cwd, e.root+"/") {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// waitFile waits until a file exists (a stand-in server writes it once it runs).
func (e *smokeEnv) waitFile(p string) {
	e.t.Helper()
	deadline := time.Now().Add(smokeTimeout)
	for {
		if _, err := os.Stat(p); err == nil {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s never appeared\n%s", p, e.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitExit waits until s6-svscan has exited (after halt).
func (e *smokeEnv) waitExit() {
	e.t.Helper()
	select {
	case <-e.done:
	case <-time.After(smokeTimeout):
		e.t.Fatalf("the supervision tree did not stop (halt not called?)\n%s", e.out)
	}
}

func (e *smokeEnv) run(name string, args ...string) string {
	e.t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		e.t.Fatalf("%s %v: %v\n%s\n--- service output ---\n%s", filepath.Base(name), args, err, out, e.out)
	}
	return strings.TrimSpace(string(out))
}

func (e *smokeEnv) read(rel string) (string, bool) {
	data, err := os.ReadFile(e.p(rel))
	if errors.Is(err, os.ErrNotExist) {
		return "", false
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return strings.TrimSpace(string(data)), true
}

func (e *smokeEnv) containerExitCode() string {
	code, ok := e.read("run/s6-linux-init-container-results/exitcode")
	if !ok {
		return "0" // s6-overlay's default
	}
	return code
}

func (e *smokeEnv) halted() bool {
	_, ok := e.read("halt.log")
	return ok
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitHealthy polls /healthz like the Supervisor's watchdog (success = status < 300).
func waitHealthy(t *testing.T, e *smokeEnv, port int) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(smokeTimeout)
	url := fmt.Sprintf("http://127.0.0.1:%d/healthz", port)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 300 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered < 300 (last error %v)\n--- service output ---\n%s", url, err, e.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestS6SmokeRealServer(t *testing.T) {
	tools := requireS6(t)
	binDir := t.TempDir()
	real := buildSegue(t, binDir)

	t.Run("SIGTERM ends in exit 0 and no halt", func(t *testing.T) {
		port := freePort(t)
		dataDir := filepath.Join(binDir, "data-sigterm")
		e := newSmokeEnv(t, tools, fmt.Sprintf("#!/bin/sh\nexec %s \"$@\" --data-dir %s --public-addr 127.0.0.1:%d\n", real, dataDir, port), nil)
		e.start(true)
		waitHealthy(t, e, port)
		// What s6-rc does on container stop: down → SIGTERM (+SIGCONT) to the server.
		e.run(tools.svc, "-d", e.svc)
		e.svwait("-D") // down and finish done
		if got := e.run(tools.svstat, "-o", "exitcode,signal", e.svc); got != "0 NA" {
			t.Fatalf("server exit status %q after SIGTERM, want \"0 NA\" (exit 0, no signal)\n%s", got, e.out)
		}
		if code := e.containerExitCode(); code != "0" {
			t.Errorf("container exit code %q, want 0", code)
		}
		if e.halted() {
			t.Errorf("halt was called after a clean stop\n%s", e.out)
		}
		out := e.out.String()
		for _, want := range []string{"[INFO] Starting Segue", "[INFO] Segue stopped"} {
			if !strings.Contains(out, want) {
				t.Errorf("service output lacks %q (run/finish not executed through bashio?)\n%s", want, out)
			}
		}
	})

	t.Run("invalid option crashes: code recorded and halt", func(t *testing.T) {
		opts := filepath.Join(binDir, "options-bad.json")
		if err := os.WriteFile(opts, []byte(`{"log_level": "loud"}`), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"serve", "--data-dir", filepath.Join(binDir, "data-crash"), "--public-addr", "127.0.0.1:0", "--options-file", opts}
		// The code the binary itself returns for this configuration.
		err := exec.Command(real, args...).Run()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() <= 0 {
			t.Fatalf("segue %v should fail with a non-zero exit code, got %v", args, err)
		}
		want := strconv.Itoa(exitErr.ExitCode())
		e := newSmokeEnv(t, tools, fmt.Sprintf("#!/bin/sh\nexec %s \"$@\" %s\n", real, strings.Join(args[1:], " ")), nil)
		e.start(false)
		e.waitExit()
		if !e.halted() {
			t.Fatalf("halt was not called after the crash\n%s", e.out)
		}
		if code := e.containerExitCode(); code != want {
			t.Fatalf("container exit code %q, want %s\n%s", code, want, e.out)
		}
	})
}

// TestS6SmokeFinish drives the other branches of finish with stand-in servers (shell
// scripts), and checks that run passes the container environment through.
func TestS6SmokeFinish(t *testing.T) {
	tools := requireS6(t)
	cases := []struct {
		name      string
		server    string // body of the stand-in after #!/bin/sh
		preset    string // container exit code already recorded ("" = none)
		action    string // s6-svc option sent after start ("" = none)
		wantCode  string
		wantHalt  bool
		wantUntil string // "exit" (tree stopped) or "down" (service down, finish done)
	}{
		{name: "exit 3 is recorded and halts", server: "exit 3", wantCode: "3", wantHalt: true, wantUntil: "exit"},
		{name: "an earlier failure code is kept", server: "exit 3", preset: "7", wantCode: "7", wantHalt: true, wantUntil: "exit"},
		{name: "SIGTERM not handled: 143 and halt", server: "touch ready\nexec sleep 600", action: "-d", wantCode: "143", wantHalt: true, wantUntil: "exit"},
		{name: "SIGTERM handled: 0 and no halt", server: "trap 'exit 0' TERM\ntouch ready\nwhile :; do sleep 0.2; done", action: "-d", wantCode: "0", wantUntil: "down"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newSmokeEnv(t, tools, "#!/bin/sh\n"+tc.server+"\n", nil)
			if tc.preset != "" {
				e.writeFile("run/s6-linux-init-container-results/exitcode", tc.preset+"\n", 0o644)
			}
			e.start(false)
			if tc.action != "" {
				// s6-supervise runs the service in its directory: the stand-in is running its own
				// code (trap installed) once ./ready exists.
				e.waitFile(filepath.Join(e.svc, "ready"))
				e.run(tools.svc, tc.action, e.svc)
			}
			switch tc.wantUntil {
			case "exit":
				e.waitExit()
			case "down":
				e.svwait("-D")
			}
			if code := e.containerExitCode(); code != tc.wantCode {
				t.Errorf("container exit code %q, want %s\n%s", code, tc.wantCode, e.out)
			}
			if e.halted() != tc.wantHalt {
				t.Errorf("halt called = %v, want %v\n%s", e.halted(), tc.wantHalt, e.out)
			}
		})
	}

	t.Run("crash loop: three restarts in place, then 139 and halt", func(t *testing.T) {
		e := newSmokeEnv(t, tools, "#!/bin/sh\necho started >> "+filepath.Join("..", "..", "starts.log")+"\nkill -SEGV $$\n", nil)
		e.start(false)
		e.waitExit()
		if code := e.containerExitCode(); code != "139" || !e.halted() {
			t.Fatalf("container exit code %q, halted %v; want 139 and halt\n%s", code, e.halted(), e.out)
		}
		starts, _ := e.read("starts.log")
		if n := strings.Count(starts, "started"); n != 4 {
			t.Fatalf("the server ran %d times, want 4 (the first run and 3 restarts)\n%s", n, e.out)
		}
	})

	t.Run("SIGKILL (an OOM kill) restarts in place", func(t *testing.T) {
		e := newSmokeEnv(t, tools, "#!/bin/sh\ntouch ready\nexec sleep 600\n", nil)
		e.start(false)
		ready := filepath.Join(e.svc, "ready")
		for i := 1; i <= 3; i++ {
			e.waitFile(ready)
			if err := os.Remove(ready); err != nil {
				t.Fatal(err)
			}
			e.run(tools.svc, "-k", e.svc)
		}
		e.waitFile(ready) // up again after the third kill
		if e.halted() || e.containerExitCode() != "0" {
			t.Fatalf("halted %v, exit code %q after 3 kills; want restarts in place\n%s", e.halted(), e.containerExitCode(), e.out)
		}
		e.run(tools.svc, "-k", e.svc) // the 4th within 10 minutes
		e.waitExit()
		if code := e.containerExitCode(); code != "137" || !e.halted() {
			t.Fatalf("4th kill: exit code %q, halted %v; want 137 and halt\n%s", code, e.halted(), e.out)
		}
	})

	t.Run("restarts older than 10 minutes do not count", func(t *testing.T) {
		e := newSmokeEnv(t, tools, "#!/bin/sh\ntouch ready\nexec sleep 600\n", nil)
		old := time.Now().Add(-11 * time.Minute).Unix()
		e.writeFile(strings.TrimPrefix(SegueRestartLog, "/"), fmt.Sprintf("%d\n%d\n%d\n", old, old, old), 0o644)
		e.start(false)
		ready := filepath.Join(e.svc, "ready")
		e.waitFile(ready)
		os.Remove(ready)
		e.run(tools.svc, "-k", e.svc)
		e.waitFile(ready)
		if e.halted() {
			t.Fatalf("halted although the earlier restarts were 11 minutes ago\n%s", e.out)
		}
		log, _ := e.read(strings.TrimPrefix(SegueRestartLog, "/"))
		if lines := strings.Fields(log); len(lines) != 1 {
			t.Fatalf("restart log %q: want only the new restart", log)
		}
	})

	t.Run("run sees the container environment", func(t *testing.T) {
		envFile := "env.out"
		e := newSmokeEnv(t, tools, "", map[string]string{"SUPERVISOR_TOKEN": "abc123", "TZ": "Europe/Berlin"})
		e.writeFile("usr/bin/segue", fmt.Sprintf("#!/bin/sh\necho \"$0 $*\" > %s\nenv >> %s\ntrap 'exit 0' TERM\nwhile :; do sleep 0.2; done\n", e.p(envFile), e.p(envFile)), 0o755)
		e.start(true)
		deadline := time.Now().Add(smokeTimeout)
		var got string
		for {
			if s, ok := e.read(envFile); ok && strings.Contains(s, "TZ=") {
				got = s
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the stand-in server never ran\n%s", e.out)
			}
			time.Sleep(50 * time.Millisecond)
		}
		for _, want := range []string{e.p("usr/bin/segue") + " serve\n", "SUPERVISOR_TOKEN=abc123", "TZ=Europe/Berlin"} {
			if !strings.Contains(got, want) {
				t.Errorf("server invocation/environment lacks %q:\n%s", want, got)
			}
		}
		// The supervised process is the server itself (run exec'd it), so s6 signals it directly.
		pid := e.run(tools.svstat, "-o", "pid", e.svc)
		cmdline, err := os.ReadFile("/proc/" + pid + "/cmdline")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(cmdline), e.p("usr/bin/segue")) {
			t.Errorf("supervised pid %s runs %q, not the server: run must exec it", pid, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
		}
	})
}
