package redisx_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"segue/internal/redisx"
	"segue/internal/redisx/redistest"
)

func newClient(t *testing.T, srv *redistest.Server) *redisx.Client {
	t.Helper()
	opts, err := redisx.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := redisx.New(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestCommands(t *testing.T) {
	srv := redistest.Start(t)
	c := newClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	if _, ok, err := c.Get(ctx, "k"); err != nil || ok {
		t.Fatalf("get missing: ok=%v err=%v", ok, err)
	}
	if ok, err := c.Set(ctx, "k", "v1\r\nbinary\x00", redisx.SetOptions{TTL: 30 * time.Second, NX: true}); err != nil || !ok {
		t.Fatalf("set nx: %v %v", ok, err)
	}
	if ok, err := c.Set(ctx, "k", "other", redisx.SetOptions{NX: true}); err != nil || ok {
		t.Fatalf("second set nx must not write: %v %v", ok, err)
	}
	if v, ok, err := c.Get(ctx, "k"); err != nil || !ok || v != "v1\r\nbinary\x00" {
		t.Fatalf("get: %q %v %v", v, ok, err)
	}
	old, had, err := c.SetGet(ctx, "k", "v2", redisx.SetOptions{TTL: 1500 * time.Millisecond})
	if err != nil || !had || old != "v1\r\nbinary\x00" {
		t.Fatalf("setget: %q %v %v", old, had, err)
	}
	if ok, err := c.Expire(ctx, "k", time.Minute); err != nil || !ok {
		t.Fatalf("expire: %v %v", ok, err)
	}
	ttl, err := c.Do(ctx, "TTL", "k")
	if err != nil || ttl.Int < 50 || ttl.Int > 60 {
		t.Fatalf("ttl after expire: %+v %v", ttl, err)
	}
	v, err := c.Eval(ctx, "if redis.call('GET',KEYS[1])==ARGV[1] then return redis.call('DEL',KEYS[1]) end return 0", []string{"k"}, "v2")
	if err != nil || v.Int != 1 {
		t.Fatalf("eval compare-and-delete: %+v %v", v, err)
	}
	if n, err := c.Del(ctx, "k"); err != nil || n != 0 {
		t.Fatalf("del of deleted key: %d %v", n, err)
	}
	_, err = c.Do(ctx, "NOSUCHCOMMAND")
	var re redisx.Error
	if !errors.As(err, &re) || !strings.Contains(string(re), "unknown command") {
		t.Fatalf("server error not surfaced: %v", err)
	}
	// The connection survives an error reply.
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Expire(ctx, "missing", time.Minute); err != nil || ok {
		t.Fatalf("expire missing: %v %v", ok, err)
	}
}

func TestBulkLimit(t *testing.T) {
	srv := redistest.Start(t)
	opts, _ := redisx.ParseURL(srv.URL())
	opts.Limits = redisx.Limits{MaxBulk: 16, MaxArray: 16, MaxDepth: 2}
	c := redisx.New(opts)
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Set(ctx, "big", strings.Repeat("x", 100), redisx.SetOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Get(ctx, "big"); !errors.Is(err, redisx.ErrProtocol) {
		t.Fatalf("oversized bulk must be a protocol error, got %v", err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("client must reconnect after a dropped connection: %v", err)
	}
}

func TestContextCancelInterruptsBlockedCall(t *testing.T) {
	srv := redistest.Start(t)
	c := newClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.Do(ctx, "BLPOP", "nothing", "0") // blocks forever server-side
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancel did not interrupt the call")
	}
}

func TestPubSubReconnects(t *testing.T) {
	srv := redistest.Start(t)
	c := newClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	subscribed := make(chan struct{}, 4)
	sub := c.Subscribe(ctx, redisx.SubscribeOptions{
		MinBackoff:   20 * time.Millisecond,
		OnSubscribed: func() { subscribed <- struct{}{} },
	}, "a", "b")
	if err := sub.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	<-subscribed
	if n, err := c.Publish(ctx, "b", "hello"); err != nil || n != 1 {
		t.Fatalf("publish: %d %v", n, err)
	}
	m := <-sub.Messages()
	if m.Channel != "b" || m.Payload != "hello" {
		t.Fatalf("got %+v", m)
	}

	srv.Restart(t)
	select {
	case <-subscribed:
	case <-ctx.Done():
		t.Fatal("subscription did not come back after a Redis restart")
	}
	// The pool's connection died with the old server: Do replaces it transparently.
	if n, err := c.Publish(ctx, "a", "again"); err != nil || n != 1 {
		t.Fatalf("publish after restart: %d %v", n, err)
	}
	if m := <-sub.Messages(); m.Payload != "again" {
		t.Fatalf("got %+v", m)
	}
	cancel()
	<-sub.Done()
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		in      string
		want    redisx.Options
		wantErr bool
	}{
		{in: "redis://127.0.0.1:6380/2", want: redisx.Options{Addr: "127.0.0.1:6380", DB: 2}},
		{in: "redis://localhost", want: redisx.Options{Addr: "localhost:6379"}},
		{in: "redis://:pw@h:1", want: redisx.Options{Addr: "h:1", Password: "pw"}},
		{in: "redis://u:pw@h:1", want: redisx.Options{Addr: "h:1", Username: "u", Password: "pw"}},
		{in: "rediss://h:1", wantErr: true},
		{in: "redis://h:1/x", wantErr: true},
		{in: "redis:///0", wantErr: true},
	}
	for _, tc := range cases {
		got, err := redisx.ParseURL(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err=%v", tc.in, err)
			continue
		}
		if !tc.wantErr && got != tc.want {
			t.Errorf("%s: got %+v want %+v", tc.in, got, tc.want)
		}
	}
}
