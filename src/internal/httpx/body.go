package httpx

import (
	"errors"
	"io"
	"net/http"

	"segue/internal/fail"
)

// Body read refusals: too large is 413, anything else (a dropped or malformed
// stream) a plain 400 that says nothing of the cause.
var (
	ErrBodyTooLarge = fail.New(fail.KindTooLarge, "Request body too large")
	ErrBodyUnread   = fail.Invalid("Could not read body")
)

// ReadBody reads at most limit bytes of r's body.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, ErrBodyTooLarge
		}
		return nil, ErrBodyUnread
	}
	return body, nil
}
