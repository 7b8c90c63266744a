package subsonic

import (
	"context"
	"io"
	"testing"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"segue/internal/logging"
)

// TestLookupEndedByTheClientIsNotADatabaseFault: an app-password lookup cut
// short because the request's context ended (the client went away) is logged at
// debug, while a lookup that fails on a live request still warns that the
// database is unavailable. Both fail closed without counting as a wrong password.
func TestLookupEndedByTheClientIsNotADatabaseFault(t *testing.T) {
	log := logging.New(io.Discard, "debug")
	hook := logtest.NewLocal(log)
	a, _, db, secret := testAuthenticator(t, log)
	creds := &Params{U: "alice", P: secret}

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, serr := a.Authenticate(gone, creds, "192.0.2.1"); serr != errUnavailable {
		t.Fatalf("cancelled lookup answered %v, want errUnavailable", serr)
	}
	for _, e := range hook.AllEntries() {
		if e.Level < logrus.DebugLevel {
			t.Fatalf("a client that went away was logged at %v: %s", e.Level, e.Message)
		}
	}
	if e := hook.LastEntry(); e == nil || e.Message != "subsonic authentication: request ended before the app-password lookup" {
		t.Fatalf("no debug line for the cancelled lookup: %v", hook.AllEntries())
	}

	hook.Reset()
	db.Close()
	if _, serr := a.Authenticate(context.Background(), creds, "192.0.2.1"); serr != errUnavailable {
		t.Fatalf("lookup on a closed database answered %v, want errUnavailable", serr)
	}
	if e := hook.LastEntry(); e == nil || e.Level != logrus.WarnLevel || e.Message != "subsonic authentication: database unavailable" {
		t.Fatalf("a failing database was not warned about: %v", hook.AllEntries())
	}
}
