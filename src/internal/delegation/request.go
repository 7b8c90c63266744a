package delegation

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/url"
	"strings"
)

// MaxRequestBytes bounds a token request body.
const MaxRequestBytes = 64 << 10

// maxField bounds any single credential field before it is used.
const maxField = 1024

type jsonTokenRequest struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Scope        string `json:"scope"`
}

// ParseTokenRequest reads a token request sent as a form (RFC 6749) or as
// JSON, with the client credentials in the body or in HTTP Basic
// (client_secret_basic, RFC 6749 §2.3.1) — but not both.
func ParseTokenRequest(contentType string, body []byte, authorization string) (TokenRequest, *OAuthError) {
	var req TokenRequest
	if len(body) > MaxRequestBytes {
		return req, errInvalidRequest("Request body too large")
	}
	media := ""
	if contentType != "" {
		m, _, err := mime.ParseMediaType(contentType)
		if err != nil {
			return req, errInvalidRequest("Unsupported content type")
		}
		media = m
	}
	switch media {
	case "application/json":
		var j jsonTokenRequest
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&j); err != nil {
			return req, errInvalidRequest("Body must be a JSON object of strings")
		}
		if dec.More() {
			return req, errInvalidRequest("Body must be one JSON object")
		}
		req = TokenRequest{GrantType: j.GrantType, ClientID: j.ClientID, ClientSecret: j.ClientSecret, Scope: j.Scope}
	case "application/x-www-form-urlencoded", "":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return req, errInvalidRequest("Malformed form body")
		}
		for _, k := range []string{"grant_type", "client_id", "client_secret", "scope"} {
			if len(form[k]) > 1 {
				return req, errInvalidRequest("Parameter " + k + " repeated")
			}
		}
		req = TokenRequest{GrantType: form.Get("grant_type"), ClientID: form.Get("client_id"),
			ClientSecret: form.Get("client_secret"), Scope: form.Get("scope")}
	default:
		return req, errInvalidRequest("Unsupported content type")
	}
	if authorization != "" {
		id, secret, ok := parseBasic(authorization)
		if !ok {
			return req, errInvalidClient
		}
		if req.ClientSecret != "" || (req.ClientID != "" && req.ClientID != id) {
			return req, errInvalidRequest("Use one client authentication method")
		}
		req.ClientID, req.ClientSecret = id, secret
	}
	for _, f := range []string{req.GrantType, req.ClientID, req.ClientSecret, req.Scope} {
		if len(f) > maxField {
			return TokenRequest{}, errInvalidRequest("Parameter too long")
		}
	}
	return req, nil
}

// parseBasic decodes "Basic base64(urlencode(id) ":" urlencode(secret))".
func parseBasic(h string) (id, secret string, ok bool) {
	if len(h) > 4*maxField || len(h) < 6 || !strings.EqualFold(h[:6], "basic ") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(h[6:]))
	if err != nil {
		return "", "", false
	}
	i, s, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", false
	}
	if id, err = url.QueryUnescape(i); err != nil {
		return "", "", false
	}
	if secret, err = url.QueryUnescape(s); err != nil {
		return "", "", false
	}
	return id, secret, id != "" && secret != ""
}
