package auth

import "strings"

// MaxTokenBytes bounds any credential string before it is parsed.
const MaxTokenBytes = 8 << 10

// TokenShape is what a presented credential looks like.
type TokenShape int

const (
	ShapeInvalid TokenShape = iota
	ShapeJWT                // three base64url segments: only ever checked as a JWT
	ShapeLegacy             // an opaque token from older versions, looked up by SHA-256
)

// base64urlChar marks the bytes a token may contain besides '.'.
var base64urlChar = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['-'], t['_'] = true, true
	return t
}()

// ClassifyToken decides, without parsing, which path a credential takes. A
// JWT-shaped string never falls back to the legacy lookup.
func ClassifyToken(s string) TokenShape {
	if len(s) == 0 || len(s) > MaxTokenBytes {
		return ShapeInvalid
	}
	dots := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			dots++
		} else if !base64urlChar[c] {
			return ShapeInvalid
		}
	}
	switch {
	case dots == 2:
		if s[0] == '.' || s[len(s)-1] == '.' {
			return ShapeInvalid
		}
		return ShapeJWT
	case dots == 0 && len(s) >= 20 && len(s) <= 256:
		return ShapeLegacy
	}
	return ShapeInvalid
}

// BearerToken extracts the token of an Authorization header value
// ("Bearer <token>", scheme case-insensitive); ok is false for anything else.
func BearerToken(header string) (string, bool) {
	if len(header) > MaxTokenBytes+16 || len(header) < 8 {
		return "", false
	}
	scheme, rest := header[:7], header[7:]
	if !equalFoldASCII(scheme, "bearer ") {
		return "", false
	}
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	for len(rest) > 0 && rest[len(rest)-1] == ' ' {
		rest = rest[:len(rest)-1]
	}
	if rest == "" {
		return "", false
	}
	return rest, true
}

// TokenArgument reads a token handed over in a message (the WebSocket `auth`
// command) by the header's rules: bare or "Bearer <token>", surrounding spaces ignored.
func TokenArgument(arg string) (string, bool) {
	arg = strings.Trim(arg, " ")
	if t, ok := BearerToken(arg); ok {
		return t, true
	}
	return BearerToken("Bearer " + arg)
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
