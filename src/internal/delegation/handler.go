package delegation

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"segue/internal/web"
	"strconv"
	"time"
)

// TokenPath is the token endpoint of the original design.
const TokenPath = "/external-api/v1/application/token"

// TokenHandler serves POST TokenPath.
func (s *Service) TokenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBytes)
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeOAuthError(w, &OAuthError{Status: http.StatusRequestEntityTooLarge, Code: "invalid_request", Description: "Request body too large"})
				return
			}
			writeOAuthError(w, errInvalidRequest("Could not read body"))
			return
		}
		req, oerr := ParseTokenRequest(r.Header.Get("Content-Type"), body, r.Header.Get("Authorization"))
		if oerr != nil {
			writeOAuthError(w, oerr)
			return
		}
		req.IP = web.Peer(r)
		resp, oerr := s.IssueToken(r.Context(), req)
		if oerr != nil {
			if oerr == errInvalidClient && r.Header.Get("Authorization") != "" {
				w.Header().Set("WWW-Authenticate", `Basic realm="Segue"`)
			}
			writeOAuthError(w, oerr)
			return
		}
		writeJSON(w, http.StatusOK, resp)
	})
}

func writeOAuthError(w http.ResponseWriter, e *OAuthError) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter/time.Second)+1))
	}
	writeJSON(w, e.Status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
