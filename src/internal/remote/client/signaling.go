package client

import (
	"context"

	"github.com/gorilla/websocket"

	"segue/internal/signaling"
)

// sigConn feeds the pairing loop from the signaling package's client connection
// (which owns the socket, keepalive, bounded decoding and close codes): one pump
// goroutine turns Recv into a channel the loop can select on with its peer events.
type sigConn struct {
	conn *signaling.Conn
	in   chan signaling.Message
	done chan struct{}
}

func dialSignaling(ctx context.Context, d *websocket.Dialer, url string) (*sigConn, error) {
	conn, err := signaling.Dial(ctx, url, signaling.DialOptions{Dialer: d, MaxMessageBytes: 256 << 10})
	if err != nil {
		return nil, err
	}
	s := &sigConn{conn: conn, in: make(chan signaling.Message, 64), done: make(chan struct{})}
	go s.pump()
	return s, nil
}

func (s *sigConn) pump() {
	defer close(s.done)
	for {
		m, err := s.conn.Recv(context.Background())
		if err != nil {
			return // the connection ended (Close, the server, or the network)
		}
		select {
		case s.in <- m:
		default: // a flooding signaling server loses messages, not our memory
		}
	}
}

func (s *sigConn) send(m signaling.Message) error { return s.conn.Send(context.Background(), m) }

func (s *sigConn) close() {
	s.conn.Close()
	<-s.done
}
