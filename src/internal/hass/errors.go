package hass

import (
	"errors"
	"fmt"
)

// ErrAuthInvalid is matched (errors.Is) by the error of a websocket whose token HA refused.
var ErrAuthInvalid = errors.New("home assistant refused the access token")

// ErrConnectionLost is matched by calls that were in flight when the websocket closed.
var ErrConnectionLost = errors.New("home assistant websocket connection lost")

// ErrUnknownUser is returned by the role source for an id HA does not list.
var ErrUnknownUser = errors.New("home assistant user not found")

// ErrUserInactive is returned by the role source for a user HA has deactivated;
// such a user must lose ingress access.
var ErrUserInactive = errors.New("home assistant user is inactive")

// AuthError is the auth_invalid answer of the websocket auth phase.
type AuthError struct {
	Message string // HA's text, e.g. "Invalid access token or password"
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("home assistant websocket auth_invalid: %s", e.Message)
}

func (e *AuthError) Unwrap() error { return ErrAuthInvalid }

// Websocket error codes HA uses in result messages (websocket_api/const.py).
const (
	CodeIDReuse           = "id_reuse"
	CodeInvalidFormat     = "invalid_format"
	CodeNotAllowed        = "not_allowed"
	CodeNotFound          = "not_found"
	CodeNotSupported      = "not_supported"
	CodeHomeAssistant     = "home_assistant_error"
	CodeUnknownCommand    = "unknown_command"
	CodeUnknownError      = "unknown_error"
	CodeUnauthorized      = "unauthorized"
	CodeTimeout           = "timeout"
	CodeNotLoggedIn       = "not_logged_in" // cloud commands when HA Cloud is logged out
	CodeServiceValidation = "service_validation_error"
)

// CommandError is a result message with success=false.
type CommandError struct {
	Command string `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("home assistant command %q failed: %s: %s", e.Command, e.Code, e.Message)
}

// IsCommandError reports whether err is a CommandError with the given code.
func IsCommandError(err error, code string) bool {
	var ce *CommandError
	return errors.As(err, &ce) && ce.Code == code
}

// SupervisorError is a non-ok answer of the Supervisor REST API.
type SupervisorError struct {
	Path    string
	Status  int
	Message string // the envelope's message, or the bare body of a middleware denial
}

func (e *SupervisorError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("supervisor %s: HTTP %d", e.Path, e.Status)
	}
	return fmt.Sprintf("supervisor %s: HTTP %d: %s", e.Path, e.Status, e.Message)
}
