package api

import (
	"encoding/json"
	"testing"
)

// checkSuccessBytes fails unless encodeSuccess writes exactly what json.Marshal
// writes for the SuccessMessage (the envelope clients and golden files know).
func checkSuccessBytes(t *testing.T, id json.RawMessage, result any, partial bool) {
	t.Helper()
	want, wantErr := json.Marshal(SuccessMessage{MessageID: orNull(id), Result: result, Partial: partial})
	var rb replyBuffers
	b := rb.get()
	err := b.encodeSuccess(id, result, partial)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("id %q result %#v: error %v, json.Marshal says %v", id, result, err, wantErr)
	}
	if err == nil && b.buf.String() != string(want) {
		t.Fatalf("id %q result %#v:\n got %s\nwant %s", id, result, b.buf.Bytes(), want)
	}
	rb.put(b)
	if again := rb.get(); again.buf.Len() != 0 {
		t.Fatalf("a reused buffer starts with %q", again.buf.Bytes())
	}
}

func TestEncodeSuccessIsJSONMarshal(t *testing.T) {
	type item struct {
		Name  string `json:"name"`
		Score *int   `json:"score,omitempty"`
	}
	results := []any{nil, 1, int64(1 << 62), 1.5, "<b>&\u2028", true, map[string]any{"z": 1, "a": []int{1}},
		[]item{{Name: "x"}}, json.RawMessage("{ \"a\" : [ 1 , 2 ] }"), []byte("bytes"), make(chan int), json.RawMessage("{")}
	ids := []json.RawMessage{nil, json.RawMessage(`"1"`), json.RawMessage(`7`), json.RawMessage(`-1.5e3`),
		json.RawMessage(`null`), json.RawMessage("\"<&>\u2028\u2029\xff\"")}
	for _, id := range ids {
		for _, r := range results {
			checkSuccessBytes(t, id, r, false)
			checkSuccessBytes(t, id, r, true)
		}
	}
}

// FuzzEncodeSuccessIsJSONMarshal: for every message_id DecodeCommand accepts.
func FuzzEncodeSuccessIsJSONMarshal(f *testing.F) {
	f.Add(`"1"`, "x")
	f.Add(`12`, "<&>")
	f.Add(`"\u003c\u2028"`, "\u2029")
	f.Fuzz(func(t *testing.T, id, result string) {
		c, err := DecodeCommand([]byte(`{"command":"x","message_id":` + id + `}`))
		if err != nil {
			return
		}
		checkSuccessBytes(t, c.MessageID, result, false)
		checkSuccessBytes(t, c.MessageID, map[string]string{result: result}, true)
	})
}
