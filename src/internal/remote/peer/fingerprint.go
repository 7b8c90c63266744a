package peer

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
)

// ErrFingerprintMismatch means the answer's DTLS certificate is not the one the remote ID
// pins: someone (usually the signaling path) is in the middle.
var ErrFingerprintMismatch = errors.New("remote: the server's certificate does not match the remote ID (possible man-in-the-middle); refusing to connect")

// PinAnswer checks an answer SDP against a remote ID the way the MA frontend does, and
// returns the SDP to apply. Every a=fingerprint line that is not sha-256 is removed,
// because pion (and browsers) accept the DTLS certificate if it matches *any* listed
// fingerprint: an attacker could otherwise add a sha-1 line for their own certificate
// next to a genuine sha-256 one. At least one sha-256 line must remain and every one
// must start with the 16 bytes of the ID.
func PinAnswer(sdp, remoteID string) (string, error) {
	want, err := RemoteIDBytes(remoteID)
	if err != nil {
		return "", err
	}
	if len(sdp) > 1<<20 {
		return "", errors.New("remote: answer SDP too large")
	}
	lines := strings.SplitAfter(sdp, "\n")
	var out strings.Builder
	seen := 0
	for _, line := range lines {
		body := strings.TrimRight(line, "\r\n")
		if !strings.HasPrefix(body, "a=fingerprint:") {
			out.WriteString(line)
			continue
		}
		alg, value, ok := strings.Cut(strings.TrimPrefix(body, "a=fingerprint:"), " ")
		if !ok || !strings.EqualFold(alg, "sha-256") {
			continue // dropped, see above
		}
		raw, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(value), ":", ""))
		if err != nil || len(raw) != 32 || !bytes.Equal(raw[:16], want) {
			return "", ErrFingerprintMismatch
		}
		seen++
		out.WriteString(line)
	}
	if seen == 0 {
		return "", ErrFingerprintMismatch
	}
	return out.String(), nil
}
