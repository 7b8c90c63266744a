package web

import (
	"net/http"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/httpx"
	"segue/internal/text"
)

type loginRequest struct {
	ProviderID  string `json:"provider_id"`
	Credentials struct {
		Username string `json:"username"`
		Password string `json:"password"`
	} `json:"credentials"`
	// Flat fields, as some clients send them too.
	Username   string `json:"username"`
	Password   string `json:"password"`
	DeviceName string `json:"device_name"`
	ReturnURL  string `json:"return_url"`
}

func loginFailed(w http.ResponseWriter, status int, msg string) {
	httpx.WriteJSON(w, status, map[string]any{"success": false, "error": msg})
}

// readAuthBody reads a bounded JSON body for the login and setup routes,
// answering their {"success": false} shape itself when it cannot.
func readAuthBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := readJSON(w, r, maxAuthBody, v); err != nil {
		status, msg := fail.HTTPStatus(err)
		loginFailed(w, status, msg)
		return false
	}
	return true
}

// login serves POST /auth/login (MA's nested credentials shape).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	cors(w, r)
	ctx := r.Context()
	var req loginRequest
	if !readAuthBody(w, r, &req) {
		return
	}
	if done, err := s.SetupDone(ctx); err != nil {
		loginFailed(w, http.StatusServiceUnavailable, "Service temporarily unavailable")
		return
	} else if !done {
		loginFailed(w, http.StatusForbidden, "Setup required")
		return
	}
	if req.ProviderID != "" && req.ProviderID != "builtin" {
		loginFailed(w, http.StatusBadRequest, "Provider not supported for this login")
		return
	}
	if req.ReturnURL != "" && !s.d.ReturnURLs.Allowed(req.ReturnURL, r.Host) {
		http.Error(w, "Invalid return_url", http.StatusBadRequest)
		return
	}
	username, password := req.Credentials.Username, req.Credentials.Password
	if username == "" && password == "" {
		username, password = req.Username, req.Password
	}
	device := req.DeviceName
	if device == "" {
		device = text.Truncate(r.UserAgent(), 50)
	}
	tok, u, err := s.d.AuthDeps.Login.Password(ctx, username, password, httpx.Peer(r), device)
	if err != nil {
		status, msg := fail.HTTPStatus(err)
		httpx.SetRetryAfterFor(w, err)
		if status >= 500 {
			if fail.ClientGone(err) {
				s.d.Log.WithError(err).Debug("login ended: the client left")
			} else {
				s.d.Log.WithError(err).Error("login failed")
			}
			msg = "Login failed"
		}
		loginFailed(w, status, msg)
		return
	}
	full, err := s.d.AuthDeps.Users.Get(ctx, u.ID)
	if err != nil {
		full = u
	}
	resp := map[string]any{"success": true, "token": tok, "user": full}
	if req.ReturnURL != "" {
		resp["redirect_to"] = s.redirectTarget(req.ReturnURL, r.Host, tok)
	}
	httpx.WriteJSON(w, http.StatusOK, resp)
}

// requirePrincipal authenticates or answers 401.
func (s *Server) requirePrincipal(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p, err := s.Principal(r)
	if err != nil && fail.Is(err, fail.KindUnavailable) {
		s.writeError(w, err)
		return nil
	}
	if err != nil || p == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Segue"`)
		http.Error(w, "Not authenticated", http.StatusUnauthorized)
		return nil
	}
	return p
}

// requireAccountPrincipal is requirePrincipal for account routes, which are not
// for external applications acting for a user.
func (s *Server) requireAccountPrincipal(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := s.requirePrincipal(w, r)
	if p != nil && p.Method == auth.MethodDelegated {
		s.writeError(w, fail.Forbidden("Not available to delegated tokens"))
		return nil
	}
	return p
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p := s.requireAccountPrincipal(w, r)
	if p == nil {
		return
	}
	if p.TokenID != "" {
		if err := s.d.AuthDeps.Tokens.Revoke(r.Context(), p.TokenID); err != nil && !fail.Is(err, fail.KindNotFound) {
			s.writeError(w, err)
			return
		}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"success": true})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	p := s.requireAccountPrincipal(w, r)
	if p == nil {
		return
	}
	u, err := s.d.AuthDeps.Users.Get(r.Context(), p.User.ID)
	if err != nil {
		s.writeError(w, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, u)
}

type patchMeRequest struct {
	Username    *string `json:"username"`
	DisplayName *string `json:"display_name"`
	AvatarURL   *string `json:"avatar_url"`
	Email       *string `json:"email"`
}

func (s *Server) patchMe(w http.ResponseWriter, r *http.Request) {
	p := s.requireAccountPrincipal(w, r)
	if p == nil {
		return
	}
	var req patchMeRequest
	if err := readJSON(w, r, maxAuthBody, &req); err != nil {
		s.writeError(w, err)
		return
	}
	u, err := s.d.AuthDeps.Users.Update(r.Context(), p.User.ID, auth.Patch{Username: req.Username,
		DisplayName: req.DisplayName, AvatarURL: req.AvatarURL, Email: req.Email})
	if err != nil {
		s.writeError(w, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "user": u})
}

func (s *Server) providers(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, s.d.AuthDeps.Providers(r.Context()))
}
