package peer

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"segue/internal/signaling"
)

// Whatever a peer sends, the reassembler never holds more than its bound and never panics.
func FuzzReassembler(f *testing.F) {
	for _, fr := range ChunkFrames(3, bytes.Repeat([]byte("ab"), ChunkSize)) {
		f.Add(fr)
	}
	f.Add([]byte(`{"type":"__chunk__","id":1,"seq":0,"count":2,"b64":"QUJD"}`))
	f.Add([]byte(`{"message_id":"1","command":"x"}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		r := NewReassembler(4*ChunkSize, 2)
		for i := 0; i < 3; i++ {
			out, done, err := r.Add(msg)
			if err != nil {
				return
			}
			if done && len(out) > 4*ChunkSize && !bytes.Equal(out, msg) {
				t.Fatalf("reassembled %d bytes over the bound", len(out))
			}
			if r.held > r.MaxBytes || len(r.groups) > r.MaxGroups {
				t.Fatalf("holding %d bytes in %d groups", r.held, len(r.groups))
			}
		}
	})
}

// The pin never accepts an SDP whose sha-256 fingerprints are not all the ID's.
func FuzzPinAnswer(f *testing.F) {
	id := signaling.RemoteIDFromDER([]byte("x"))
	f.Add("v=0\r\na=fingerprint:sha-256 00:11\r\n")
	f.Add("a=fingerprint:sha-1 00\r\na=fingerprint:SHA-256 " + colonHex(make([]byte, 32)) + "\n")
	f.Fuzz(func(t *testing.T, sdp string) {
		out, err := PinAnswer(sdp, id)
		if err != nil {
			return
		}
		want, _ := RemoteIDBytes(id)
		seen := 0
		for _, line := range strings.Split(out, "\n") {
			line = strings.TrimRight(line, "\r")
			if !strings.HasPrefix(line, "a=fingerprint:") {
				continue
			}
			alg, value, _ := strings.Cut(strings.TrimPrefix(line, "a=fingerprint:"), " ")
			raw, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(value), ":", ""))
			if !strings.EqualFold(alg, "sha-256") || err != nil || len(raw) != 32 || !bytes.Equal(raw[:16], want) {
				t.Fatalf("kept a foreign fingerprint line %q", line)
			}
			seen++
		}
		if seen == 0 {
			t.Fatal("accepted an answer without a sha-256 fingerprint")
		}
	})
}
