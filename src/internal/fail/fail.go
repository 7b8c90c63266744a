// Package fail holds the domain error kinds every layer returns and the one
// place that maps them to wire codes (MA error codes, HTTP status, Subsonic codes).
package fail

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind classifies a domain error. Transports never look at error text, only at the kind.
type Kind int

const (
	KindInternal        Kind = iota // anything unexpected; never shown to clients
	KindInvalid                     // bad input (MA 3, HTTP 400)
	KindNotFound                    // a named thing does not exist (MA 3, HTTP 404)
	KindConflict                    // unique constraint, already done (MA 3, HTTP 409)
	KindUnauthenticated             // no credentials (MA 20, HTTP 401)
	KindAuthFailed                  // credentials wrong (MA 21, HTTP 401)
	KindForbidden                   // authenticated but lacking scope (MA 22, HTTP 403)
	KindInvalidToken                // token unknown, expired, revoked (MA 23, HTTP 401)
	KindRateLimited                 // throttled (MA 25, HTTP 429)
	KindUnavailable                 // database or dependency cannot answer (MA 999, HTTP 503)
	KindUnknownCommand              // MA 12
	KindSetupRequired               // no users yet (MA 503, HTTP 503)
	KindTooLarge                    // request body over its limit (MA 3, HTTP 413)
)

// Error is a domain error with a client-safe message.
type Error struct {
	Kind Kind
	// Msg is safe to show to a client.
	Msg string
	// RetryAfter is set for KindRateLimited.
	RetryAfter time.Duration
	// Cause is for logs only.
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Msg + ": " + e.Cause.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Cause }

// New makes an error of the given kind with a client-safe message.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Wrap keeps cause for the logs and shows msg to clients.
func Wrap(kind Kind, cause error, msg string) *Error {
	return &Error{Kind: kind, Msg: msg, Cause: cause}
}

func Invalid(format string, args ...any) *Error   { return New(KindInvalid, format, args...) }
func NotFound(format string, args ...any) *Error  { return New(KindNotFound, format, args...) }
func Conflict(format string, args ...any) *Error  { return New(KindConflict, format, args...) }
func Forbidden(format string, args ...any) *Error { return New(KindForbidden, format, args...) }

// Unavailable reports that a dependency (usually the database) could not answer; callers fail closed.
func Unavailable(cause error) *Error {
	return &Error{Kind: KindUnavailable, Msg: "Service temporarily unavailable", Cause: cause}
}

// Internal hides cause from clients.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Msg: "Internal server error", Cause: cause}
}

// RateLimited carries the remaining wait.
func RateLimited(wait time.Duration) *Error {
	secs := int(wait / time.Second)
	if secs < 1 {
		secs = 1
	}
	return &Error{Kind: KindRateLimited, RetryAfter: wait,
		Msg: fmt.Sprintf("Too many failed attempts. Please try again in %d seconds.", secs)}
}

// As returns the domain error inside err, or an internal error wrapping it.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// KindOf returns the kind of err (KindInternal for foreign errors).
func KindOf(err error) Kind { return As(err).Kind }

// ClientGone reports whether err only says that the client left before the
// work was done (its request or connection context was cancelled, e.g. a hang-up
// while waiting for a password-hash slot): nothing failed on the server's side,
// so it is no error for the logs.
func ClientGone(err error) bool { return errors.Is(err, context.Canceled) }

// Is reports whether err is a domain error of kind k.
func Is(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}
