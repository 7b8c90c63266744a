package devicelogin

import "strings"

// UserCodeAlphabet is RFC 8628 §6.1's base-20 set: no vowels (no words), no
// look-alike digits. Eight characters give 20^8 ≈ 2^34.6 codes.
const (
	UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"
	UserCodeLength   = 8
)

// NormalizeUserCode upper-cases a typed code and drops separators and spaces;
// ok is false unless exactly eight alphabet characters remain.
func NormalizeUserCode(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		switch {
		case c == '-' || c == ' ' || c == '\t':
			continue
		case strings.IndexByte(UserCodeAlphabet, c) >= 0:
			b.WriteByte(c)
		default:
			return "", false
		}
	}
	if b.Len() != UserCodeLength {
		return "", false
	}
	return b.String(), true
}

// FormatUserCode shows a code as XXXX-XXXX for reading and typing.
func FormatUserCode(code string) string {
	if len(code) != UserCodeLength {
		return code
	}
	return code[:4] + "-" + code[4:]
}
