package subsonic

import (
	"context"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"sync"
	"unicode/utf8"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/apppass"
	"segue/internal/auth"
	"segue/internal/fail"
)

// Credential limits (checklist 49): t is an md5 in hex, s is 1–64 characters.
const (
	tokenHexLen   = 32
	maxSaltChars  = 64
	maxSaltBytes  = 4 * maxSaltChars
	maxAPIKeySize = 2048
	// maxLongLivedCache bounds the remembered long-lived flags of API keys.
	maxLongLivedCache = 4096
)

// AuthDeps are what the authenticator needs.
type AuthDeps struct {
	Passwords *apppass.Service
	// Tokens is the app's token chain (session and other token kinds), for apiKey.
	Tokens api.TokenAuthenticator
	// LongLived reports whether a token row is long-lived (read from the database, not from claims).
	LongLived func(ctx context.Context, tokenID string) (bool, error)
	Throttle  *auth.Throttle
	Log       *logrus.Logger
}

// Authenticator turns Subsonic credentials into a principal.
type Authenticator struct {
	d AuthDeps
	// dummySecret stands in for the missing secret of an unknown user, so the
	// comparison runs all the same and an empty secret can never match.
	dummySecret string

	mu        sync.Mutex
	longLived map[string]bool // token id -> long-lived (immutable per row)
}

// NewAuthenticator builds the authenticator.
func NewAuthenticator(d AuthDeps) *Authenticator {
	return &Authenticator{d: d, dummySecret: "segue-no-such-user-\x00", longLived: map[string]bool{}}
}

// mechanism names an authentication path in logs.
type mechanism string

const (
	mechToken    mechanism = "token"
	mechPassword mechanism = "password"
	mechAPIKey   mechanism = "apikey"
)

// Authenticate applies the mechanism matrix (checklist 46) and returns the
// principal or the Subsonic error to answer.
func (a *Authenticator) Authenticate(ctx context.Context, p *Params, ip string) (*auth.Principal, *Error) {
	hasU, hasP, hasT, hasS, hasKey := p.U != "", p.P != "", p.T != "", p.S != "", p.APIKey != ""
	switch {
	case hasKey && (hasU || hasP || hasT || hasS):
		return nil, errConflictingAuth
	case hasKey:
		return a.apiKey(ctx, p, ip)
	case hasP && (hasT || hasS):
		return nil, errConflictingAuth
	case !hasU:
		return nil, errMissing("u")
	case hasP:
		return a.secret(ctx, p, ip, mechPassword)
	case hasT && hasS:
		return a.secret(ctx, p, ip, mechToken)
	case hasT:
		return nil, errMissing("s")
	case hasS:
		return nil, errMissing("t")
	default:
		return nil, errMissing("p or t and s")
	}
}

// secret checks u with p or t+s against the user's app-password. The attempt
// is reserved before anything is compared, as for a login.
func (a *Authenticator) secret(ctx context.Context, p *Params, ip string, mech mechanism) (*auth.Principal, *Error) {
	att, wait := a.d.Throttle.Begin(auth.LoginKeys(p.U, ip)...)
	if att == nil {
		a.logFailure(mech, ip, p, "", "throttled")
		return nil, fromDomain(fail.RateLimited(wait))
	}
	pr, serr := a.checkSecret(ctx, p, ip, mech)
	switch {
	case serr == nil:
		att.Succeed()
	case serr == errUnavailable:
		att.Abandon()
	default:
		att.Fail()
	}
	return pr, serr
}

func (a *Authenticator) checkSecret(ctx context.Context, p *Params, ip string, mech mechanism) (*auth.Principal, *Error) {
	// Shape checks first: they depend only on the request, not on the user.
	var password, token string
	if mech == mechPassword {
		pw, err := DecodePassword(p.P)
		if err != nil {
			return a.fail(mech, ip, p, "", "malformed p")
		}
		password = pw
	} else {
		if !validToken(p.T) || !validSalt(p.S) {
			return a.fail(mech, ip, p, "", "malformed t or s")
		}
		token = lowerHex(p.T)
	}
	u, secret, found, err := a.d.Passwords.Lookup(ctx, p.U)
	if err != nil {
		if errors.Is(err, apppass.ErrUndecryptable) {
			a.d.Log.WithError(err).Error("a stored Subsonic app-password does not decrypt (tampered or moved row); rotate it")
			return a.fail(mech, ip, p, "", "undecryptable")
		}
		if ctx.Err() != nil {
			// The client went away (or the server is stopping) mid-lookup:
			// nothing is wrong with the database.
			a.d.Log.WithError(err).Debug("subsonic authentication: request ended before the app-password lookup")
		} else {
			a.d.Log.WithError(err).Warn("subsonic authentication: database unavailable")
		}
		return nil, errUnavailable // fail closed, and not counted as a wrong password
	}
	if !found {
		secret = a.dummySecret
	}
	var match bool
	if mech == mechPassword {
		match = subtle.ConstantTimeCompare([]byte(password), []byte(secret)) == 1
	} else {
		sum := md5.Sum([]byte(secret + p.S))
		var want [tokenHexLen]byte
		hex.Encode(want[:], sum[:])
		match = subtle.ConstantTimeCompare(want[:], []byte(token)) == 1
	}
	switch {
	case !found:
		return a.fail(mech, ip, p, "", "unknown user or no app-password")
	case !match:
		return a.fail(mech, ip, p, u.Username, "wrong app-password")
	case !u.Enabled:
		return a.fail(mech, ip, p, u.Username, "account disabled")
	}
	if a.d.Log.IsLevelEnabled(logrus.DebugLevel) {
		a.d.Log.WithFields(logrus.Fields{"method": string(mech), "user": u.Username, "ip": ip}).Debug("subsonic authentication succeeded")
	}
	return &auth.Principal{User: u, Scopes: auth.RoleScopes(u.Role), Channel: auth.ChannelDirect, Method: auth.MethodSubsonic}, nil
}

// fail logs a refused credential; the caller counts it on the throttle.
func (a *Authenticator) fail(mech mechanism, ip string, p *Params, knownUser, reason string) (*auth.Principal, *Error) {
	a.logFailure(mech, ip, p, knownUser, reason)
	return nil, errWrongCredentials
}

// logFailure records an auth event. The attempted name is logged only when it
// is a real account: an unknown "name" is often a password typed in the wrong
// field. p, t, s and apiKey are never logged.
func (a *Authenticator) logFailure(mech mechanism, ip string, p *Params, knownUser, reason string) {
	f := logrus.Fields{"method": string(mech), "ip": ip, "reason": reason, "client": clip(p.Client, 64)}
	if knownUser != "" {
		f["user"] = knownUser
	}
	a.d.Log.WithFields(f).Info("subsonic authentication failed")
}

// apiKey authenticates an OpenSubsonic API key: a long-lived Segue token,
// checked through the app's token chain (revocation, expiry, disabled user).
func (a *Authenticator) apiKey(ctx context.Context, p *Params, ip string) (*auth.Principal, *Error) {
	att, wait := a.d.Throttle.Begin(auth.PeerKey(ip))
	if att == nil {
		a.logFailure(mechAPIKey, ip, p, "", "throttled")
		return nil, fromDomain(fail.RateLimited(wait))
	}
	pr, serr := a.checkAPIKey(ctx, p, ip)
	switch {
	case serr == nil:
		att.Succeed()
	case serr == errUnavailable:
		att.Abandon()
	default:
		att.Fail()
	}
	return pr, serr
}

func (a *Authenticator) checkAPIKey(ctx context.Context, p *Params, ip string) (*auth.Principal, *Error) {
	bad := func(reason, user string) (*auth.Principal, *Error) {
		a.logFailure(mechAPIKey, ip, p, user, reason)
		return nil, errInvalidAPIKey
	}
	if len(p.APIKey) > maxAPIKeySize {
		return bad("oversized key", "")
	}
	pr, err := a.d.Tokens.Authenticate(ctx, p.APIKey)
	if fail.Is(err, fail.KindUnavailable) {
		return nil, errUnavailable
	}
	if err != nil {
		return bad("invalid token", "")
	}
	if pr.Method != auth.MethodToken || pr.TokenID == "" {
		return bad("not a session token", pr.User.Username)
	}
	long, err := a.isLongLived(ctx, pr.TokenID)
	if err != nil {
		return nil, errUnavailable
	}
	if !long {
		return bad("not a long-lived token", pr.User.Username)
	}
	pc := *pr
	pc.Channel, pc.Method = auth.ChannelDirect, auth.MethodSubsonic
	return &pc, nil
}

func (a *Authenticator) isLongLived(ctx context.Context, tokenID string) (bool, error) {
	a.mu.Lock()
	v, ok := a.longLived[tokenID]
	a.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := a.d.LongLived(ctx, tokenID)
	if fail.Is(err, fail.KindNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	a.mu.Lock()
	if len(a.longLived) >= maxLongLivedCache {
		clear(a.longLived)
	}
	a.longLived[tokenID] = v
	a.mu.Unlock()
	return v, nil
}

// validToken: exactly 32 hex digits (either case; compared lower-cased).
func validToken(t string) bool {
	if len(t) != tokenHexLen {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// validSalt: 1–64 characters of valid UTF-8; any characters (the npm client uses base64url).
func validSalt(s string) bool {
	return s != "" && len(s) <= maxSaltBytes && utf8.ValidString(s) && utf8.RuneCountInString(s) <= maxSaltChars
}

func lowerHex(t string) string {
	for i := 0; i < len(t); i++ {
		if t[i] >= 'A' && t[i] <= 'F' {
			b := []byte(t)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return t
}

func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	if !utf8.ValidString(s) {
		return "(invalid)"
	}
	return s
}
