package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	_ "github.com/mattn/go-sqlite3"

	"segue/internal/testutil"
)

// buildBinary compiles segue once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "segue")
	cmd := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	return bin
}

// startServer runs the binary and waits for its "public listener ready" line.
func startServer(t *testing.T, bin, dataDir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--data-dir", dataDir, "--public-addr", "127.0.0.1:0", "--remote-access", "off")
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, `addr="`); i >= 0 && strings.Contains(line, "public listener ready") {
				rest := line[i+6:]
				addr <- rest[:strings.IndexByte(rest, '"')]
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, "http://" + a
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("server did not report its listener")
	}
	return nil, ""
}

// Acceptance 10 of issue 2: SIGTERM under load exits 0 within 8 s and the database is intact.
func TestSIGTERMUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dataDir := t.TempDir()
	cmd, base := startServer(t, bin, dataDir)
	resp, err := http.Post(base+"/setup", "application/json", strings.NewReader(`{"username":"admin","password":"password-123"}`))
	if err != nil {
		t.Fatal(err)
	}
	var setup struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&setup)
	resp.Body.Close()
	if setup.Token == "" {
		t.Fatal("no token from setup")
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	var mu sync.Mutex
	requests := 0
	for i := 0; i < 8; i++ { // HTTP load: reads, token creation (writes) and revocations
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for n := 0; ctx.Err() == nil; n++ {
				cmdName := "info"
				args := "{}"
				if n%3 == 0 {
					cmdName, args = "auth/token/create", fmt.Sprintf(`{"name":"load-%d-%d"}`, i, n)
				}
				req, _ := http.NewRequest("POST", base+"/api", strings.NewReader(`{"command":"`+cmdName+`","args":`+args+`}`))
				req.Header.Set("Authorization", "Bearer "+setup.Token)
				if r, err := client.Do(req); err == nil {
					r.Body.Close()
					mu.Lock()
					requests++
					mu.Unlock()
				}
			}
		}(i)
	}
	var closeCodes []int
	var answered atomic.Int32 // sockets past their auth answer (the ServerInfo frame, then the answer)
	for i := 0; i < 4; i++ {  // live WebSockets that must be closed with 1001
		c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.WriteJSON(map[string]any{"message_id": "1", "command": "auth", "args": map[string]string{"token": setup.Token}})
		wg.Add(1)
		go func(c *websocket.Conn) {
			defer wg.Done()
			defer c.Close()
			for n := 1; ; n++ {
				if n == 3 {
					answered.Add(1)
				}
				if _, _, err := c.ReadMessage(); err != nil {
					if ce, ok := err.(*websocket.CloseError); ok {
						mu.Lock()
						closeCodes = append(closeCodes, ce.Code)
						mu.Unlock()
					}
					return
				}
			}
		}(c)
	}
	// SIGTERM only once load is flowing and every socket is authenticated.
	testutil.WaitFor(t, 30*time.Second, "load and four authenticated WebSockets", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return requests >= 20 && answered.Load() == 4
	})
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(8 * time.Second):
		cmd.Process.Kill()
		t.Fatal("not stopped within 8 s of SIGTERM")
	}
	elapsed := time.Since(start)
	stop()
	wg.Wait()
	t.Logf("stopped %v after SIGTERM; %d requests served during the test", elapsed, requests)
	if requests == 0 {
		t.Fatal("no load reached the server")
	}
	if len(closeCodes) != 4 {
		t.Errorf("%d WebSockets saw a close frame, want all 4", len(closeCodes))
	}
	for _, code := range closeCodes {
		if code != websocket.CloseGoingAway {
			t.Errorf("WebSocket closed with %d, want 1001", code)
		}
	}
	db, err := sql.Open("sqlite3", filepath.Join(dataDir, "segue.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
}

// Acceptance 1 of issue 2: the run command starts on a fresh data dir and answers /info.
func TestFreshStartAnswersInfo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dataDir := filepath.Join(t.TempDir(), "fresh")
	cmd, base := startServer(t, bin, dataDir)
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	resp, err := http.Get(base + "/info")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || info["server_id"] == nil || info["schema_version"] == nil {
		t.Fatalf("/info: %v %v", info, err)
	}
	for _, f := range []string{"segue.db", "jwt.key"} {
		st, err := os.Stat(filepath.Join(dataDir, f))
		if err != nil {
			t.Fatalf("%s not created: %v", f, err)
		}
		if f == "jwt.key" && st.Mode().Perm() != 0o600 {
			t.Fatalf("jwt.key mode %v", st.Mode().Perm())
		}
	}
}

// A short key file stops the start with a clear message and a non-zero exit.
func TestShortKeyFileRefusesToStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dataDir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dataDir, "jwt.key"), make([]byte, 16), 0o600)
	out, err := exec.Command(bin, "serve", "--data-dir", dataDir, "--public-addr", "127.0.0.1:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "jwt.key") {
		t.Fatalf("want refusal naming jwt.key, got %v: %s", err, out)
	}
}

func TestBadOptionNamed(t *testing.T) {
	code := run([]string{"serve", "--remote-access", "sometimes"}, nil, os.Stdout, &strings.Builder{})
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}
