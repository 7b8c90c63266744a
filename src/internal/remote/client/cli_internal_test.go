package client

import (
	"context"
	"errors"
	"flag"
	"reflect"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
	"segue/internal/remote/peer"
)

func TestSplitArgsFlagsAnywhere(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	o := &cliOpts{}
	o.register(fs)
	flags, pos := splitArgs(fs, []string{"auth/user", `{"user_id":"a"}`, "--token", "T", "-v", "--timeout=5s", "-1"})
	if !reflect.DeepEqual(pos, []string{"auth/user", `{"user_id":"a"}`, "-1"}) {
		t.Fatalf("positional %q", pos)
	}
	if err := fs.Parse(flags); err != nil || o.token != "T" || !o.verbose || o.timeout != 5*time.Second {
		t.Fatalf("flags %q → %+v %v", flags, o, err)
	}
}

func TestDialRetryStopsOnPermanentErrors(t *testing.T) {
	clk := clocktest.NewFake(time.Unix(0, 0)) // never moved: a retry would wait forever
	_, err := DialRetry(context.Background(), Config{RemoteID: "nope"}, Retry{Initial: time.Hour, Clock: clk})
	if !errors.Is(err, peer.ErrBadRemoteID) || clk.Timers() != 0 {
		t.Fatalf("bad id was retried: %v (%d waits armed)", err, clk.Timers())
	}
}
