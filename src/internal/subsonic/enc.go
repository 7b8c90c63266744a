package subsonic

import (
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf8"
)

// maxPasswordBytes bounds a decoded p (app-passwords are 24 bytes; login-sized
// values are allowed so a wrong one is an ordinary code 40).
const maxPasswordBytes = 1024

var errBadEnc = errors.New("malformed enc: password")

// DecodePassword returns the password of a p parameter: either clear text or
// "enc:" followed by the hex of its UTF-8 bytes. Odd length, non-hex digits,
// invalid UTF-8 and oversized values are errors (answered as code 40, never 500).
func DecodePassword(p string) (string, error) {
	rest, isEnc := strings.CutPrefix(p, "enc:")
	if !isEnc {
		if len(p) > maxPasswordBytes {
			return "", errBadEnc
		}
		return p, nil
	}
	if len(rest) > 2*maxPasswordBytes || len(rest)%2 != 0 {
		return "", errBadEnc
	}
	b, err := hex.DecodeString(rest)
	if err != nil || !utf8.Valid(b) {
		return "", errBadEnc
	}
	return string(b), nil
}
