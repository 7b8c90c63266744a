package haauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/feature"
	"segue/internal/httpx"
	"segue/internal/secrets"
)

// bindingCookie carries the browser half of a started sign-in; only the callback sees it.
const bindingCookie = "segue_ha_signin"

// maxCodeBody bounds POST /auth/code.
const maxCodeBody = 4 << 10

// Module is what Sign in with Home Assistant adds: the "homeassistant" login
// provider and its endpoints, on the public listener only (ingress users are
// signed in by HA already). auth/authorization_url reaches AuthorizationURL
// through device login, which owns that command.
func (s *Service) Module() feature.Module {
	return feature.Module{Name: "haauth", Providers: s.Providers, Routes: feature.PublicOnly(
		feature.Handle("GET "+AuthorizePath, s.Authorize),
		feature.Handle("GET "+CallbackPath, s.Callback),
		feature.Handle("POST "+CodePath, s.ExchangeCode),
		feature.Handle("OPTIONS "+CodePath, cors),
	)}
}

// Authorize starts a sign-in: GET /auth/authorize?provider_id=homeassistant&return_url=….
func (s *Service) Authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("provider_id") != ProviderID {
		errorPage(w, http.StatusBadRequest, "Unknown sign-in provider", "This server offers no sign-in provider by that name.")
		return
	}
	ret := q.Get("return_url")
	if ret == "" {
		ret = "/"
	}
	if !s.d.ReturnURLs.Allowed(ret, r.Host) {
		errorPage(w, http.StatusBadRequest, "Invalid return URL", "This sign-in link is not allowed to return to that address.")
		return
	}
	origin := originOf(r.Host, r.TLS != nil, s.d.ReturnURLs.ExternalURL)
	if origin == "" {
		errorPage(w, http.StatusBadRequest, "Invalid request", "The address this server was reached at is not valid.")
		return
	}
	haBase, err := s.browserURL(r.Context())
	if err != nil {
		s.d.Log.WithError(err).Warn("sign in with home assistant: no browser URL for home assistant")
		errorPage(w, http.StatusServiceUnavailable, "Home Assistant unavailable", "Home Assistant cannot be reached right now. Please try again in a moment.")
		return
	}
	ip := httpx.Peer(r)
	state := s.d.Random.Token(secretBytes)
	binding := s.d.Random.Token(secretBytes)
	pending := pendingLogin{returnURL: ret, clientID: origin, ip: ip,
		redirectURI: origin + CallbackPath + "?provider_id=" + ProviderID, binding: secrets.SHA256Hex(binding)}
	switch err := s.states.PutLimited(state, pending, func(p pendingLogin) bool { return p.ip == ip }, maxPendingPerIP); {
	case errors.Is(err, httpx.ErrTooManyLike):
		w.Header().Set("Retry-After", "60")
		errorPage(w, http.StatusTooManyRequests, "Too many sign-ins", "Too many sign-ins were started from your address. Please finish one or wait a few minutes.")
		return
	case err != nil:
		w.Header().Set("Retry-After", "60")
		errorPage(w, http.StatusServiceUnavailable, "Too many sign-ins", "Too many sign-ins are in progress. Please try again in a minute.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: bindingCookie, Value: binding, Path: CallbackPath,
		MaxAge: int(StateLifetime / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(origin, "https://")})
	target := haBase + "/auth/authorize?" + url.Values{
		"client_id": {pending.clientID}, "redirect_uri": {pending.redirectURI}, "state": {state}}.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}

// browserURL is HA's base URL for the browser, without a trailing slash.
func (s *Service) browserURL(ctx context.Context) (string, error) {
	if !s.d.Available() || s.d.BrowserURL == nil {
		return "", errors.New("home assistant is not connected")
	}
	raw, err := s.d.BrowserURL(ctx)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", errors.New("home assistant has no usable URL for browsers (set one under Settings → System → Network)")
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// Callback finishes a sign-in: GET /auth/callback?provider_id=homeassistant&code=…&state=….
//
// It is the sign-in's cookie-bound step: HA's page sends the browser here, so
// it is a cross-site navigation by nature and is held by the state, single use
// and bound to this browser's cookie. A browser that fetches it as anything but
// a page (a frame, an image, a script) is refused before the state is touched.
func (s *Service) Callback(w http.ResponseWriter, r *http.Request) {
	if err := httpx.CheckNavigation(r); err != nil {
		errorPage(w, http.StatusForbidden, "Authentication failed", "Open this sign-in link as a page, not inside another site.")
		return
	}
	att, wait := s.d.Throttle.Begin(auth.PeerKey(httpx.Peer(r)))
	if att == nil {
		httpx.SetRetryAfter(w, wait)
		errorPage(w, http.StatusTooManyRequests, "Too many attempts", "Too many failed sign-ins from your address. Please wait a moment.")
		return
	}
	defer att.Abandon() // when neither a wrong state nor a success ended it
	// The binding cookie is single use too: clear it whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: bindingCookie, Value: "", Path: CallbackPath, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	params, err := parseCallback(r.URL.Query())
	if err != nil {
		att.Fail()
		errorPage(w, http.StatusBadRequest, "Authentication failed", "This sign-in link is not valid. Please start again.")
		return
	}
	pending, ok := s.states.Take(params.State)
	if !ok || !s.boundToBrowser(r, pending) {
		att.Fail()
		s.d.Log.WithField("remote", r.RemoteAddr).Warn("sign in with home assistant: unknown, expired, replayed or foreign state")
		errorPage(w, http.StatusBadRequest, "Authentication failed", "This sign-in link is invalid, was already used or has expired. Please start again.")
		return
	}
	if params.Error != "" {
		errorPage(w, http.StatusBadRequest, "Sign-in cancelled", "Home Assistant did not complete the sign-in.")
		return
	}
	u, err := s.complete(r.Context(), pending, params.Code)
	if err != nil {
		var ref *Refusal
		if !errors.As(err, &ref) {
			ref = refuse(http.StatusBadGateway, "Sign-in failed", "Home Assistant did not confirm the sign-in. Please try again.", err)
		}
		s.d.Log.WithError(err).Warn("sign in with home assistant refused")
		errorPage(w, ref.Status, ref.Title, ref.Msg)
		return
	}
	code := s.d.Random.Token(secretBytes)
	if err := s.codes.Put(code, issuedCode{userID: u.ID, tokenName: tokenName(r)}); err != nil {
		errorPage(w, http.StatusServiceUnavailable, "Too many sign-ins", "Too many sign-ins are in progress. Please try again in a minute.")
		return
	}
	att.Succeed()
	s.d.Log.WithField("user", u.Username).Info("signed in with home assistant")
	target := httpx.WithCode(pending.returnURL, code)
	if s.d.ReturnURLs.Classify(pending.returnURL, r.Host) == httpx.MAApp {
		// MA apps read ?code= as their token (the companion app's deep link,
		// a listed frontend origin): they cannot trade a one-time code.
		s.codes.Take(code)
		tok, _, err := s.d.Tokens.Issue(r.Context(), u, tokenName(r), false)
		if err != nil {
			s.d.Log.WithError(err).Error("sign in with home assistant: issuing the token failed")
			errorPage(w, http.StatusServiceUnavailable, "Sign-in failed", "The sign-in could not be completed. Please try again.")
			return
		}
		target = httpx.WithCode(pending.returnURL, tok)
	}
	w.Header().Set("Location", target)
	renderPage(w, http.StatusFound, pageData{Title: "Signed in", Message: "You are signed in. Returning to the app…",
		Link: target, LinkText: "Continue"})
}

// boundToBrowser checks the cookie set by Authorize against the state's record.
func (s *Service) boundToBrowser(r *http.Request, p pendingLogin) bool {
	c, err := r.Cookie(bindingCookie)
	if err != nil || c.Value == "" || len(c.Value) > maxStateLen {
		return false
	}
	return secrets.Equal(secrets.SHA256Hex(c.Value), p.binding)
}

// complete exchanges HA's code, learns who signed in, drops HA's tokens and finds
// the Segue user.
func (s *Service) complete(ctx context.Context, p pendingLogin, code string) (auth.User, error) {
	tokens, err := s.ha.exchange(ctx, code, p.clientID)
	if errors.Is(err, errUserInactive) {
		return auth.User{}, refuse(http.StatusForbidden, "Account not active", "Your Home Assistant account is not active.", err)
	}
	if err != nil {
		return auth.User{}, err
	}
	// Segue keeps no HA credentials: the refresh token (and its access tokens) die now.
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), haCallTimeout)
		defer cancel()
		if err := s.ha.revoke(rctx, tokens.RefreshToken); err != nil {
			s.d.Log.WithError(err).Warn("sign in with home assistant: could not revoke the home assistant token")
		}
	}()
	who, err := s.ha.identify(ctx, tokens.AccessToken)
	if err != nil {
		return auth.User{}, err
	}
	return s.resolveUser(ctx, who)
}

func tokenName(r *http.Request) string {
	name := "Home Assistant sign-in"
	if ua := strings.ToValidUTF8(r.UserAgent(), ""); ua != "" {
		if len(ua) > 60 {
			ua = ua[:60]
		}
		name += " - " + ua
	}
	return name
}

type codeRequest struct {
	Code string `json:"code"`
}

// ExchangeCode is POST /auth/code {code}: the one-time code from the callback
// redirect, traded once for a session token.
func (s *Service) ExchangeCode(w http.ResponseWriter, r *http.Request) {
	cors(w, r)
	w.Header().Set("Cache-Control", "no-store")
	att, wait := s.d.Throttle.Begin(auth.PeerKey(httpx.Peer(r)))
	if att == nil {
		httpx.SetRetryAfter(w, wait)
		httpx.WriteJSON(w, http.StatusTooManyRequests, map[string]any{"success": false, "error": "Too many attempts; try again later"})
		return
	}
	defer att.Abandon()
	code, err := readCode(w, r)
	if err != nil {
		status, msg := fail.HTTPStatus(err)
		httpx.WriteJSON(w, status, map[string]any{"success": false, "error": msg})
		return
	}
	issued, ok := s.codes.Take(code)
	if !ok {
		att.Fail()
		httpx.WriteJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": "Invalid or expired code"})
		return
	}
	ctx := r.Context()
	u, err := s.d.Users.Get(ctx, issued.userID)
	if fail.Is(err, fail.KindNotFound) { // deleted since the callback: the code is void
		httpx.WriteJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": "Invalid or expired code"})
		return
	}
	if err == nil && !u.Enabled {
		err = fail.New(fail.KindAuthFailed, "Account disabled")
	}
	var tok string
	if err == nil {
		tok, _, err = s.d.Tokens.Issue(ctx, u, issued.tokenName, false)
	}
	if err != nil {
		status, msg := fail.HTTPStatus(err)
		if status >= 500 {
			s.d.Log.WithError(err).Error("sign in with home assistant: issuing the token failed")
		}
		httpx.WriteJSON(w, status, map[string]any{"success": false, "error": msg})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "token": tok, "access_token": tok,
		"token_type": "Bearer", "user": u})
}

// readCode reads {"code": "..."} (JSON) or code=... (form) from a bounded body.
func readCode(w http.ResponseWriter, r *http.Request) (string, error) {
	body, err := httpx.ReadBody(w, r, maxCodeBody)
	if err != nil {
		return "", err // httpx.ErrBodyTooLarge (413) or httpx.ErrBodyUnread (400)
	}
	var code string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return "", fail.Invalid("Invalid form")
		}
		code = form.Get("code")
	} else {
		var req codeRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return "", fail.Invalid("Invalid JSON")
		}
		code = req.Code
	}
	if code == "" || len(code) > maxStateLen {
		return "", fail.Invalid("code required")
	}
	return code, nil
}

func cors(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
}
