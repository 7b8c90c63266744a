package haauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"

	"segue/internal/hass"
)

// maxTokenResponse bounds what we read from HA's token endpoint.
const maxTokenResponse = 64 << 10

// haCallTimeout bounds each server-to-server step of the callback.
const haCallTimeout = 10 * time.Second

// errUserInactive is HA's 403 access_denied "User is not active" at the token endpoint.
var errUserInactive = errors.New("home assistant user is not active")

// haTokens is HA's answer to a successful authorization_code grant.
type haTokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
}

// haEndpoint talks to HA Core server to server (in the add-on: http://homeassistant:8123).
type haEndpoint struct {
	base   string
	http   *http.Client
	dialer *websocket.Dialer
	log    logrus.FieldLogger
}

// exchange trades an authorization code for HA tokens (no client secret: IndieAuth).
func (h *haEndpoint) exchange(ctx context.Context, code, clientID string) (haTokens, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {clientID}}
	resp, body, err := h.postForm(ctx, "/auth/token", form)
	if err != nil {
		return haTokens{}, err
	}
	if resp.StatusCode == http.StatusForbidden {
		return haTokens{}, errUserInactive
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(body, &e)
		return haTokens{}, fmt.Errorf("home assistant token endpoint: HTTP %d %s %s", resp.StatusCode, e.Error, e.Description)
	}
	var t haTokens
	if err := json.Unmarshal(body, &t); err != nil {
		return haTokens{}, fmt.Errorf("home assistant token endpoint: malformed answer: %w", err)
	}
	if t.AccessToken == "" {
		return haTokens{}, errors.New("home assistant token endpoint: answer without an access token")
	}
	return t, nil
}

// revoke ends an HA refresh token (and its access tokens). HA answers 200 whatever
// the token was, so only transport failures are errors.
func (h *haEndpoint) revoke(ctx context.Context, refreshToken string) error {
	if refreshToken == "" {
		return nil
	}
	resp, _, err := h.postForm(ctx, "/auth/revoke", url.Values{"token": {refreshToken}})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("home assistant revoke: HTTP %d", resp.StatusCode)
	}
	return nil
}

// identify asks HA's websocket, with the user's own access token, who signed in.
// It must be HA's real websocket, not the Supervisor proxy (which answers as the
// Supervisor user).
func (h *haEndpoint) identify(ctx context.Context, accessToken string) (hass.CurrentUser, error) {
	wsURL, err := hass.CoreWebsocketURL(h.base)
	if err != nil {
		return hass.CurrentUser{}, err
	}
	conn, err := hass.Dial(ctx, hass.DialOptions{URL: wsURL, Token: accessToken, Dialer: h.dialer, Logger: h.log, CallTimeout: haCallTimeout})
	if err != nil {
		return hass.CurrentUser{}, err
	}
	defer conn.Close()
	return hass.FetchCurrentUser(ctx, conn)
}

func (h *haEndpoint) postForm(ctx context.Context, path string, form url.Values) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, haCallTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(h.base, "/")+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, fmt.Errorf("home assistant %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := h.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("home assistant %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse+1))
	if err != nil {
		return nil, nil, fmt.Errorf("home assistant %s: read answer: %w", path, err)
	}
	if len(body) > maxTokenResponse {
		return nil, nil, fmt.Errorf("home assistant %s: answer larger than %d bytes", path, maxTokenResponse)
	}
	return resp, body, nil
}
