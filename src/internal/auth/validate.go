package auth

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"segue/internal/fail"
)

// Password length bounds in bytes: the cap keeps argon2 input bounded; no truncation happens.
const (
	MinPasswordBytes = 8
	MaxPasswordBytes = 1024
	MinUsernameChars = 2
	MaxUsernameChars = 64
)

// NormalizeUsername trims and lower-cases a username, as MA does.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateUsername checks a normalised username.
func ValidateUsername(u string) error {
	n := utf8.RuneCountInString(u)
	if n < MinUsernameChars {
		return fail.Invalid("Username must be at least %d characters", MinUsernameChars)
	}
	if n > MaxUsernameChars || len(u) > 4*MaxUsernameChars {
		return fail.Invalid("Username must be at most %d characters", MaxUsernameChars)
	}
	if u == SystemUsername {
		// Reserved for the HA integration's service account, which is let through on ingress only.
		return fail.Invalid("Username %q is reserved", SystemUsername)
	}
	for _, r := range u {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			return fail.Invalid("Username must not contain spaces or control characters")
		}
	}
	return nil
}

// ValidatePassword checks length only (no composition rules).
func ValidatePassword(p string) error {
	if len(p) < MinPasswordBytes {
		return fail.Invalid("Password must be at least %d characters", MinPasswordBytes)
	}
	if len(p) > MaxPasswordBytes {
		return fail.Invalid("Password must be at most %d bytes", MaxPasswordBytes)
	}
	return nil
}

// NormalizeEmail trims and case-folds an email and checks its shape; empty means none.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", nil
	}
	if len(e) > 254 {
		return "", fail.Invalid("Email address is too long")
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || !strings.Contains(e, "@") {
		return "", fail.Invalid("Email address is not valid")
	}
	return e, nil
}

// ValidateDisplayName bounds free text shown to others.
func ValidateDisplayName(s string) error {
	if len(s) > 200 || !utf8.ValidString(s) {
		return fail.Invalid("Display name must be valid text of at most 200 bytes")
	}
	return nil
}
