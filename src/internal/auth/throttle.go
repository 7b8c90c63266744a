package auth

import (
	"net/netip"
	"strings"
	"sync"
	"time"

	"segue/internal/clock"
)

// ThrottleWindow is how long failures are remembered.
const ThrottleWindow = 30 * time.Minute

// tier: after at least failures in the window, wait delay after the last one.
// A tier with within counts only the failures less than within before the last
// one (a burst); attempts in flight count as failures now.
type tier struct {
	failures int
	delay    time.Duration
	within   time.Duration
}

// clientTiers apply to one client (an address, an address+account pair, an app
// id): three wrong guesses, then progressively longer pauses.
var clientTiers = []tier{{failures: 15, delay: 300 * time.Second}, {failures: 10, delay: 120 * time.Second}, {failures: 6, delay: 60 * time.Second}, {failures: 3, delay: 30 * time.Second}}

// accountTiers apply to an account from everywhere at once. They sit far above
// what a person types, so strangers guessing from elsewhere cannot lock the
// owner out (the pair and address keys stop them first), yet a botnet spread
// over many addresses still meets a ceiling (checklist 25: ≤100 per hour).
var accountTiers = []tier{{failures: 100, delay: 300 * time.Second}, {failures: 50, delay: 60 * time.Second}}

// maxThrottleKeys bounds memory under a flood of distinct usernames or addresses.
const maxThrottleKeys = 50000

// maxRemembered is more failures than the top tier needs.
const maxRemembered = 128

// Throttle slows down credential guessing, per key. Every credential path
// reserves an Attempt before it checks anything, so requests in flight count
// like failures: parallel guesses get no more tries than sequential ones.
type Throttle struct {
	clock clock.Clock
	mu    sync.Mutex
	keys  map[string]*keyState
}

type keyState struct {
	fails    []time.Time
	inFlight int
}

// NewThrottle builds an empty throttle.
func NewThrottle(clk clock.Clock) *Throttle {
	return &Throttle{clock: clk, keys: map[string]*keyState{}}
}

// Throttle keys. A client is named by Peer (see PeerOf); an account by its
// normalized username.

// PeerKey is the key of one client.
func PeerKey(peer string) string { return "peer:" + peer }

// LoginKeys are the keys of a username+password check from peer: the
// account+client pair and the client strictly, the account leniently.
func LoginKeys(username, peer string) []string {
	return accountKeys("user:"+NormalizeUsername(username), peer)
}

// AppKeys are the keys of a delegated app's client-secret check from peer: a
// wrong secret sent from elsewhere does not lock the real app out.
func AppKeys(clientID, peer string) []string { return accountKeys("app:"+clientID, peer) }

// UserCodeKey is the key of user codes typed at the device-login approval page
// from peer: at most five wrong ones a minute, then a quarter of an hour's pause
// (checklist 39), while a person who mistypes now and then is never held up.
func UserCodeKey(peer string) string { return userCodePrefix + peer }

// userCodeTiers apply to UserCodeKey.
var userCodeTiers = []tier{{failures: 5, delay: 15 * time.Minute, within: time.Minute}}

func accountKeys(account, peer string) []string {
	return []string{pairPrefix + account + "\x00" + peer, PeerKey(peer), accountPrefix + account}
}

const (
	accountPrefix  = "account:"
	pairPrefix     = "pair:"
	userCodePrefix = "user-code:"
)

func tiersOf(key string) []tier {
	switch {
	case strings.HasPrefix(key, accountPrefix):
		return accountTiers
	case strings.HasPrefix(key, userCodePrefix):
		return userCodeTiers
	}
	return clientTiers
}

// PeerOf names the client behind a transport address for throttling: an IPv4
// address, an IPv6 /64 (one household or host gets one prefix), or the raw
// string when it is not an address (it is then at least stable per client).
func PeerOf(addr string) string {
	ap, err := netip.ParseAddrPort(addr)
	var ip netip.Addr
	if err == nil {
		ip = ap.Addr()
	} else if ip, err = netip.ParseAddr(addr); err != nil {
		return addr
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// HAUserPeer is the client name of a request made through HA ingress: every
// such request comes from the Supervisor's address, so the HA user stands in.
func HAUserPeer(haUserID string) string { return "ha-user:" + haUserID }

// Attempt is one reserved credential check. Exactly one of Fail, Succeed or
// Abandon ends it.
type Attempt struct {
	t    *Throttle
	keys []string
	done bool
}

// Begin reserves an attempt on every key, before any secret is checked. When
// any key is throttled (its failures plus the attempts in flight reach a tier)
// it returns nil and how long to wait.
func (t *Throttle) Begin(keys ...string) (*Attempt, time.Duration) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var worst time.Duration
	for _, k := range keys {
		if w := t.waitLocked(k, now); w > worst {
			worst = w
		}
	}
	if worst > 0 {
		return nil, worst
	}
	if len(t.keys) >= maxThrottleKeys {
		t.evictLocked(now)
	}
	for _, k := range keys {
		st := t.keys[k]
		if st == nil {
			st = &keyState{}
			t.keys[k] = st
		}
		st.inFlight++
	}
	return &Attempt{t: t, keys: keys}, 0
}

// Wait is how long the keys are throttled now, without reserving an attempt
// (to tell that a failure has just locked a client out).
func (t *Throttle) Wait(keys ...string) time.Duration {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var worst time.Duration
	for _, k := range keys {
		worst = max(worst, t.waitLocked(k, now))
	}
	return worst
}

// waitLocked counts attempts in flight as failures happening now.
func (t *Throttle) waitLocked(key string, now time.Time) time.Duration {
	st := t.keys[key]
	if st == nil {
		return 0
	}
	t.prune(key, st, now)
	if len(st.fails)+st.inFlight == 0 {
		return 0
	}
	last := now
	if st.inFlight == 0 {
		last = st.fails[len(st.fails)-1]
	}
	for _, tr := range tiersOf(key) {
		n := st.inFlight
		for i := len(st.fails) - 1; i >= 0 && (tr.within == 0 || last.Sub(st.fails[i]) < tr.within); i-- {
			n++
		}
		if n >= tr.failures {
			if w := last.Add(tr.delay).Sub(now); w > 0 {
				return w
			}
			return 0
		}
	}
	return 0
}

func (t *Throttle) prune(key string, st *keyState, now time.Time) {
	i := 0
	for i < len(st.fails) && now.Sub(st.fails[i]) > ThrottleWindow {
		i++
	}
	st.fails = st.fails[i:]
	if len(st.fails) == 0 && st.inFlight == 0 {
		delete(t.keys, key)
	}
}

// Fail ends the attempt as a failed check on every key.
func (a *Attempt) Fail() {
	a.end(func(k string, st *keyState, now time.Time) {
		if len(st.fails) >= maxRemembered {
			st.fails = st.fails[1:]
		}
		st.fails = append(st.fails, now)
	})
}

// Succeed ends the attempt as a correct credential; the client's failures on
// that account (the pair key) are forgotten.
func (a *Attempt) Succeed() {
	a.end(func(k string, st *keyState, _ time.Time) {
		if strings.HasPrefix(k, pairPrefix) {
			st.fails = nil
		}
	})
}

// Abandon ends the attempt without a verdict: nothing was checked (the
// database could not answer, the client left while queued).
func (a *Attempt) Abandon() { a.end(nil) }

func (a *Attempt) end(f func(string, *keyState, time.Time)) {
	t := a.t
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if a.done {
		return
	}
	a.done = true
	for _, k := range a.keys {
		st := t.keys[k]
		if st == nil { // evicted meanwhile
			st = &keyState{inFlight: 1}
			t.keys[k] = st
		}
		st.inFlight--
		if f != nil {
			f(k, st, now)
		}
		t.prune(k, st, now)
	}
}

// evictLocked drops expired keys, then idle ones if still full; keys with
// attempts in flight stay, so a flood cannot erase its own reservations.
func (t *Throttle) evictLocked(now time.Time) {
	for k, st := range t.keys {
		t.prune(k, st, now)
	}
	for k, st := range t.keys {
		if len(t.keys) < maxThrottleKeys*9/10 {
			break
		}
		if st.inFlight == 0 {
			delete(t.keys, k)
		}
	}
}
