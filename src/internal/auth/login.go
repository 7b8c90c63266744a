package auth

import (
	"context"
	"errors"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/text"
)

// ErrBadCredentials is the one answer for unknown user, wrong password and
// disabled account, so none can be told apart.
var ErrBadCredentials = fail.New(fail.KindAuthFailed, "Invalid username or password")

// Login checks username/password credentials through the throttle.
type Login struct {
	users    *Users
	tokens   *Tokens
	hasher   *secrets.Hasher
	throttle *Throttle
	log      *logrus.Logger
}

// NewLogin builds the password login; every outcome is logged (never the password).
func NewLogin(users *Users, tokens *Tokens, hasher *secrets.Hasher, throttle *Throttle, log *logrus.Logger) *Login {
	return &Login{users: users, tokens: tokens, hasher: hasher, throttle: throttle, log: log}
}

func (l *Login) audit(username, ip, outcome string) {
	l.log.WithFields(logrus.Fields{"user": NormalizeUsername(username), "ip": ip, "method": "password", "outcome": outcome}).Info("login attempt")
}

// Check verifies credentials from peer (see PeerOf) and returns the user,
// without issuing a token. The attempt is reserved on the throttle before any
// hash runs, so guesses in flight count like failures.
func (l *Login) Check(ctx context.Context, username, password, peer string) (User, error) {
	att, wait := l.throttle.Begin(LoginKeys(username, peer)...)
	if att == nil {
		l.audit(text.Truncate(username, MaxUsernameChars), peer, "throttled")
		return User{}, fail.RateLimited(wait)
	}
	u, outcome, err := l.verify(ctx, username, password, peer)
	switch {
	case err == nil:
		att.Succeed()
	case outcome == "":
		att.Abandon() // nothing was checked
		return User{}, err
	default:
		att.Fail()
	}
	l.audit(text.Truncate(username, MaxUsernameChars), peer, outcome)
	return u, err
}

// verify compares the password; an empty outcome means nothing was compared.
func (l *Login) verify(ctx context.Context, username, password, peer string) (User, string, error) {
	if len(username) > 4*MaxUsernameChars || len(password) > MaxPasswordBytes || password == "" {
		if _, err := l.hasher.Verify(ctx, peer, password, ""); err != nil { // same work as a real check
			return User{}, "", hashError(err)
		}
		return User{}, "malformed", ErrBadCredentials
	}
	u, hash, err := l.users.PasswordHash(ctx, username)
	if err != nil && !fail.Is(err, fail.KindNotFound) {
		return User{}, "", err // database trouble: fail closed, not "wrong password"
	}
	ok, verr := l.hasher.Verify(ctx, peer, password, hash)
	if isNotComputed(verr) {
		return User{}, "", hashError(verr)
	}
	switch {
	case err != nil:
		return User{}, "unknown user", ErrBadCredentials
	case verr != nil || !ok:
		return User{}, "wrong password", ErrBadCredentials
	case !u.Enabled:
		return User{}, "account disabled", ErrBadCredentials
	}
	if l.hasher.NeedsRehash(hash) {
		_ = l.users.SetPasswordHashOnly(ctx, u.ID, password)
	}
	return u, "success", nil
}

// isNotComputed: the hash did not run (queue full, client gone).
func isNotComputed(err error) bool {
	return errors.Is(err, secrets.ErrQueueFull) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// hashError maps a hash that did not run: a full per-client queue is a
// throttle ("try later"); a client that left is no server error.
func hashError(err error) error {
	if errors.Is(err, secrets.ErrQueueFull) {
		return fail.RateLimited(time.Second)
	}
	return fail.Wrap(fail.KindUnavailable, err, "Service temporarily unavailable")
}

// Password checks credentials and issues a short-lived token named deviceName.
func (l *Login) Password(ctx context.Context, username, password, clientIP, deviceName string) (string, User, error) {
	u, err := l.Check(ctx, username, password, clientIP)
	if err != nil {
		return "", User{}, err
	}
	if deviceName == "" {
		deviceName = "Login - " + u.Username
	}
	tok, _, err := l.tokens.Issue(ctx, u, deviceName, false)
	if err != nil {
		return "", User{}, err
	}
	return tok, u, nil
}
