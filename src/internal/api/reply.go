package api

import (
	"bytes"
	"encoding/json"
	"sync"
)

// maxPooledReply is the largest reply buffer kept for reuse: a large result (a
// 500-item page) should not pin its buffer after the burst.
const maxPooledReply = 64 << 10

// replyBuffer is where a success reply is encoded. The Server pools them, so a
// round trip allocates no envelope, no copy of the encoding and no encoder.
type replyBuffer struct {
	buf bytes.Buffer
	enc *json.Encoder
}

type replyBuffers struct{ pool sync.Pool }

func (r *replyBuffers) get() *replyBuffer {
	if b, ok := r.pool.Get().(*replyBuffer); ok {
		b.buf.Reset()
		return b
	}
	b := &replyBuffer{}
	b.enc = json.NewEncoder(&b.buf)
	return b
}

func (r *replyBuffers) put(b *replyBuffer) {
	if b.buf.Cap() <= maxPooledReply {
		r.pool.Put(b)
	}
}

// encodeSuccess writes the bytes json.Marshal gives for SuccessMessage{id,
// result, partial}, without its reflection over the envelope. id is a message_id
// DecodeCommand accepted (a string, a number or null, no white space), so
// escaping it for HTML is all the compaction Marshal would do.
func (b *replyBuffer) encodeSuccess(id json.RawMessage, result any, partial bool) error {
	b.buf.WriteString(`{"message_id":`)
	json.HTMLEscape(&b.buf, orNull(id))
	b.buf.WriteString(`,"result":`)
	if err := b.enc.Encode(result); err != nil {
		return err
	}
	b.buf.Truncate(b.buf.Len() - 1) // Encode's newline
	if partial {
		b.buf.WriteString(`,"partial":true}`)
	} else {
		b.buf.WriteString(`,"partial":false}`)
	}
	return nil
}
