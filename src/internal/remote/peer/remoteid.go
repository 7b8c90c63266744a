package peer

import (
	"encoding/base32"
	"errors"
	"strings"

	"segue/internal/signaling"
)

// RemoteIDLen is the length of a remote ID: 16 bytes in unpadded base32.
const RemoteIDLen = 26

// maxRemoteIDInput bounds what ParseRemoteID looks at: pasted text with dashes, spaces
// or a URL prefix is fine, a megabyte is not.
const maxRemoteIDInput = 256

var remoteIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrBadRemoteID is returned for input that is not a remote ID.
var ErrBadRemoteID = errors.New("remote: not a valid remote ID (26 letters and digits)")

// RemoteIDBytes returns the 16 fingerprint bytes a canonical remote ID stands for.
func RemoteIDBytes(id string) ([]byte, error) {
	if len(id) != RemoteIDLen {
		return nil, ErrBadRemoteID
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= '3' && c <= '7' || c == '9') {
			return nil, ErrBadRemoteID
		}
	}
	raw, err := remoteIDEncoding.DecodeString(strings.ReplaceAll(id, "9", "2"))
	if err != nil || len(raw) != 16 {
		return nil, ErrBadRemoteID
	}
	// 26 characters carry 130 bits; only the encoding of 16 bytes (last 2 bits zero) is
	// canonical, so two spellings never name the same server.
	if signaling.RemoteIDFromFingerprint(raw) != id {
		return nil, ErrBadRemoteID
	}
	return raw, nil
}

// ParseRemoteID normalises user input (any case, dashes, spaces, the grouped display form)
// to the canonical 26-character ID, or fails.
func ParseRemoteID(input string) (string, error) {
	if len(input) > maxRemoteIDInput {
		return "", ErrBadRemoteID
	}
	var b strings.Builder
	for i := 0; i < len(input); i++ {
		c := input[i]
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '_' || c == '.':
			// separators people type or paste
		default:
			return "", ErrBadRemoteID
		}
		if b.Len() > RemoteIDLen {
			return "", ErrBadRemoteID
		}
	}
	id := b.String()
	if _, err := RemoteIDBytes(id); err != nil {
		return "", err
	}
	return id, nil
}

// remoteIDGroups is how the MA apps show a remote ID (Login.vue, RemoteAccessSettings.vue):
// 8-5-5-8, so what Segue shows is what the user finds in the app.
var remoteIDGroups = [...]int{8, 5, 5, 8}

// FormatRemoteID groups an ID as the MA apps do: VVPN3TLP-34YMG-IZDIN-CEKQKSIR.
// ParseRemoteID accepts this and any other grouping.
func FormatRemoteID(id string) string {
	var b strings.Builder
	rest := id
	for i, n := range remoteIDGroups {
		if rest == "" {
			break
		}
		if i > 0 {
			b.WriteByte('-')
		}
		n = min(n, len(rest))
		if i == len(remoteIDGroups)-1 {
			n = len(rest)
		}
		b.WriteString(rest[:n])
		rest = rest[n:]
	}
	return b.String()
}
