package remote

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/pion/datachannel"
	"github.com/pion/webrtc/v4"
)

// Backpressure bounds for one data channel's send buffer (pion's flow-control example):
// writers wait while more than highWater bytes are queued in SCTP.
const (
	highWater = 1 << 20
	lowWater  = 256 << 10
)

var errLinkClosed = errors.New("remote: data channel closed")

// link is one detached data channel. Writes are serialised by wmu and gated on the
// channel's buffered amount, so a slow remote never makes us buffer without bound.
type link struct {
	dc     *webrtc.DataChannel
	rw     datachannel.ReadWriteCloserDeadliner
	low    chan struct{}
	closed chan struct{}
	once   sync.Once
	wmu    sync.Mutex
}

// newLink must be called from (or after) OnOpen: pion applies the low threshold only then.
func newLink(dc *webrtc.DataChannel, rw datachannel.ReadWriteCloserDeadliner) *link {
	l := &link{dc: dc, rw: rw, low: make(chan struct{}, 1), closed: make(chan struct{})}
	dc.SetBufferedAmountLowThreshold(lowWater)
	dc.OnBufferedAmountLow(func() {
		select { // never block a pion callback
		case l.low <- struct{}{}:
		default:
		}
	})
	return l
}

// write sends one message; the caller holds wmu when several frames must stay together.
func (l *link) writeLocked(ctx context.Context, data []byte, text bool) error {
	for l.dc.BufferedAmount() > highWater {
		// Re-check even if a low event was missed. Real time on purpose: pion
		// drains the buffer in real time, and a test's fake clock would leave a
		// missed event unrecovered.
		t := time.NewTimer(time.Second)
		select {
		case <-l.low:
		case <-t.C:
		case <-l.closed:
			t.Stop()
			return errLinkClosed
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
	select {
	case <-l.closed:
		return errLinkClosed
	default:
	}
	_, err := l.rw.WriteDataChannel(data, text)
	return err
}

func (l *link) write(ctx context.Context, data []byte, text bool) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	return l.writeLocked(ctx, data, text)
}

// read returns one whole message; buf must be larger than MaxMessageSize.
func (l *link) read(buf []byte) (int, bool, error) { return l.rw.ReadDataChannel(buf) }

func (l *link) close() {
	l.once.Do(func() {
		close(l.closed)
		_ = l.rw.Close()
	})
}
