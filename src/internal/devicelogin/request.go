package devicelogin

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/url"
)

// MaxRequestBytes bounds a device-flow request body.
const MaxRequestBytes = 16 << 10

const maxParam = 1024

// ParseParams reads a form (RFC 8628 uses application/x-www-form-urlencoded)
// or a flat JSON object of strings (and booleans, for the approval endpoint).
// Only the names in allowed are kept; a repeated form parameter is an error.
func ParseParams(contentType string, body []byte, allowed ...string) (map[string]string, bool) {
	if len(body) > MaxRequestBytes {
		return nil, false
	}
	media := ""
	if contentType != "" {
		m, _, err := mime.ParseMediaType(contentType)
		if err != nil {
			return nil, false
		}
		media = m
	}
	out := map[string]string{}
	switch media {
	case "application/json":
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&obj); err != nil || dec.More() || obj == nil {
			return nil, false
		}
		for _, k := range allowed {
			switch v := obj[k].(type) {
			case nil:
			case string:
				out[k] = v
			case bool:
				if v {
					out[k] = "true"
				} else {
					out[k] = "false"
				}
			default:
				return nil, false
			}
		}
	case "application/x-www-form-urlencoded", "":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, false
		}
		for _, k := range allowed {
			switch len(form[k]) {
			case 0:
			case 1:
				out[k] = form[k][0]
			default:
				return nil, false
			}
		}
	default:
		return nil, false
	}
	for _, v := range out {
		if len(v) > maxParam {
			return nil, false
		}
	}
	return out, true
}
