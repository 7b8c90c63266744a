package signaling

import (
	"fmt"
	"io"
	"strings"
)

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomID returns n characters from [A-Za-z0-9], unbiased: bytes ≥ 248 (the largest
// multiple of 62 below 256) are rejected and redrawn.
func randomID(r io.Reader, n int) (string, error) {
	out := make([]byte, 0, n)
	buf := make([]byte, n+8)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("random id: %w", err)
		}
		for _, b := range buf {
			if b < 248 && len(out) < n {
				out = append(out, idAlphabet[int(b)%62])
			}
		}
	}
	return string(out), nil
}

// NormalizeRemoteID upper-cases id as MA's server does and checks it is a plausible
// remote ID: 1..64 characters from [A-Z0-9_-]. That covers the 26-character
// fingerprint IDs and the legacy MA-XXXX-XXXX form, and keeps junk out of Redis keys
// and logs. It returns "" when id is not acceptable.
func NormalizeRemoteID(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	if id == "" || len(id) > maxIDLen {
		return ""
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	return id
}
