package web

import (
	"net/http"

	"segue/internal/fail"
	"segue/internal/httpx"
	"segue/internal/text"
)

type setupRequest struct {
	Username   string `json:"username"`
	Password   string `json:"password"`
	DeviceName string `json:"device_name"`
	ReturnURL  string `json:"return_url"`
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	done, err := s.SetupDone(r.Context())
	if err != nil {
		s.messagePage(w, http.StatusServiceUnavailable, "Unavailable", "The server cannot read its database right now.")
		return
	}
	if done {
		s.messagePage(w, http.StatusForbidden, "Setup complete", "Setup has already been completed.")
		return
	}
	ret := r.URL.Query().Get("return_url")
	if ret != "" && !s.d.ReturnURLs.Allowed(ret, r.Host) {
		s.messagePage(w, http.StatusBadRequest, "Invalid return URL", "This setup link is not allowed to return to that address.")
		return
	}
	s.render(w, http.StatusOK, pageSetup, pageData{Title: "Setup", ReturnURL: ret})
}

// setup serves POST /setup: creates the first admin exactly once. On a fresh
// server anyone may call it, so a page on another site must not (CheckAmbient).
func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := httpx.CheckAmbient(r); err != nil {
		status, msg := fail.HTTPStatus(err)
		loginFailed(w, status, msg)
		return
	}
	var req setupRequest
	if !readAuthBody(w, r, &req) {
		return
	}
	if done, err := s.SetupDone(ctx); err != nil {
		loginFailed(w, http.StatusServiceUnavailable, "Service temporarily unavailable")
		return
	} else if done {
		loginFailed(w, http.StatusForbidden, "Setup already completed")
		return
	}
	if req.ReturnURL != "" && !s.d.ReturnURLs.Allowed(req.ReturnURL, r.Host) {
		loginFailed(w, http.StatusBadRequest, "Invalid return_url")
		return
	}
	u, err := s.d.AuthDeps.Users.CreateFirstAdmin(ctx, req.Username, req.Password)
	if err != nil {
		status, msg := fail.HTTPStatus(err)
		if fail.Is(err, fail.KindConflict) {
			status, msg = http.StatusForbidden, "Setup already completed"
		}
		if status >= 500 {
			s.d.Log.WithError(err).Error("setup failed")
		}
		loginFailed(w, status, msg)
		return
	}
	s.setupDone.Store(true)
	device := req.DeviceName
	if device == "" {
		device = "Setup (" + text.Truncate(r.UserAgent(), 50) + ")"
	}
	tok, _, err := s.d.AuthDeps.Tokens.Issue(ctx, u, device, false)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.d.Log.WithField("user", u.Username).Info("first administrator created")
	resp := map[string]any{"success": true, "token": tok, "user": u}
	if req.ReturnURL != "" {
		resp["redirect_to"] = s.redirectTarget(req.ReturnURL, r.Host, tok, "onboard", "true")
	}
	httpx.WriteJSON(w, http.StatusOK, resp)
}
