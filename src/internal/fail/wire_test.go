package fail

import (
	"errors"
	"strings"
	"testing"
)

func TestWireMapping(t *testing.T) {
	cases := []struct {
		err      error
		ma, http int
		subsonic int
	}{
		{Invalid("bad"), MAInvalidData, 400, SubsonicMissingParam},
		{NotFound("x"), MAInvalidData, 404, SubsonicNotFound},
		{Conflict("x"), MAInvalidData, 409, SubsonicGeneric},
		{New(KindUnauthenticated, "x"), MAAuthenticationRequired, 401, SubsonicWrongCredentials},
		{New(KindAuthFailed, "x"), MAAuthenticationFailed, 401, SubsonicWrongCredentials},
		{Forbidden("x"), MAInsufficientPermissions, 403, SubsonicNotAuthorized},
		{New(KindInvalidToken, "x"), MAInvalidToken, 401, SubsonicWrongCredentials},
		{RateLimited(3e9), MARateLimited, 429, SubsonicGeneric},
		{New(KindUnknownCommand, "x"), MAInvalidCommand, 400, SubsonicNotFound},
		{New(KindTooLarge, "x"), MAInvalidData, 413, SubsonicMissingParam},
		{Unavailable(errors.New("disk I/O error")), MAGeneric, 503, SubsonicGeneric},
		{errors.New("sql: no rows in result set"), MAGeneric, 500, SubsonicGeneric},
	}
	for _, c := range cases {
		ma, maMsg := MACode(c.err)
		status, httpMsg := HTTPStatus(c.err)
		sub, subMsg := SubsonicCode(c.err)
		if ma != c.ma || status != c.http || sub != c.subsonic {
			t.Errorf("%v: got MA %d HTTP %d Subsonic %d", c.err, ma, status, sub)
		}
		for _, msg := range []string{maMsg, httpMsg, subMsg} {
			if strings.Contains(msg, "sql") || strings.Contains(msg, "disk") {
				t.Errorf("internal error text reached a client: %q", msg)
			}
		}
	}
}
