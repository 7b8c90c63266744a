// Package devicelogin is the login flow for clients that cannot receive a
// redirect (RFC 8628 device authorization semantics). The client gets a secret
// device code (its session id) and a short user code; the user opens the
// verification page in any browser, signs in there, sees which client asked
// and confirms; the client's poll then receives a session token exactly once.
//
// Pending logins live in memory only (bounded): a restart drops them and the
// client simply starts again.
package devicelogin

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/httpx"
	"segue/internal/secrets"
)

// Flow parameters.
const (
	TTL             = 10 * time.Minute
	DefaultInterval = 5 * time.Second
	slowDownStep    = 5 * time.Second
	maxInterval     = 60 * time.Second
	MaxPending      = 1000
	MaxPendingPerIP = 20
	// MaxPendingPerNetwork bounds a client's neighbours together (an IPv4 /24,
	// an IPv6 /64), so many addresses of one network cannot fill the table.
	MaxPendingPerNetwork = 50
	maxClientName        = 100
	// PagePath is the verification page (relative to the server root; stable, the web UI links to it).
	PagePath = "device"
)

// TokenIssuer mints the session token handed to the client (auth.Tokens).
type TokenIssuer interface {
	Issue(ctx context.Context, u auth.User, name string, longLived bool) (string, auth.TokenInfo, error)
}

// Deps are what the service needs.
type Deps struct {
	Clock    clock.Clock
	Random   *secrets.Random
	Users    *auth.Users
	Tokens   TokenIssuer
	Throttle *auth.Throttle
	Log      *logrus.Logger
	// Principals authenticates the browser on the approval endpoints: the
	// ingress user or a bearer token; (nil, nil) without credentials.
	Principals *httpx.Resolver
	// ProviderURL answers auth/authorization_url for redirect logins (Sign in
	// with Home Assistant); nil gives MA's "no such provider" answer.
	ProviderURL ProviderURLFunc
	// ExternalURL is the configured external origin, preferred for verification URLs.
	ExternalURL string
}

type state int

const (
	statePending state = iota
	stateApproved
	stateDenied
	stateDelivering
	stateDelivered
)

// pending is one login in progress. The device code is kept only as its hash.
type pending struct {
	deviceHash string
	userCode   string
	client     string
	ip         string
	peer       string // the client as throttles name it
	network    string // its IPv4 /24 or IPv6 /64
	created    time.Time
	expires    time.Time
	interval   time.Duration
	lastPoll   time.Time
	state      state
	approver   string
}

// Service holds the pending logins.
type Service struct {
	d Deps

	mu       sync.Mutex
	byDevice map[string]*pending // sha256(device code) → login
	byUser   map[string]*pending // normalised user code → login
}

// New builds an empty service.
func New(d Deps) *Service {
	if d.ProviderURL == nil {
		d.ProviderURL = DefaultProviderURL
	}
	return &Service{d: d, byDevice: map[string]*pending{}, byUser: map[string]*pending{}}
}

// Started is what the client receives when it starts a login.
type Started struct {
	DeviceCode string
	UserCode   string // normalised, 8 characters
	ExpiresIn  time.Duration
	Interval   time.Duration
}

// Start opens a login for a client: name as it introduced itself, ip its
// address (shown to the approver), peer the client as the throttles name it
// (httpx.Peer; "" means ip). Each client and each network (IPv4 /24, IPv6 /64)
// may hold only so many unconfirmed logins; when the table is full the oldest
// unconfirmed login makes room, so a flood from many networks cannot lock
// everyone else out.
func (s *Service) Start(client, ip, peer string) (Started, error) {
	now := s.d.Clock.Now()
	client = cleanClientName(client)
	if peer == "" {
		peer = auth.PeerOf(ip)
	}
	network := networkOf(peer)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(now)
	perPeer, perNetwork := 0, 0
	var oldest *pending
	for _, p := range s.byDevice {
		if p.state != statePending {
			continue
		}
		if p.peer == peer {
			perPeer++
		}
		if p.network == network {
			perNetwork++
		}
		if oldest == nil || p.created.Before(oldest.created) {
			oldest = p
		}
	}
	if perPeer >= MaxPendingPerIP || perNetwork >= MaxPendingPerNetwork {
		return Started{}, fail.RateLimited(DefaultInterval)
	}
	if len(s.byDevice) >= MaxPending {
		if oldest == nil { // every login is approved and waits for its poll
			return Started{}, fail.Unavailable(errTooMany)
		}
		s.removeLocked(oldest)
		s.d.Log.WithFields(logrus.Fields{"client": oldest.client, "ip": oldest.ip}).Warn("device login table full: the oldest unconfirmed login was dropped")
	}
	device := s.d.Random.Token(32)
	var user string
	for {
		user = s.d.Random.FromAlphabet(UserCodeLength, UserCodeAlphabet)
		if s.byUser[user] == nil {
			break
		}
	}
	p := &pending{deviceHash: secrets.SHA256Hex(device), userCode: user, client: client, ip: ip, peer: peer, network: network,
		created: now, expires: now.Add(TTL), interval: DefaultInterval}
	s.byDevice[p.deviceHash], s.byUser[user] = p, p
	s.d.Log.WithFields(logrus.Fields{"client": client, "ip": ip}).Info("device login started")
	return Started{DeviceCode: device, UserCode: user, ExpiresIn: TTL, Interval: DefaultInterval}, nil
}

// networkOf names the network a client belongs to: an IPv4 address's /24, an
// IPv6 /64 (peers already are), the same under a channel tag ("webrtc/…");
// anything else (an HA user through ingress) is its own network.
func networkOf(peer string) string {
	if tag, rest, ok := strings.Cut(peer, "/"); ok {
		if _, err := netip.ParseAddr(rest); err == nil {
			return tag + "/" + networkOf(rest)
		}
	}
	if ip, err := netip.ParseAddr(peer); err == nil {
		bits := 64
		if ip.Unmap().Is4() {
			bits = 24
		}
		if p, err := ip.Unmap().WithZone("").Prefix(bits); err == nil {
			return p.String()
		}
	}
	return peer
}

type errString string

func (e errString) Error() string { return string(e) }

const errTooMany = errString("too many pending device logins")

// pruneLocked forgets logins past their expiry (delivered ones included).
func (s *Service) pruneLocked(now time.Time) {
	for _, p := range s.byDevice {
		if now.After(p.expires) {
			s.removeLocked(p)
		}
	}
}

func (s *Service) removeLocked(p *pending) {
	delete(s.byDevice, p.deviceHash)
	if s.byUser[p.userCode] == p {
		delete(s.byUser, p.userCode)
	}
}

// PollResult is the outcome of one poll.
type PollResult int

const (
	Pending PollResult = iota
	SlowDown
	Completed
	Denied
	Expired // expired, or already delivered
	Unknown // never existed (or long gone)
)

// Poll is the client asking whether the user confirmed. The token comes back
// exactly once; polling faster than the interval slows the client down.
func (s *Service) Poll(ctx context.Context, deviceCode, ip string) (PollResult, string, time.Duration, error) {
	att, wait := s.d.Throttle.Begin("device-poll:" + ip)
	if att == nil {
		return 0, "", 0, fail.RateLimited(wait)
	}
	now := s.d.Clock.Now()
	if deviceCode == "" || len(deviceCode) > 128 {
		att.Fail()
		return Unknown, "", 0, nil
	}
	s.mu.Lock()
	p := s.byDevice[secrets.SHA256Hex(deviceCode)]
	if p == nil {
		s.mu.Unlock()
		att.Fail()
		return Unknown, "", 0, nil
	}
	att.Succeed() // a real device code: the rest is rate, not guessing
	if now.After(p.expires) {
		s.removeLocked(p)
		s.mu.Unlock()
		return Expired, "", 0, nil
	}
	if p.state == stateDelivered || p.state == stateDelivering {
		s.mu.Unlock()
		return Expired, "", 0, nil
	}
	if !p.lastPoll.IsZero() && now.Sub(p.lastPoll) < p.interval {
		p.lastPoll = now
		p.interval = min(p.interval+slowDownStep, maxInterval)
		iv := p.interval
		s.mu.Unlock()
		return SlowDown, "", iv, nil
	}
	p.lastPoll = now
	switch p.state {
	case statePending:
		iv := p.interval
		s.mu.Unlock()
		return Pending, "", iv, nil
	case stateDenied:
		s.removeLocked(p)
		s.mu.Unlock()
		return Denied, "", 0, nil
	}
	// Approved: claim delivery under the lock, so two concurrent polls cannot both win.
	p.state = stateDelivering
	approver, client := p.approver, p.client
	s.mu.Unlock()

	tok, err := s.issue(ctx, approver, client)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if fail.Is(err, fail.KindUnavailable) || fail.Is(err, fail.KindInternal) {
			p.state = stateApproved // the database hiccupped: let the client try again
			return 0, "", 0, err
		}
		s.removeLocked(p)
		return Denied, "", 0, nil
	}
	p.state = stateDelivered
	s.d.Log.WithFields(logrus.Fields{"client": client, "user": approver, "ip": ip}).Info("device login completed")
	return Completed, tok, 0, nil
}

// issue mints a short-lived session token for the approving user, if still active.
func (s *Service) issue(ctx context.Context, userID, client string) (string, error) {
	u, err := s.d.Users.Get(ctx, userID)
	if err != nil {
		if fail.Is(err, fail.KindNotFound) {
			return "", fail.Forbidden("user gone")
		}
		return "", err
	}
	if !u.Enabled {
		return "", fail.Forbidden("user disabled")
	}
	tok, _, err := s.d.Tokens.Issue(ctx, u, "Device login - "+client, false)
	return tok, err
}

// Request is what the approval page shows about a pending login.
type Request struct {
	UserCode  string    `json:"user_code"`
	Client    string    `json:"client_name"`
	IP        string    `json:"ip"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ErrBadCode is the one answer for a mistyped, unknown or expired user code.
var ErrBadCode = fail.Invalid("That code is not valid or has expired. Check the code shown on your device.")

// find resolves a typed user code for the approval page, counting wrong
// entries per IP (checklist 39).
func (s *Service) find(code, ip string) (*pending, error) {
	now := s.d.Clock.Now()
	key := auth.UserCodeKey(auth.PeerOf(ip))
	att, wait := s.d.Throttle.Begin(key)
	if att == nil {
		return nil, fail.RateLimited(wait)
	}
	norm, ok := NormalizeUserCode(code)
	s.mu.Lock()
	var p *pending
	if ok {
		p = s.byUser[norm]
	}
	if p != nil && now.After(p.expires) {
		s.removeLocked(p)
		p = nil
	}
	s.mu.Unlock()
	if p == nil {
		att.Fail()
		if s.d.Throttle.Wait(key) > 0 {
			s.d.Log.WithField("ip", ip).Warn("device login: too many wrong user codes, locked out")
		}
		return nil, ErrBadCode
	}
	att.Succeed()
	return p, nil
}

// Lookup shows who is asking, before the user decides.
func (s *Service) Lookup(code, ip string) (Request, error) {
	p, err := s.find(code, ip)
	if err != nil {
		return Request{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.state != statePending {
		return Request{}, fail.Conflict("This sign-in request was already answered.")
	}
	return Request{UserCode: FormatUserCode(p.userCode), Client: p.client, IP: p.ip, CreatedAt: p.created.UTC(), ExpiresAt: p.expires.UTC()}, nil
}

// Decide records the signed-in user's answer. Only people decide: delegated
// and Subsonic principals, and the HA system user, are refused.
func (s *Service) Decide(code string, approve bool, by *auth.Principal, ip string) error {
	if by == nil {
		return fail.New(fail.KindUnauthenticated, "Sign in first")
	}
	if by.Method == auth.MethodDelegated || by.Method == auth.MethodSubsonic || by.User.Username == auth.SystemUsername || !by.User.Enabled {
		return fail.Forbidden("This account cannot approve sign-ins")
	}
	p, err := s.find(code, ip)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.state != statePending {
		return fail.Conflict("This sign-in request was already answered.")
	}
	if approve {
		p.state, p.approver = stateApproved, by.User.ID
	} else {
		p.state = stateDenied
	}
	s.d.Log.WithFields(logrus.Fields{"client": p.client, "client_ip": p.ip, "user": by.User.ID, "approved": approve}).Info("device login answered")
	return nil
}

// cleanClientName keeps a client's self-description short and printable.
func cleanClientName(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if n >= maxClientName {
			break
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		b.WriteRune(r)
		n++
	}
	if b.Len() == 0 {
		return "Unnamed device"
	}
	return b.String()
}
