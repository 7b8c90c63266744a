package subsonic

import (
	"errors"
	"mime"
	"net/http"
	"net/url"

	"segue/internal/httpx"
)

// Bounds on untrusted input: the query (headers are capped at 64 KiB by the
// server anyway) and a form POST body.
const (
	maxQueryBytes = 16 << 10
	maxBodyBytes  = 64 << 10
	maxParamBytes = 4 << 10 // apiKey values up to 2048 URL-encoded characters fit
)

// Output formats.
const (
	formatXML   = "xml"
	formatJSON  = "json"
	formatJSONP = "jsonp"
)

// Params are a request's Subsonic parameters, from the query and (formPost
// extension) an application/x-www-form-urlencoded body.
type Params struct {
	Values url.Values
	// Credentials; empty means absent.
	U, P, T, S, APIKey string
	// Format is xml, json or jsonp; Callback is the JSONP function name (validated).
	Format, Callback string
	// Client is the c parameter (the app's name), for logs.
	Client string
	// badCallback: f=jsonp without a safe callback name (answered as JSON, code 10).
	badCallback bool
}

// credentialKeys may appear once each: two different values are conflicting mechanisms.
var credentialKeys = []string{"u", "p", "t", "s", "apiKey"}

// ParseParams reads the parameters of r. It never panics; every failure is a
// Subsonic error. The output format is decided first, so even a parse error is
// answered in the format the client asked for when that much could be read.
func ParseParams(w http.ResponseWriter, r *http.Request) (Params, *Error) {
	p := Params{Format: formatXML}
	if len(r.URL.RawQuery) > maxQueryBytes {
		return p, errTooLarge
	}
	vals, qerr := url.ParseQuery(r.URL.RawQuery)
	if r.Method == http.MethodPost && isForm(r.Header.Get("Content-Type")) {
		body, err := httpx.ReadBody(w, r, maxBodyBytes)
		if err != nil {
			if errors.Is(err, httpx.ErrBodyTooLarge) {
				p.Values = vals
				p.setFormat()
				return p, errTooLarge
			}
			return p, errMalformed
		}
		form, ferr := url.ParseQuery(string(body))
		for k, vs := range form {
			vals[k] = append(vals[k], vs...)
		}
		if qerr == nil {
			qerr = ferr
		}
	}
	p.Values = vals
	p.setFormat()
	if qerr != nil {
		return p, errMalformed
	}
	for _, k := range credentialKeys {
		vs := vals[k]
		for _, v := range vs {
			if len(v) > maxParamBytes {
				return p, errWrongCredentialsFor(k)
			}
			if v != vs[0] {
				return p, errConflictingAuth
			}
		}
	}
	p.U, p.P, p.T, p.S, p.APIKey = vals.Get("u"), vals.Get("p"), vals.Get("t"), vals.Get("s"), vals.Get("apiKey")
	p.Client = vals.Get("c")
	if p.badCallback {
		return p, errMissing("callback")
	}
	return p, nil
}

// errWrongCredentialsFor answers an oversized credential as a failed login.
func errWrongCredentialsFor(key string) *Error {
	if key == "apiKey" {
		return errInvalidAPIKey
	}
	return errWrongCredentials
}

func (p *Params) setFormat() {
	switch p.Values.Get("f") {
	case formatJSON:
		p.Format = formatJSON
	case formatJSONP:
		if cb := p.Values.Get("callback"); validCallback(cb) {
			p.Format, p.Callback = formatJSONP, cb
		} else {
			p.Format, p.badCallback = formatJSON, true // never echo an unsafe name into script
		}
	}
}

func isForm(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// validCallback accepts dotted JavaScript identifiers (a.b_c.$d), at most 64 bytes:
// enough for every JSONP client, and nothing that could break out of the call.
func validCallback(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if start || i == len(s)-1 {
				return false
			}
			start = true
			continue
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_', c == '$':
		case c >= '0' && c <= '9':
			if start {
				return false
			}
		default:
			return false
		}
		start = false
	}
	return true
}
