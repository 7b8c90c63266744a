package delegation

import (
	"net/http"
	"segue/internal/httpx"
)

// TokenPath is the token endpoint of the original design.
const TokenPath = "/external-api/v1/application/token"

// TokenHandler serves POST TokenPath.
func (s *Service) TokenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		body, err := httpx.ReadBody(w, r, MaxRequestBytes)
		if err != nil {
			if err == httpx.ErrBodyTooLarge {
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
		req.IP = httpx.Peer(r)
		resp, oerr := s.IssueToken(r.Context(), req)
		if oerr != nil {
			if oerr == errInvalidClient && r.Header.Get("Authorization") != "" {
				w.Header().Set("WWW-Authenticate", `Basic realm="Segue"`)
			}
			writeOAuthError(w, oerr)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, resp)
	})
}

func writeOAuthError(w http.ResponseWriter, e *OAuthError) {
	if e.RetryAfter > 0 {
		httpx.SetRetryAfter(w, e.RetryAfter)
	}
	httpx.WriteJSON(w, e.Status, e)
}
