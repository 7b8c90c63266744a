package hasstest

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"
)

// HA's lifetimes: authorization codes 10 minutes, access tokens 30 minutes.
const (
	authCodeLifetime    = 10 * time.Minute
	accessTokenLifetime = 30 * time.Minute
	longLivedLifetime   = 10 * 365 * 24 * time.Hour
	maxTokenRequestBody = 64 << 10
)

type codeKey struct{ clientID, code string }

type authCode struct {
	userID  string
	created time.Time
}

type refreshToken struct {
	token    string
	userID   string
	clientID string // "" for long-lived tokens
}

type accessToken struct {
	refresh string
	expires time.Time
}

// SetLoginUser chooses who "logs in" at GET /auth/authorize: with a user set, the fake
// redirects straight to redirect_uri with a code; with "" it shows the login page and
// no code is issued.
func (c *Core) SetLoginUser(userID string) {
	c.mu.Lock()
	c.loginUserID = userID
	c.mu.Unlock()
}

// IssueCode is what a successful login at /auth/authorize does: a single-use code bound to
// client_id, valid 10 minutes. It applies the same client_id/redirect_uri rules.
func (c *Core) IssueCode(clientID, redirectURI, userID string) (string, error) {
	if _, ok := parseClientID(clientID); !ok || !redirectURIAllowed(clientID, redirectURI) {
		return "", fmt.Errorf("invalid client id or redirect uri")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.userLocked(userID) == nil {
		return "", fmt.Errorf("no user %q", userID)
	}
	code := randomHex(c.opts.Rand, 16) // uuid4().hex in HA
	c.codes[codeKey{clientID, code}] = &authCode{userID: userID, created: c.opts.Clock.Now()}
	return code, nil
}

// CreateLongLivedToken makes a long-lived access token for a user (Profile → Security).
func (c *Core) CreateLongLivedToken(userID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	rt := c.newRefreshLocked(userID, "")
	return c.newAccessLocked(rt, longLivedLifetime)
}

// RefreshTokens counts a user's refresh tokens made by OAuth (not long-lived ones), so a
// test can check that a client revoked what it received.
func (c *Core) RefreshTokens(userID string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, rt := range c.refresh {
		if rt.userID == userID && rt.clientID != "" {
			n++
		}
	}
	return n
}

func (c *Core) newRefreshLocked(userID, clientID string) *refreshToken {
	rt := &refreshToken{token: randomHex(c.opts.Rand, 64), userID: userID, clientID: clientID}
	c.refresh[rt.token] = rt
	return rt
}

func (c *Core) newAccessLocked(rt *refreshToken, life time.Duration) string {
	tok := randomHex(c.opts.Rand, 32)
	c.accessTokens[tok] = &accessToken{refresh: rt.token, expires: c.opts.Clock.Now().Add(life)}
	return tok
}

// revokeLocked removes a refresh token and every access token made from it (HA signs
// access tokens with the refresh token's key, so they die with it).
func (c *Core) revokeLocked(token string) {
	delete(c.refresh, token)
	for k, at := range c.accessTokens {
		if at.refresh == token {
			delete(c.accessTokens, k)
		}
	}
}

func (c *Core) userForAccessToken(token string) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.accessTokens[token]
	if !ok || !c.opts.Clock.Now().Before(at.expires) {
		return User{}, false
	}
	rt, ok := c.refresh[at.refresh]
	if !ok {
		return User{}, false
	}
	u := c.userLocked(rt.userID)
	if u == nil || !u.IsActive {
		return User{}, false
	}
	return *u, true
}

// serveAuthorize stands in for HA's login page plus login flow: it checks client_id and
// redirect_uri as the login flow does, then "logs in" the chosen user.
func (c *Core) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "405: Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	if _, ok := parseClientID(clientID); !ok || !redirectURIAllowed(clientID, redirectURI) {
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"message": "Invalid client id or redirect uri"})
		return
	}
	c.mu.Lock()
	userID := c.loginUserID
	c.mu.Unlock()
	if userID == "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>Home Assistant</title><p>Log in to %s (fake Core: no login user set)</p>",
			html.EscapeString(clientID))
		return
	}
	code, err := c.IssueCode(clientID, redirectURI, userID)
	if err != nil {
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"message": err.Error()})
		return
	}
	// As the frontend's redirectWithAuthCode: keep redirect_uri's query, append code and state.
	target := redirectURI
	switch {
	case !strings.Contains(target, "?"):
		target += "?"
	case !strings.HasSuffix(target, "&"):
		target += "&"
	}
	target += "code=" + encodeURIComponent(code)
	if state != "" {
		target += "&state=" + encodeURIComponent(state)
	}
	http.Redirect(w, r, target, http.StatusFound)
}

// serveToken is HA's TokenView (auth/__init__.py).
func (c *Core) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "405: Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequestBody)
	if err := r.ParseForm(); err != nil {
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		return
	}
	if r.PostForm.Get("action") == "revoke" { // legacy revoke, still accepted
		c.revoke(r.PostForm.Get("token"))
		w.WriteHeader(http.StatusOK)
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		c.grantAuthorizationCode(w, r)
	case "refresh_token":
		c.grantRefreshToken(w, r)
	default:
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type"})
	}
}

func (c *Core) grantAuthorizationCode(w http.ResponseWriter, r *http.Request) {
	clientID := r.PostForm.Get("client_id")
	if _, ok := parseClientID(clientID); !ok {
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Invalid client id"})
		return
	}
	code := r.PostForm.Get("code")
	if code == "" {
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Invalid code"})
		return
	}
	c.mu.Lock()
	key := codeKey{clientID, code}
	stored, ok := c.codes[key]
	delete(c.codes, key) // single use, even when expired
	if !ok || c.opts.Clock.Now().Sub(stored.created) > authCodeLifetime {
		c.mu.Unlock()
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Invalid code"})
		return
	}
	u := c.userLocked(stored.userID)
	if u == nil || !u.IsActive {
		c.mu.Unlock()
		writeJSONResponse(w, http.StatusForbidden, map[string]any{"error": "access_denied", "error_description": "User is not active"})
		return
	}
	rt := c.newRefreshLocked(u.ID, clientID)
	access := c.newAccessLocked(rt, accessTokenLifetime)
	c.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSONResponse(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "refresh_token": rt.token,
		"expires_in": int(accessTokenLifetime.Seconds()), "ha_auth_provider": "homeassistant",
	})
}

func (c *Core) grantRefreshToken(w http.ResponseWriter, r *http.Request) {
	clientID := r.PostForm.Get("client_id")
	if clientID != "" {
		if _, ok := parseClientID(clientID); !ok {
			writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Invalid client id"})
			return
		}
	}
	token := r.PostForm.Get("refresh_token")
	if token == "" {
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		return
	}
	c.mu.Lock()
	rt, ok := c.refresh[token]
	if !ok {
		c.mu.Unlock()
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
		return
	}
	if rt.clientID != clientID {
		c.mu.Unlock()
		writeJSONResponse(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		return
	}
	if u := c.userLocked(rt.userID); u == nil || !u.IsActive {
		c.mu.Unlock()
		writeJSONResponse(w, http.StatusForbidden, map[string]any{"error": "access_denied", "error_description": "User is not active"})
		return
	}
	access := c.newAccessLocked(rt, accessTokenLifetime)
	c.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSONResponse(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": int(accessTokenLifetime.Seconds()),
	})
}

// serveRevoke is RevokeTokenView: always 200 with an empty body.
func (c *Core) serveRevoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "405: Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequestBody)
	if err := r.ParseForm(); err == nil {
		c.revoke(r.PostForm.Get("token"))
	}
	w.WriteHeader(http.StatusOK)
}

func (c *Core) revoke(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.refresh[token]; ok {
		c.revokeLocked(token)
	}
}

// serveREST answers GET /api/ and /api/config for a valid bearer token, like Core's API.
func (c *Core) serveREST(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
		return
	}
	if _, valid := c.userForAccessToken(token); !valid {
		http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
		return
	}
	switch r.URL.Path {
	case "/api/":
		writeJSONResponse(w, http.StatusOK, map[string]any{"message": "API running."})
	case "/api/config":
		writeJSONResponse(w, http.StatusOK, map[string]any{"version": c.opts.Version, "location_name": "Home", "time_zone": "UTC"})
	default:
		http.Error(w, "404: Not Found", http.StatusNotFound)
	}
}

func writeJSONResponse(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
