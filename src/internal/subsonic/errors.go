package subsonic

import "segue/internal/fail"

// Error is a Subsonic protocol answer with status="failed". Messages are fixed
// texts: nothing from internal errors reaches the wire.
type Error struct {
	Code    int    `xml:"code,attr" json:"code"`
	Message string `xml:"message,attr" json:"message"`
	HelpURL string `xml:"helpUrl,attr,omitempty" json:"helpUrl,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// The protocol errors this edge produces itself.
var (
	errWrongCredentials = &Error{Code: fail.SubsonicWrongCredentials, Message: "Wrong username or password"}
	errConflictingAuth  = &Error{Code: fail.SubsonicConflictingAuth, Message: "Multiple conflicting authentication mechanisms provided"}
	errInvalidAPIKey    = &Error{Code: fail.SubsonicInvalidAPIKey, Message: "Invalid API key"}
	errNotFound         = &Error{Code: fail.SubsonicNotFound, Message: "The requested data was not found"}
	errNotAuthorized    = &Error{Code: fail.SubsonicNotAuthorized, Message: "User is not authorized for the given operation"}
	errMalformed        = &Error{Code: fail.SubsonicGeneric, Message: "Malformed request parameters"}
	errTooLarge         = &Error{Code: fail.SubsonicGeneric, Message: "Request too large"}
	errUnavailable      = &Error{Code: fail.SubsonicGeneric, Message: "Service temporarily unavailable"}
)

func errMissing(param string) *Error {
	return &Error{Code: fail.SubsonicMissingParam, Message: "Required parameter is missing: " + param}
}

// fromDomain maps a domain error through fail.SubsonicCode, the one mapping table.
func fromDomain(err error) *Error {
	code, msg := fail.SubsonicCode(err)
	return &Error{Code: code, Message: msg}
}
