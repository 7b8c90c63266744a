package hass

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultSupervisorURL is where an add-on reaches the Supervisor (Docker extra host).
const DefaultSupervisorURL = "http://supervisor"

// maxSupervisorBody bounds every Supervisor response we read; /addons/self/info with a
// long description and translations is a few tens of KiB.
const maxSupervisorBody = 4 << 20

// SupervisorOptions configures a SupervisorClient.
type SupervisorOptions struct {
	BaseURL    string       // default DefaultSupervisorURL
	Token      string       // SUPERVISOR_TOKEN
	HTTPClient *http.Client // default: a client with a 10 s timeout
}

// SupervisorClient calls the Supervisor REST API as the add-on.
type SupervisorClient struct {
	base  string
	token string
	http  *http.Client
}

// NewSupervisorClient builds a client; the token is required.
func NewSupervisorClient(opts SupervisorOptions) (*SupervisorClient, error) {
	if opts.Token == "" {
		return nil, fmt.Errorf("supervisor client: empty token (is SUPERVISOR_TOKEN set?)")
	}
	base := strings.TrimRight(opts.BaseURL, "/")
	if base == "" {
		base = DefaultSupervisorURL
	}
	hc := opts.HTTPClient
	if hc == nil {
		// Direct, never through an HTTP(S)_PROXY from the environment: the token is for the Supervisor only.
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.Proxy = nil
		hc = &http.Client{Timeout: 10 * time.Second, Transport: transport}
	}
	return &SupervisorClient{base: base, token: opts.Token, http: hc}, nil
}

// AddonSelfInfo returns GET /addons/self/info.
func (s *SupervisorClient) AddonSelfInfo(ctx context.Context) (AddonInfo, error) {
	var info AddonInfo
	err := s.do(ctx, http.MethodGet, "/addons/self/info", nil, &info)
	return info, err
}

// supervisorEnvelope is the api_process wrapper of every Supervisor JSON answer.
type supervisorEnvelope struct {
	Result  string          `json:"result"`
	Data    json.RawMessage `json:"data"`
	Message string          `json:"message"`
}

func (s *SupervisorClient) do(ctx context.Context, method, path string, body any, out any) error {
	var reqBody io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("supervisor %s: encode request: %w", path, err)
		}
		reqBody = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, reqBody)
	if err != nil {
		return fmt.Errorf("supervisor %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("supervisor %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxSupervisorBody+1))
	if err != nil {
		return fmt.Errorf("supervisor %s: read response: %w", path, err)
	}
	if len(raw) > maxSupervisorBody {
		return fmt.Errorf("supervisor %s: response larger than %d bytes", path, maxSupervisorBody)
	}
	var env supervisorEnvelope
	if jerr := json.Unmarshal(raw, &env); jerr != nil || env.Result == "" {
		// Middleware denials (401/403) and proxy errors are bare text, not envelopes.
		if resp.StatusCode >= 300 {
			return &SupervisorError{Path: path, Status: resp.StatusCode, Message: snippet(raw)}
		}
		return fmt.Errorf("supervisor %s: HTTP %d with a body that is not a Supervisor envelope", path, resp.StatusCode)
	}
	if env.Result != "ok" || resp.StatusCode >= 300 {
		msg := env.Message
		if msg == "" {
			msg = "result " + env.Result
		}
		return &SupervisorError{Path: path, Status: resp.StatusCode, Message: msg}
	}
	if out == nil || len(env.Data) == 0 {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("supervisor %s: decode data: %w", path, err)
	}
	return nil
}

// snippet keeps error messages short and printable when a body is not JSON.
func snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
