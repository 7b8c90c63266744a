package auth

import (
	"context"

	"github.com/sirupsen/logrus"

	"segue/internal/fail"
	"segue/internal/secrets"
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

// Check verifies credentials and returns the user, without issuing a token.
func (l *Login) Check(ctx context.Context, username, password, clientIP string) (User, error) {
	keys := []string{UserKey(username), IPKey(clientIP)}
	if w := l.throttle.Wait(keys...); w > 0 {
		l.audit(username, clientIP, "throttled")
		return User{}, fail.RateLimited(w)
	}
	if len(username) > 4*MaxUsernameChars || len(password) > MaxPasswordBytes || password == "" {
		_, _ = l.hasher.Verify(ctx, password, "") // same work as a real check
		l.throttle.Fail(keys...)
		l.audit(truncateName(username), clientIP, "malformed")
		return User{}, ErrBadCredentials
	}
	u, hash, err := l.users.PasswordHash(ctx, username)
	if err != nil && !fail.Is(err, fail.KindNotFound) {
		return User{}, err // database trouble: fail closed, not "wrong password"
	}
	ok, verr := l.hasher.Verify(ctx, password, hash)
	if verr != nil && ctx.Err() != nil {
		return User{}, fail.Unavailable(verr)
	}
	if err != nil || verr != nil || !ok || !u.Enabled {
		l.throttle.Fail(keys...)
		outcome := "wrong password"
		switch {
		case err != nil:
			outcome = "unknown user"
		case ok && !u.Enabled:
			outcome = "account disabled"
		}
		l.audit(username, clientIP, outcome)
		return User{}, ErrBadCredentials
	}
	l.throttle.Reset(UserKey(username))
	l.audit(username, clientIP, "success")
	if l.hasher.NeedsRehash(hash) {
		_ = l.users.SetPasswordHashOnly(ctx, u.ID, password)
	}
	return u, nil
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

func truncateName(s string) string {
	if len(s) > MaxUsernameChars {
		return s[:MaxUsernameChars]
	}
	return s
}
