package fail

import "net/http"

// MA error codes (music_assistant_models/errors.py).
const (
	MAInvalidData             = 3
	MALoginFailed             = 6
	MAInvalidCommand          = 12
	MAAuthenticationRequired  = 20
	MAAuthenticationFailed    = 21
	MAInsufficientPermissions = 22
	MAInvalidToken            = 23
	MARateLimited             = 25
	MAGeneric                 = 999
	MASetupRequired           = 503
)

// Subsonic error codes.
const (
	SubsonicGeneric          = 0
	SubsonicMissingParam     = 10
	SubsonicClientTooOld     = 20
	SubsonicServerTooOld     = 30
	SubsonicWrongCredentials = 40
	SubsonicTokenUnsupported = 41
	SubsonicAuthUnsupported  = 42
	SubsonicConflictingAuth  = 43
	SubsonicInvalidAPIKey    = 44
	SubsonicNotAuthorized    = 50
	SubsonicNotFound         = 70
)

// MACode maps an error to the MA wire error code and the client-safe details.
func MACode(err error) (int, string) {
	e := As(err)
	switch e.Kind {
	case KindInvalid, KindNotFound, KindConflict, KindTooLarge:
		return MAInvalidData, e.Msg
	case KindUnauthenticated:
		return MAAuthenticationRequired, e.Msg
	case KindAuthFailed:
		return MAAuthenticationFailed, e.Msg
	case KindForbidden:
		return MAInsufficientPermissions, e.Msg
	case KindInvalidToken:
		return MAInvalidToken, e.Msg
	case KindRateLimited:
		return MARateLimited, e.Msg
	case KindUnknownCommand:
		return MAInvalidCommand, e.Msg
	case KindSetupRequired:
		return MASetupRequired, e.Msg
	case KindUnavailable:
		return MAGeneric, e.Msg
	default:
		return MAGeneric, "Internal server error"
	}
}

// HTTPStatus maps an error to an HTTP status and a client-safe message.
func HTTPStatus(err error) (int, string) {
	e := As(err)
	switch e.Kind {
	case KindInvalid, KindUnknownCommand:
		return http.StatusBadRequest, e.Msg
	case KindTooLarge:
		return http.StatusRequestEntityTooLarge, e.Msg
	case KindNotFound:
		return http.StatusNotFound, e.Msg
	case KindConflict:
		return http.StatusConflict, e.Msg
	case KindUnauthenticated, KindAuthFailed, KindInvalidToken:
		return http.StatusUnauthorized, e.Msg
	case KindForbidden:
		return http.StatusForbidden, e.Msg
	case KindRateLimited:
		return http.StatusTooManyRequests, e.Msg
	case KindUnavailable, KindSetupRequired:
		return http.StatusServiceUnavailable, e.Msg
	default:
		return http.StatusInternalServerError, "Internal server error"
	}
}

// SubsonicCode maps an error to a Subsonic error code and message.
func SubsonicCode(err error) (int, string) {
	e := As(err)
	switch e.Kind {
	case KindInvalid, KindTooLarge:
		return SubsonicMissingParam, e.Msg
	case KindUnauthenticated, KindAuthFailed, KindInvalidToken:
		return SubsonicWrongCredentials, "Wrong username or password"
	case KindRateLimited:
		// Not 40: clients treat 40 as "the saved password is wrong" and drop or
		// re-prompt it. 0 is the generic error they show and retry later.
		return SubsonicGeneric, "Too many failed attempts; try again later"
	case KindForbidden:
		return SubsonicNotAuthorized, e.Msg
	case KindNotFound, KindUnknownCommand:
		return SubsonicNotFound, e.Msg
	default:
		return SubsonicGeneric, "Internal server error"
	}
}
