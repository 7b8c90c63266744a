package web

import (
	"context"
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"segue/internal/clock"
	"segue/internal/wsx"
)

// WebSocket liveness: ping every 25 s; a peer that leaves a ping unanswered for
// 35 s is dropped (at most 60 s after its last frame, as before).
var keepalive = wsx.Timing{Every: 25 * time.Second, Wait: 35 * time.Second}

const (
	writeWait  = 10 * time.Second
	closeGrace = time.Second
)

// wsConn adapts a gorilla connection to api.Conn: one reader (the session loop),
// one writer (the session's writer), control frames from anywhere.
type wsConn struct {
	c         *websocket.Conn
	alive     *wsx.Keepalive
	scratch   *readBuffers
	closeOnce sync.Once
}

func newWSConn(c *websocket.Conn, readLimit int64, clk clock.Clock, scratch *readBuffers) *wsConn {
	w := &wsConn{c: c, scratch: scratch}
	c.SetReadLimit(readLimit)
	w.alive = wsx.StartKeepalive(clk, keepalive, wsx.ProtocolPing(c, writeWait),
		func(error) { _ = w.Close(websocket.CloseGoingAway, "") })
	w.alive.Listen(c)
	return w
}

var errInvalidUTF8 = errors.New("text frame is not UTF-8")

// Receive returns the next text message; binary frames are ignored.
func (w *wsConn) Receive(ctx context.Context) ([]byte, error) {
	for {
		kind, r, err := w.c.NextReader()
		if err != nil {
			return nil, err
		}
		w.alive.Heard()
		if kind != websocket.TextMessage {
			continue // the next NextReader skips the rest (still within the read limit)
		}
		msg, err := w.scratch.readAll(r)
		if err != nil {
			return nil, err
		}
		if !utf8.Valid(msg) {
			// RFC 6455 §8.1: a text frame must be UTF-8; the connection fails with 1007.
			_ = w.Close(websocket.CloseInvalidFramePayloadData, "invalid UTF-8")
			return nil, errInvalidUTF8
		}
		return msg, nil
	}
}

func (w *wsConn) Send(ctx context.Context, msg []byte) error {
	_ = w.c.SetWriteDeadline(time.Now().Add(writeWait))
	return w.c.WriteMessage(websocket.TextMessage, msg)
}

// Close sends a close frame with code and closes the socket.
func (w *wsConn) Close(code int, reason string) error {
	w.closeOnce.Do(func() {
		w.alive.Stop()
		if code == 0 {
			code = websocket.CloseNormalClosure
		}
		_ = w.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(closeGrace))
		_ = w.c.Close()
	})
	return nil
}
