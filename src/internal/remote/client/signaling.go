package client

import (
	"context"

	"segue/internal/signaling"
)

// signalReadLimit bounds one signaling frame (an answer SDP with its candidates fits
// many times over).
const signalReadLimit = 256 << 10

// sigPump feeds the pairing loop from the signaling package's client role (which
// owns the socket, keepalive, bounded decoding and close codes): one goroutine turns
// Recv into a channel the loop can select on with its peer events.
type sigPump struct {
	client *signaling.Client
	in     chan signaling.Message
	done   chan struct{}
}

func pumpSignaling(c *signaling.Client) *sigPump {
	s := &sigPump{client: c, in: make(chan signaling.Message, 64), done: make(chan struct{})}
	go s.pump()
	return s
}

func (s *sigPump) pump() {
	defer close(s.done)
	for {
		m, err := s.client.Recv(context.Background())
		if err != nil {
			return // the connection ended (Close, the server, or the network)
		}
		select {
		case s.in <- m:
		default: // a flooding signaling server loses messages, not our memory
		}
	}
}

func (s *sigPump) close() {
	s.client.Close()
	<-s.done
}
