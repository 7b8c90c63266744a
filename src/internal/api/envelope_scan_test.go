package api

import (
	"bytes"
	"encoding/json"
	"testing"

	"segue/internal/fail"
)

// decodeCommandByUnmarshal is DecodeCommand as it was before scanEnvelope: the
// specification the fast path must match, message for message.
func decodeCommandByUnmarshal(msg []byte) (CommandMessage, error) {
	var c CommandMessage
	if len(msg) > MaxMessageBytes {
		return c, fail.Invalid("Message too large")
	}
	if err := json.Unmarshal(msg, &c); err != nil {
		return c, fail.Invalid("Invalid JSON: message must be a JSON object")
	}
	id := bytes.TrimSpace(c.MessageID)
	var f float64
	if len(id) > 0 && id[0] != '"' && json.Unmarshal(id, &f) != nil && !bytes.Equal(id, []byte("null")) {
		return c, fail.Invalid("Invalid JSON: message_id must be a string or a number")
	}
	if len(id) > 256 {
		return c, fail.Invalid("Invalid JSON: message_id is too long")
	}
	if c.Command == "" {
		return c, fail.Invalid("Invalid JSON: missing required field command")
	}
	if len(c.Command) > 128 {
		return c, fail.New(fail.KindUnknownCommand, "Invalid command")
	}
	return c, nil
}

// envelopeSeeds are the shapes clients send and the corners where a hand-written
// decoder could part from encoding/json.
var envelopeSeeds = []string{
	`{"message_id":"1","command":"time"}`,
	`{"message_id":7,"command":"players/all","args":{"a":[1,2,{"b":"}"}],"c":"\"]"}}`,
	` { "command" : "x" , "args" : [ ] , "message_id" : -1.5e3 } ` + "\n",
	`{}`, `[]`, `null`, `"x"`, `1`, `{"command":"x"}x`, `{"command":"x",}`, `{"command":"x"`, `{,"command":"x"}`,
	`{"command":5}`, `{"command":null}`, `{"command":"x","command":null}`, `{"command":"x","command":"y"}`,
	`{"message_id":"a","command":5}`, `{"command":5,"message_id":"a"}`,
	`{"Command":"x"}`, `{"COMMAND":"x","MESSAGE_ID":"1"}`, `{"comm\u0061nd":"x"}`, `{"command":"\u0074ime"}`,
	`{"command":"tim\u00e9"}`, "{\"command\":\"t\xffme\"}", "{\"command\":\"t\u00e9\"}", "{\"message_id\":\"\xff\",\"command\":\"x\"}",
	`{"command":"x","other":1}`, `{"command":"x","args":null}`, `{"command":"x","args":nul}`, `{"command":"x","args":tru}`,
	`{"command":"x","args":{"a":1]}`, `{"command":"x","args":{"a":"\q"}}`, `{"command":"x","args":"\u12"}`,
	`{"command":"x","args":01}`, `{"command":"x","args":1.}`, `{"command":"x","args":-}`, `{"command":"x","args":1e}`,
	`{"message_id":null,"command":"x"}`, `{"message_id":true,"command":"x"}`, `{"message_id":{},"command":"x"}`,
	`{"message_id":[1],"command":"x"}`, `{"message_id":1e400,"command":"x"}`, `{"message_id":1e-400,"command":"x"}`,
	`{"message_id":-0,"command":"x"}`, `{"message_id":"<&>\u2028","command":"x"}`, `{"message_id":{ "a" : 1 },"command":"x"}`,
	`{"message_id":"` + string(bytes.Repeat([]byte("9"), 300)) + `","command":"x"}`,
	`{"message_id":` + string(bytes.Repeat([]byte("9"), 300)) + `,"command":"x"}`,
	`{"command":"` + string(bytes.Repeat([]byte("c"), 129)) + `"}`, `{"command":""}`, "{\"command\":\"a\tb\"}",
	"\x00", "", " ", `{"command":"x"}` + "\u00a0",
}

func FuzzDecodeCommandMatchesUnmarshal(f *testing.F) {
	for _, s := range envelopeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		got, gotErr := DecodeCommand(bytes.Clone(msg))
		want, wantErr := decodeCommandByUnmarshal(msg)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%q: error %v, encoding/json says %v", msg, gotErr, wantErr)
		}
		if gotErr != nil {
			gc, gd := fail.MACode(gotErr)
			wc, wd := fail.MACode(wantErr)
			if gc != wc || gd != wd {
				t.Fatalf("%q: error %d %q, encoding/json says %d %q", msg, gc, gd, wc, wd)
			}
		}
		sameRaw := func(what string, a, b json.RawMessage) {
			if !bytes.Equal(a, b) || (a == nil) != (b == nil) {
				t.Fatalf("%q: %s %q, encoding/json says %q", msg, what, a, b)
			}
		}
		sameRaw("message_id", got.MessageID, want.MessageID)
		sameRaw("args", got.Args, want.Args)
		if got.Command != want.Command {
			t.Fatalf("%q: command %q, encoding/json says %q", msg, got.Command, want.Command)
		}
	})
}

// TestScanEnvelopeTakesTheCommonShape: the fast path, not the fallback, decodes
// what clients send (else the fuzz target would prove nothing about it).
func TestScanEnvelopeTakesTheCommonShape(t *testing.T) {
	for _, s := range envelopeSeeds[:3] {
		if _, ok := scanEnvelope([]byte(s)); !ok {
			t.Errorf("%s: not taken by the fast path", s)
		}
	}
}
