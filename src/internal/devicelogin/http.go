package devicelogin

import (
	_ "embed"
	"net/http"
	"time"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/httpx"
)

// DeviceCodeGrant is RFC 8628's grant type.
const DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

//go:embed page/device.html
var devicePage []byte

// routes lists the HTTP endpoints with their handlers (Go 1.22 patterns).
func (s *Service) routes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /" + PagePath:           s.page,
		"POST /auth/device/code":     s.deviceCode,
		"OPTIONS /auth/device/code":  preflight,
		"POST /auth/device/token":    s.deviceToken,
		"OPTIONS /auth/device/token": preflight,
		"POST /auth/device/lookup":   s.lookup,
		"POST /auth/device/approve":  s.approve,
	}
}

// The client endpoints carry no cookies and no ambient credentials, so any
// origin may call them (a browser-based client on another origin, too).
func cors(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
}

func preflight(w http.ResponseWriter, r *http.Request) {
	cors(w)
	w.WriteHeader(http.StatusNoContent)
}

type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	Interval    int    `json:"interval,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, status, v)
}

// readParams reads a bounded body; ok false means the answer was written.
func readParams(w http.ResponseWriter, r *http.Request, allowed ...string) (map[string]string, bool) {
	body, err := httpx.ReadBody(w, r, MaxRequestBytes)
	if err != nil {
		if err == httpx.ErrBodyTooLarge {
			writeJSON(w, http.StatusRequestEntityTooLarge, oauthError{Code: "invalid_request", Description: "Request body too large"})
			return nil, false
		}
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "invalid_request", Description: "Could not read body"})
		return nil, false
	}
	params, ok := ParseParams(r.Header.Get("Content-Type"), body, allowed...)
	if !ok {
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "invalid_request", Description: "Malformed request"})
		return nil, false
	}
	return params, true
}

// writeFail answers a domain error as an OAuth-style JSON error.
func (s *Service) writeFail(w http.ResponseWriter, err error) {
	e := fail.As(err)
	status, msg := fail.HTTPStatus(err)
	code := "invalid_request"
	switch e.Kind {
	case fail.KindRateLimited:
		code = "slow_down"
		httpx.SetRetryAfter(w, e.RetryAfter)
	case fail.KindUnavailable, fail.KindInternal:
		code = "temporarily_unavailable"
		s.d.Log.WithError(err).Error("device login failed")
	case fail.KindUnauthenticated, fail.KindAuthFailed, fail.KindInvalidToken:
		code = "unauthorized"
		w.Header().Set("WWW-Authenticate", `Bearer realm="Segue"`)
	case fail.KindForbidden:
		code = "access_denied"
	case fail.KindConflict:
		code = "already_answered"
	}
	writeJSON(w, status, oauthError{Code: code, Description: msg})
}

func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// deviceCode serves RFC 8628 §3.1–3.2.
func (s *Service) deviceCode(w http.ResponseWriter, r *http.Request) {
	cors(w)
	p, ok := readParams(w, r, "client_id", "client_name", "device_name", "scope")
	if !ok {
		return
	}
	name := p["device_name"]
	if name == "" {
		name = p["client_name"]
	}
	if name == "" {
		name = p["client_id"]
	}
	st, err := s.Start(name, httpx.PeerIP(r), httpx.Peer(r))
	if err != nil {
		s.writeFail(w, err)
		return
	}
	uri := s.VerificationURI(requestBase(r))
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code": st.DeviceCode, "user_code": FormatUserCode(st.UserCode),
		"verification_uri": uri, "verification_uri_complete": CompleteURI(uri, st.UserCode),
		"expires_in": int(st.ExpiresIn / time.Second), "interval": int(st.Interval / time.Second),
	})
}

// deviceToken serves RFC 8628 §3.4–3.5.
func (s *Service) deviceToken(w http.ResponseWriter, r *http.Request) {
	cors(w)
	p, ok := readParams(w, r, "grant_type", "device_code", "client_id")
	if !ok {
		return
	}
	if p["grant_type"] != DeviceCodeGrant {
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "unsupported_grant_type"})
		return
	}
	if p["device_code"] == "" {
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "invalid_request", Description: "device_code is required"})
		return
	}
	res, tok, interval, err := s.Poll(r.Context(), p["device_code"], httpx.Peer(r))
	if err != nil {
		s.writeFail(w, err)
		return
	}
	switch res {
	case Completed:
		writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
			"expires_in": int(auth.SlidingWindow / time.Second)})
	case Pending:
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "authorization_pending"})
	case SlowDown:
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "slow_down", Interval: int(interval / time.Second)})
	case Denied:
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "access_denied"})
	case Expired:
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "expired_token"})
	default:
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "invalid_grant"})
	}
}

// principal authenticates the browser on the approval endpoints. On the
// ingress listener HA's session cookie signs the browser in by itself, so
// another site's page must not reach them: JSON from the same origin only.
func (s *Service) principal(w http.ResponseWriter, r *http.Request) (*auth.Principal, bool) {
	if err := httpx.CheckAmbient(r); err != nil {
		s.writeFail(w, err)
		return nil, false
	}
	p, err := s.d.Principals.Principal(r)
	if err != nil && fail.Is(err, fail.KindUnavailable) {
		s.writeFail(w, err)
		return nil, false
	}
	if err != nil || p == nil {
		s.writeFail(w, fail.New(fail.KindUnauthenticated, "Sign in first"))
		return nil, false
	}
	return p, true
}

// lookup serves POST /auth/device/lookup {user_code}: who is asking.
func (s *Service) lookup(w http.ResponseWriter, r *http.Request) {
	pr, ok := s.principal(w, r)
	if !ok {
		return
	}
	if pr.Method == auth.MethodDelegated || pr.Method == auth.MethodSubsonic {
		s.writeFail(w, fail.Forbidden("This account cannot approve sign-ins"))
		return
	}
	p, ok := readParams(w, r, "user_code")
	if !ok {
		return
	}
	req, err := s.Lookup(p["user_code"], httpx.Peer(r))
	if err != nil {
		s.writeFail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, req)
}

// approve serves POST /auth/device/approve {user_code, approve}.
func (s *Service) approve(w http.ResponseWriter, r *http.Request) {
	pr, ok := s.principal(w, r)
	if !ok {
		return
	}
	p, ok := readParams(w, r, "user_code", "approve")
	if !ok {
		return
	}
	var approve bool
	switch p["approve"] {
	case "true", "1":
		approve = true
	case "false", "0":
	default:
		writeJSON(w, http.StatusBadRequest, oauthError{Code: "invalid_request", Description: "approve must be true or false"})
		return
	}
	if err := s.Decide(p["user_code"], approve, pr, httpx.Peer(r)); err != nil {
		s.writeFail(w, err)
		return
	}
	status := "denied"
	if approve {
		status = "approved"
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": status})
}

// page serves the verification page: static HTML (nothing reflected server
// side); its script reads the code from the URL and writes only via textContent.
func (s *Service) page(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "+
		"img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'")
	_, _ = w.Write(devicePage)
}
