package web

import (
	"context"
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// WebSocket liveness: ping every pingEvery, drop the peer after pongWait of silence.
const (
	pingEvery  = 25 * time.Second
	pongWait   = 60 * time.Second
	writeWait  = 10 * time.Second
	closeGrace = time.Second
)

// wsConn adapts a gorilla connection to api.Conn: one reader (the session loop),
// one writer (the session's writer goroutine), control frames from anywhere.
type wsConn struct {
	c         *websocket.Conn
	closeOnce sync.Once
	done      chan struct{}
}

func newWSConn(c *websocket.Conn, readLimit int64) *wsConn {
	w := &wsConn{c: c, done: make(chan struct{})}
	c.SetReadLimit(readLimit)
	_ = c.SetReadDeadline(time.Now().Add(pongWait))
	c.SetPongHandler(func(string) error { return c.SetReadDeadline(time.Now().Add(pongWait)) })
	go w.pingLoop()
	return w
}

func (w *wsConn) pingLoop() {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
			if err := w.c.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				_ = w.Close(1001, "")
				return
			}
		}
	}
}

var errInvalidUTF8 = errors.New("text frame is not UTF-8")

// Receive returns the next text message; binary frames are ignored.
func (w *wsConn) Receive(ctx context.Context) ([]byte, error) {
	for {
		kind, msg, err := w.c.ReadMessage()
		if err != nil {
			return nil, err
		}
		if kind == websocket.TextMessage {
			if !utf8.Valid(msg) {
				// RFC 6455 §8.1: a text frame must be UTF-8; the connection fails with 1007.
				_ = w.Close(websocket.CloseInvalidFramePayloadData, "invalid UTF-8")
				return nil, errInvalidUTF8
			}
			return msg, nil
		}
	}
}

func (w *wsConn) Send(ctx context.Context, msg []byte) error {
	_ = w.c.SetWriteDeadline(time.Now().Add(writeWait))
	return w.c.WriteMessage(websocket.TextMessage, msg)
}

// Close sends a close frame with code and closes the socket.
func (w *wsConn) Close(code int, reason string) error {
	w.closeOnce.Do(func() {
		close(w.done)
		if code == 0 {
			code = websocket.CloseNormalClosure
		}
		_ = w.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(closeGrace))
		_ = w.c.Close()
	})
	return nil
}
