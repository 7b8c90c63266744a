package signaling

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecodeMessage: any frame either fails cleanly or yields a message within every
// bound that re-encodes to something the decoder accepts again.
func FuzzDecodeMessage(f *testing.F) {
	for _, s := range []string{
		`{"type":"register-server","remoteId":"abc","iceServers":[{"urls":"stun:x"},{"urls":["turn:y"],"username":"u","credential":"c"}]}`,
		`{"type":"offer","sessionId":"x","data":{"type":"offer","sdp":"v=0"}}`,
		`{"type":"ice-candidate","data":{"candidate":"candidate:1","sdpMid":"0","sdpMLineIndex":0}}`,
		`{"type":"error","error":"e"}`, `{"type":"x","data":null}`, `{"type":"x","data":"s"}`,
		`{"type":"x","iceServers":[{"urls":[]}]}`, `{`, `[]`, `null`, `{"type":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b, 4096)
		if err != nil {
			return
		}
		if m.Type == "" || len(m.Type) > maxTypeLen || len(m.RemoteID) > maxIDLen ||
			len(m.SessionID) > maxIDLen || len(m.ICEServers) > maxICEServers {
			t.Fatalf("bounds violated: %+v", m)
		}
		if len(m.Data) > 0 && bytes.TrimSpace(m.Data)[0] != '{' {
			t.Fatalf("non-object data accepted: %s", m.Data)
		}
		out := m.Encode()
		m2, err := DecodeMessage(out, 1<<20)
		if err != nil {
			t.Fatalf("re-encoded message rejected: %v\n%s", err, out)
		}
		if m2.Type != m.Type || m2.SessionID != m.SessionID || m2.RemoteID != m.RemoteID {
			t.Fatalf("round trip changed the message: %+v vs %+v", m, m2)
		}
		_, _ = m.SessionDescription()
		_, _ = m.ICECandidate()
		_ = NormalizeRemoteID(m.RemoteID)
	})
}

// FuzzDecodeEnvelope: cluster envelopes from Redis are decoded with the same care.
func FuzzDecodeEnvelope(f *testing.F) {
	e, _ := json.Marshal(envelope{Kind: envToClient, From: "n", SID: "s", Msg: &Message{Type: TypeAnswer, Data: json.RawMessage(`{"sdp":"x"}`)}})
	f.Add(e)
	f.Add([]byte(`{"k":"connect","f":"n","s":"x","r":"Y","o":"n.1"}`))
	f.Add([]byte(`{"k":"to-client","f":"n","m":{"type":""}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEnvelope(b, 8192)
		if err != nil {
			return
		}
		if e.Kind == "" || e.From == "" || len(e.SID) > maxIDLen || len(e.ICE) > maxICEServers {
			t.Fatalf("bounds violated: %+v", e)
		}
		if e.Msg != nil && e.Msg.Type == "" {
			t.Fatal("invalid embedded message accepted")
		}
	})
}

// FuzzNormalizeRemoteID: the result is empty or a clean upper-case ID, and stable.
func FuzzNormalizeRemoteID(f *testing.F) {
	f.Add("vvpn3tlp34ymgizdincekqksir")
	f.Add("MA-ABCD-1234")
	f.Add(" a b ")
	f.Fuzz(func(t *testing.T, s string) {
		id := NormalizeRemoteID(s)
		if id == "" {
			return
		}
		if len(id) > maxIDLen || NormalizeRemoteID(id) != id {
			t.Fatalf("%q → %q not stable", s, id)
		}
		for _, c := range id {
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				t.Fatalf("%q → %q contains %q", s, id, c)
			}
		}
	})
}

func TestRandomIDUnbiasedAlphabet(t *testing.T) {
	// A reader of all 255s is rejected byte by byte; bytes < 248 map into the alphabet.
	r := bytes.NewReader(append(bytes.Repeat([]byte{255}, 24), bytes.Repeat([]byte{61, 0, 247}, 30)...))
	id, err := randomID(r, 16)
	if err != nil || len(id) != 16 {
		t.Fatalf("%q %v", id, err)
	}
	if id[:3] != "9A9" {
		t.Fatalf("mapping changed: %q", id)
	}
	if _, err := randomID(bytes.NewReader(nil), 16); err == nil {
		t.Fatal("a failing reader must be an error, not a weak id")
	}
}

// FuzzVerifyOwnership: the proof in a register-server is untrusted input (JSON, then
// DER); no input panics, and none but a real signature passes.
func FuzzVerifyOwnership(f *testing.F) {
	f.Add([]byte(`{"certificate":"AAAA","signature":"AAAA"}`))
	f.Add([]byte(`{"certificate":null}`))
	f.Add([]byte(`[]`))
	challenge := make([]byte, challengeBytes)
	f.Fuzz(func(t *testing.T, data []byte) {
		if verifyOwnership(testRID, challenge, data) == nil {
			t.Fatalf("accepted %q", data)
		}
	})
}
