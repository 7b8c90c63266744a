package web

import (
	"bytes"
	"io"
	"sync"
)

const (
	readBufferStart = 512      // a command message is usually far smaller
	maxPooledRead   = 64 << 10 // a rare large message does not pin its buffer
)

// readBuffers lend sockets a buffer to read a message into, so that a message
// costs one allocation of its own size (io.ReadAll starts every message with a
// fresh 512-byte buffer), and an idle socket holds none.
type readBuffers struct{ pool sync.Pool }

// readAll reads r to its end and returns a copy the caller owns.
func (p *readBuffers) readAll(r io.Reader) ([]byte, error) {
	bp, _ := p.pool.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, readBufferStart)
		bp = &b
	}
	buf := (*bp)[:0]
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
	msg := bytes.Clone(buf)
	if cap(buf) <= maxPooledRead {
		*bp = buf
		p.pool.Put(bp)
	}
	return msg, nil
}
