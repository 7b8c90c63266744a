// Package redistest starts a throwaway redis-server for tests.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"segue/internal/testutil"
)

// Server is a running redis-server on a loopback port.
type Server struct {
	Addr string
	bin  string
	dir  string
	cmd  *exec.Cmd
}

// URL is the redis:// URL of the server.
func (s *Server) URL() string { return "redis://" + s.Addr }

// Start launches redis-server with no persistence on a free loopback port and stops it
// when the test ends. It skips the test when redis-server is missing (fails under
// SEGUE_REQUIRE_ALL=1).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := testutil.RequireTool(t, "redis-server")
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), bin: bin, dir: t.TempDir()}
		if err := s.launch(); err != nil {
			lastErr = err
			continue // the port was taken between probe and bind; try another
		}
		t.Cleanup(s.Stop)
		return s
	}
	t.Fatalf("redis-server did not start: %v", lastErr)
	return nil
}

func (s *Server) launch() error {
	_, port, _ := net.SplitHostPort(s.Addr)
	cmd := exec.Command(s.bin,
		"--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--protected-mode", "yes", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	if err := waitReady(s.Addr, 5*time.Second); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	s.cmd = cmd
	return nil
}

// Restart kills the server and starts a fresh one (empty data) on the same address.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	var err error
	for i := 0; i < 20; i++ {
		if err = s.launch(); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("restart redis-server: %v", err)
}

// Stop kills the server (idempotent).
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(addr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	var err error
	for time.Now().Before(deadline) {
		var c net.Conn
		c, err = net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			fmt.Fprint(c, "PING\r\n")
			line, rerr := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if rerr == nil && line == "+PONG\r\n" {
				return nil
			}
			err = fmt.Errorf("ping: %q %v", line, rerr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}
