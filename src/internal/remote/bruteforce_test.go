package remote_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"segue/internal/remote/client"
)

// Issue 11 acceptance: the brute-force test of item 1 over the remote channels.
// Every session from one peer counts as that peer ("webrtc/<ip>", as ICE
// selected it), so guesses spread over several sessions — fired all at once —
// get no more checks than the same guesses sent one after another over one.

type guessVerdict int

const (
	guessChecked guessVerdict = iota
	guessThrottled
	guessOther
)

// remoteGuess sends guess i over conn c and says how the server answered.
type remoteGuess func(ctx context.Context, c *client.Conn, i int) (guessVerdict, string)

// maAPILogin guesses admin's password with auth/login on the ma-api channel.
func maAPILogin(ctx context.Context, c *client.Conn, i int) (guessVerdict, string) {
	raw, err := c.Call(ctx, "auth/login", map[string]string{"username": "admin", "password": fmt.Sprintf("wrong-%03d", i)})
	if err != nil {
		return guessOther, err.Error()
	}
	var r struct {
		Success bool   `json:"success"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(raw, &r) != nil || r.Success {
		return guessOther, string(raw)
	}
	if strings.Contains(r.Error, "Too many") {
		return guessThrottled, ""
	}
	return guessChecked, ""
}

// proxySubsonic guesses admin's Subsonic password (p=) through http_proxy.
func proxySubsonic(ctx context.Context, c *client.Conn, i int) (guessVerdict, string) {
	q := url.Values{"u": {"admin"}, "p": {fmt.Sprintf("wrong-%03d", i)}, "v": {"1.16.1"}, "c": {"bruteforce"}, "f": {"json"}}
	r, err := c.HTTPGet(ctx, "GET", "/rest/ping?"+q.Encode(), nil)
	if err != nil {
		return guessOther, err.Error()
	}
	var body struct {
		R struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"subsonic-response"`
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil {
		return guessOther, fmt.Sprintf("HTTP %d %s", r.Status, r.Body)
	}
	switch e := body.R.Error; {
	case e.Code == 40:
		return guessChecked, ""
	case e.Code == 0 && strings.Contains(e.Message, "try again later"):
		return guessThrottled, ""
	}
	return guessOther, string(r.Body)
}

// tally counts the verdicts of guesses sent over conns: all at once, or one after another.
func tally(t *testing.T, conns []*client.Conn, perConn int, parallel bool, guess remoteGuess) (checked, throttled int) {
	t.Helper()
	ctx := ctxT(t)
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	one := func(c *client.Conn, i int) {
		v, why := guess(ctx, c, i)
		mu.Lock()
		defer mu.Unlock()
		switch v {
		case guessChecked:
			checked++
		case guessThrottled:
			throttled++
		default:
			t.Errorf("guess %d: unexpected answer %s", i, why)
		}
	}
	for k, c := range conns {
		for j := 0; j < perConn; j++ {
			i := k*perConn + j
			if !parallel {
				one(c, i)
				continue
			}
			wg.Add(1)
			go func() { defer wg.Done(); <-start; one(c, i) }()
		}
	}
	close(start)
	wg.Wait()
	return checked, throttled
}

func TestRemoteGuessesGetTheSequentialAllowance(t *testing.T) {
	cases := []struct {
		name  string
		guess remoteGuess
	}{
		{"ma-api auth/login", maAPILogin},
		{"http_proxy Subsonic p", proxySubsonic},
	}
	const sessions, perSession = 4, 15
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Baseline: the same number of guesses, one after another, over one session.
			sig := startSignaling(t, "")
			srv := startServer(t, sig.URL())
			one := e2eDial(t, sig.URL(), srv.id.RemoteID())
			seq, seqRefused := tally(t, []*client.Conn{one}, sessions*perSession, false, c.guess)

			// The attack: several sessions from the same peer, every guess at once.
			sig2 := startSignaling(t, "")
			srv2 := startServer(t, sig2.URL())
			var conns []*client.Conn
			for i := 0; i < sessions; i++ {
				conns = append(conns, e2eDial(t, sig2.URL(), srv2.id.RemoteID()))
			}
			par, parRefused := tally(t, conns, perSession, true, c.guess)
			t.Logf("%s: %d guesses; one after another %d checked (%d refused); %d sessions at once %d checked (%d refused)",
				c.name, sessions*perSession, seq, seqRefused, sessions, par, parRefused)
			if seq < 1 || seq > 3 {
				t.Fatalf("sequential baseline checked %d guesses; the tier allows 3", seq)
			}
			if par > seq {
				t.Fatalf("%d parallel guesses over %d sessions were checked; one after another only %d were", par, sessions, seq)
			}
			// A fresh session from the same peer is still throttled: sessions earn no allowance.
			fresh := e2eDial(t, sig2.URL(), srv2.id.RemoteID())
			if v, why := c.guess(ctxT(t), fresh, 999); v != guessThrottled {
				t.Fatalf("a new session from the same peer was not throttled: %v %s", v, why)
			}
			if _, err := fresh.Login(ctxT(t), "admin", "correct horse"); c.name == "ma-api auth/login" && (err == nil || !strings.Contains(err.Error(), "Too many")) {
				t.Fatalf("the right password from the throttled peer: %v", err)
			}
		})
	}
}
