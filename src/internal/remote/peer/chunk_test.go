package peer

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestChunkRoundTripAndWireShape(t *testing.T) {
	if ChunkFrames(1, bytes.Repeat([]byte("a"), ChunkSize)) != nil {
		t.Fatal("a message of exactly 64 KiB must not be chunked")
	}
	msg := []byte(`{"message_id":"1","result":"` + strings.Repeat("é", 100_000) + `"}`)
	frames := ChunkFrames(7, msg)
	if len(frames) != (len(msg)+ChunkSize-1)/ChunkSize {
		t.Fatalf("%d frames", len(frames))
	}
	for i, f := range frames {
		if len(f) > MaxMessageSize {
			t.Fatalf("frame %d is %d bytes", i, len(f))
		}
		var cf chunkFrame
		if err := json.Unmarshal(f, &cf); err != nil || cf.Type != "__chunk__" || cf.ID != 7 || cf.Seq != i || cf.Count != len(frames) {
			t.Fatalf("frame %d: %+v %v", i, cf, err)
		}
	}
	r := NewReassembler(1<<20, 2)
	// Out of order delivery still reassembles.
	order := []int{2, 0, 3, 1}
	var whole []byte
	for k, i := range order {
		out, done, err := r.Add(frames[i])
		if err != nil {
			t.Fatal(err)
		}
		if done != (k == len(order)-1) {
			t.Fatalf("done=%v at %d", done, k)
		}
		whole = out
	}
	if !bytes.Equal(whole, msg) {
		t.Fatal("reassembled message differs")
	}
	if r.held != 0 || len(r.groups) != 0 {
		t.Fatal("reassembler kept state")
	}
	// Plain messages pass through, including ones mentioning __chunk__.
	for _, m := range []string{`{"command":"x"}`, `{"args":{"v":"__chunk__"}}`} {
		out, done, err := r.Add([]byte(m))
		if err != nil || !done || string(out) != m {
			t.Fatalf("plain %s: %s %v %v", m, out, done, err)
		}
	}
}

func TestReassemblerBounds(t *testing.T) {
	big := bytes.Repeat([]byte("z"), 5*ChunkSize)
	frames := ChunkFrames(1, big)
	r := NewReassembler(2*ChunkSize, 4)
	var err error
	for _, f := range frames {
		if _, _, err = r.Add(f); err != nil {
			break
		}
	}
	if err != ErrChunkLimit {
		t.Fatalf("over-size group accepted: %v", err)
	}
	r = NewReassembler(1<<20, 2)
	for id := int64(0); id < 3; id++ {
		f := ChunkFrames(id, bytes.Repeat([]byte("q"), ChunkSize+1))[0]
		_, _, err = r.Add(f)
	}
	if err != ErrChunkLimit {
		t.Fatal("too many open groups accepted")
	}
	r = NewReassembler(1<<20, 2)
	for _, bad := range []string{
		`{"type":"__chunk__","id":1,"seq":0,"count":0,"b64":""}`,
		`{"type":"__chunk__","id":1,"seq":5,"count":2,"b64":""}`,
		`{"type":"__chunk__","id":1,"seq":0,"count":100000,"b64":""}`,
		`{"type":"__chunk__","id":1,"seq":0,"count":2,"b64":"!!!"}`,
	} {
		if _, _, err := r.Add([]byte(bad)); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
	// A duplicate seq is a violation.
	r = NewReassembler(1<<20, 2)
	f := ChunkFrames(9, bytes.Repeat([]byte("d"), ChunkSize+1))
	if _, _, err := r.Add(f[0]); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Add(f[0]); err == nil {
		t.Fatal("duplicate chunk accepted")
	}
}
