package hass

import (
	"strings"
	"testing"
)

func FuzzDecodeFrame(f *testing.F) {
	seeds := []string{
		`{"type":"auth_required","ha_version":"2026.8.3"}`,
		`{"type":"auth_invalid","message":"Invalid access token or password"}`,
		`{"id":3,"type":"result","success":true,"result":{"logged_in":false}}`,
		`{"id":4,"type":"result","success":false,"error":{"code":"unknown_command","message":"Unknown command."}}`,
		`[{"id":5,"type":"pong"},{"id":6,"type":"event","event":{"a":{}}}]`,
		`{"id":0,"type":"result","success":true}`,
		`{"id":7,"type":"result"}`,
		`{"id":8,"type":"result","success":false}`,
		`[]`, ``, `null`, `{"type":""}`, `[1,2]`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, err := decodeFrame(data)
		if err != nil {
			if msgs != nil {
				t.Fatalf("error %v with messages %v", err, msgs)
			}
			return
		}
		for _, m := range msgs {
			// What the decoder lets through must be safe for Conn.deliver and Conn.Call.
			if m.Type == "" {
				t.Fatal("accepted a message without a type")
			}
			if m.Type == typeResult {
				if m.ID <= 0 || m.Success == nil {
					t.Fatalf("accepted an incomplete result %+v", m)
				}
				if !*m.Success && (m.Error == nil || m.Error.Code == "") {
					t.Fatalf("accepted a failure without an error code %+v", m)
				}
			}
		}
	})
}

func TestDecodeFrameRejectsOversizedFrames(t *testing.T) {
	big := `{"id":1,"type":"result","success":true,"result":"` + strings.Repeat("x", MaxFrameBytes) + `"}`
	if _, err := decodeFrame([]byte(big)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("oversized frame: got %v", err)
	}
}

func TestDecodeFrameCoalesced(t *testing.T) {
	msgs, err := decodeFrame([]byte(` [{"id":1,"type":"pong"},{"id":2,"type":"result","success":true,"result":null}]`))
	if err != nil || len(msgs) != 2 || msgs[1].ID != 2 {
		t.Fatalf("coalesced frame: %v, %v", msgs, err)
	}
}

func TestEncodeCommandIDAndTypeWin(t *testing.T) {
	raw, err := encodeCommand(7, "cloud/status", map[string]any{"id": 99, "type": "evil", "x": 1})
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	if !strings.Contains(s, `"id":7`) || !strings.Contains(s, `"type":"cloud/status"`) || !strings.Contains(s, `"x":1`) {
		t.Fatalf("encoded %s", s)
	}
	if _, err := encodeCommand(1, "x", []int{1}); err == nil {
		t.Fatal("non-object params accepted")
	}
}
