package haauth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"segue/internal/api"
	"segue/internal/fail"
)

// maxArgsBytes bounds auth/authorization_url's arguments.
const maxArgsBytes = 16 << 10

// authorizationURLArgs are the fields this provider reads; others (for_remote_client,
// device_name…) belong to the device-login face of the same command and are ignored.
type authorizationURLArgs struct {
	ProviderID string `json:"provider_id"`
	ReturnURL  string `json:"return_url"`
}

// noProvider is MA's answer for a provider that cannot redirect or does not exist.
func noProvider() map[string]any {
	return map[string]any{"authorization_url": nil, "error": "Provider does not support OAuth or does not exist"}
}

// AuthorizationURL answers auth/authorization_url for redirect logins (device
// login passes requests without for_remote_client here). It answers with our own
// /auth/authorize start URL (not HA's directly), so the browser opening it gets
// the cookie that binds the state to it.
func (s *Service) AuthorizationURL(ctx context.Context, c *api.Call) (any, error) {
	raw := bytes.TrimSpace(c.Args)
	if len(raw) > maxArgsBytes {
		return nil, fail.Invalid("Invalid arguments: too large")
	}
	var a authorizationURLArgs
	if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fail.Invalid("Invalid arguments: expected an object with provider_id and return_url")
		}
	}
	if a.ProviderID != ProviderID || !s.d.Available() {
		return noProvider(), nil
	}
	base := strings.TrimRight(c.Info.BaseURL, "/")
	if a.ReturnURL != "" && !s.d.ReturnURLs.Allowed(a.ReturnURL, hostOf(base)) {
		return nil, fail.Invalid("Invalid return_url")
	}
	q := url.Values{"provider_id": {ProviderID}}
	if a.ReturnURL != "" {
		q.Set("return_url", a.ReturnURL)
	}
	start := strings.TrimPrefix(AuthorizePath, "/") + "?" + q.Encode()
	if base != "" {
		start = base + "/" + start
	}
	return map[string]any{"authorization_url": start}, nil
}
