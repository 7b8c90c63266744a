package client

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/remote"
)

// sigConn is the client's signaling WebSocket: one reader goroutine feeding a channel,
// writes serialised by a mutex (gorilla allows one writer).
type sigConn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex
	in   chan remote.SignalMessage
	done chan struct{}
}

func dialSignaling(ctx context.Context, d *websocket.Dialer, url string) (*sigConn, error) {
	ws, _, err := d.DialContext(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(256 << 10)
	s := &sigConn{ws: ws, in: make(chan remote.SignalMessage, 64), done: make(chan struct{})}
	go s.readLoop()
	return s, nil
}

func (s *sigConn) readLoop() {
	defer close(s.done)
	for {
		_, data, err := s.ws.ReadMessage()
		if err != nil {
			return
		}
		var m remote.SignalMessage
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		if m.Type == remote.SigPing {
			s.send(remote.SignalMessage{Type: remote.SigPong})
			continue
		}
		select {
		case s.in <- m:
		default: // a flooding signaling server loses messages, not our memory
		}
	}
}

func (s *sigConn) send(m remote.SignalMessage) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return s.ws.WriteJSON(m)
}

func (s *sigConn) close() {
	s.wmu.Lock()
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	s.wmu.Unlock()
	_ = s.ws.Close()
	<-s.done
}
