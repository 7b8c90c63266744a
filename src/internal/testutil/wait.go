package testutil

import (
	"testing"
	"time"
)

// WaitFor fails the test unless cond becomes true within timeout. Use it for an
// outcome that must happen (a connection is up, a session is gone), never to let
// time pass: a test that proves nothing happened waits for a signal that the work
// it checks is done.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Eventually(timeout, cond) {
		t.Fatalf("timed out after %v waiting for %s", timeout, what)
	}
}

// Eventually reports whether cond becomes true within timeout, checking it every
// few milliseconds.
func Eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			return cond()
		case <-poll.C:
		}
	}
	return true
}
