package peer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
)

// Chunking (MA #4930): a text message larger than ChunkSize is cut into ChunkSize slices
// of its bytes, each sent as {"type":"__chunk__","id":<group>,"seq":i,"count":n,"b64":…}.
// The SCTP message limit (256 KiB, enforced by libdatachannel and Chrome) is why.
const ChunkSize = 64 * 1024

// chunkFrame is one frame on the wire.
type chunkFrame struct {
	Type  string `json:"type"`
	ID    int64  `json:"id"`
	Seq   int    `json:"seq"`
	Count int    `json:"count"`
	B64   string `json:"b64"`
}

var chunkMarker = []byte(`"__chunk__"`)

// ChunkFrames splits msg into chunk frames (nil when msg fits in one message).
func ChunkFrames(group int64, msg []byte) [][]byte {
	if len(msg) <= ChunkSize {
		return nil
	}
	n := (len(msg) + ChunkSize - 1) / ChunkSize
	frames := make([][]byte, 0, n)
	prefix := `{"type":"__chunk__","id":` + strconv.FormatInt(group, 10) + `,"seq":`
	for i := 0; i < n; i++ {
		part := msg[i*ChunkSize : min((i+1)*ChunkSize, len(msg))]
		var b bytes.Buffer
		b.Grow(len(prefix) + 40 + base64.StdEncoding.EncodedLen(len(part)))
		b.WriteString(prefix)
		b.WriteString(strconv.Itoa(i))
		b.WriteString(`,"count":`)
		b.WriteString(strconv.Itoa(n))
		b.WriteString(`,"b64":"`)
		enc := make([]byte, base64.StdEncoding.EncodedLen(len(part)))
		base64.StdEncoding.Encode(enc, part)
		b.Write(enc)
		b.WriteString(`"}`)
		frames = append(frames, b.Bytes())
	}
	return frames
}

// ErrChunkLimit means a peer's chunked message broke the reassembly bounds.
var ErrChunkLimit = errors.New("remote: chunked message exceeds limits")

// Reassembler rebuilds chunked messages with a cap on the total size of everything it
// holds and on the number of open groups, so a peer cannot make it buffer without bound.
// Not safe for concurrent use: one reader goroutine owns it.
type Reassembler struct {
	MaxBytes  int // total decoded bytes held across open groups
	MaxGroups int
	groups    map[int64]*chunkGroup
	held      int
}

type chunkGroup struct {
	parts [][]byte
	got   int
}

// NewReassembler makes a reassembler with the given bounds.
func NewReassembler(maxBytes, maxGroups int) *Reassembler {
	return &Reassembler{MaxBytes: maxBytes, MaxGroups: maxGroups, groups: map[int64]*chunkGroup{}}
}

// IsChunk reports whether msg looks like a chunk frame (cheap pre-check).
func IsChunk(msg []byte) bool {
	return len(msg) < 2*ChunkSize+1024 && bytes.Contains(msg, chunkMarker)
}

// Add feeds one message. It returns (whole, true, nil) when msg completed a group,
// (nil, false, nil) when msg was a chunk that is still incomplete, and (msg, true, nil)
// when msg is not a chunk at all. An error means the peer violated the protocol.
func (r *Reassembler) Add(msg []byte) ([]byte, bool, error) {
	if !IsChunk(msg) {
		return msg, true, nil
	}
	var f chunkFrame
	if err := json.Unmarshal(msg, &f); err != nil || f.Type != "__chunk__" {
		return msg, true, nil // a normal message that merely mentions __chunk__
	}
	maxCount := r.MaxBytes/ChunkSize + 1
	if f.Count < 1 || f.Count > maxCount || f.Seq < 0 || f.Seq >= f.Count {
		return nil, false, ErrChunkLimit
	}
	part, err := base64.StdEncoding.DecodeString(f.B64)
	if err != nil || len(part) > ChunkSize {
		return nil, false, ErrChunkLimit
	}
	g := r.groups[f.ID]
	if g == nil {
		if len(r.groups) >= r.MaxGroups {
			return nil, false, ErrChunkLimit
		}
		g = &chunkGroup{parts: make([][]byte, f.Count)}
		r.groups[f.ID] = g
	}
	if len(g.parts) != f.Count || g.parts[f.Seq] != nil {
		return nil, false, ErrChunkLimit
	}
	if r.held+len(part) > r.MaxBytes {
		return nil, false, ErrChunkLimit
	}
	r.held += len(part)
	g.parts[f.Seq] = part
	g.got++
	if g.got < f.Count {
		return nil, false, nil
	}
	delete(r.groups, f.ID)
	whole := bytes.Join(g.parts, nil)
	r.held -= len(whole)
	return whole, true, nil
}
