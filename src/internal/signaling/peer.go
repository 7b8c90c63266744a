package signaling

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/wsx"
)

type role uint8

const (
	roleNone role = iota
	roleGateway
	roleClient
)

// peer is one WebSocket. Its read loop runs on the HTTP handler goroutine and its single
// writer goroutine owns every write (gorilla allows one writer), fed by a bounded queue:
// a peer that does not read its messages fills the queue and is dropped, never buffered
// without limit.
type peer struct {
	ws    *websocket.Conn
	ip    string
	alive *wsx.Keepalive

	out      chan []byte
	queued   atomic.Int64 // bytes in out
	budget   int64
	closing  chan closeReq // capacity 1; the first close request wins
	once     sync.Once
	closed   atomic.Bool   // a close was requested: stop acting on its messages
	done     chan struct{} // closed when the writer has finished and the socket is closed
	readDone chan struct{} // closed by the read loop when it returns

	// Guarded by hub.mu.
	role      role
	remoteID  string // gateway: its registered ID
	challenge []byte // gateway: the nonce it may sign to prove its ID (ownership.go)
	sessionID string // client: its current session
	dropped   int    // messages refused by the rate limiter
}

type closeReq struct {
	code   int
	reason string
}

func newPeer(ws *websocket.Conn, ip string, queue, queueBytes int) *peer {
	return &peer{
		ws: ws, ip: ip, budget: int64(queueBytes),
		out:      make(chan []byte, queue),
		closing:  make(chan closeReq, 1),
		done:     make(chan struct{}),
		readDone: make(chan struct{}),
	}
}

// send queues a frame without blocking. A queue over its frame or byte budget closes
// the peer: it is not reading, and buffering for it without limit would let one slow
// socket hold the server's memory.
func (p *peer) send(b []byte) {
	select {
	case <-p.done:
		return
	default:
	}
	if p.queued.Add(int64(len(b))) > p.budget {
		p.queued.Add(-int64(len(b)))
		p.close(websocket.ClosePolicyViolation, "send queue full")
		return
	}
	select {
	case p.out <- b:
	default:
		p.queued.Add(-int64(len(b)))
		p.close(websocket.ClosePolicyViolation, "send queue full")
	}
}

func (p *peer) sendMsg(m Message) { p.send(m.Encode()) }

func (p *peer) sendError(text string) { p.sendMsg(Message{Type: TypeError, Error: text}) }

// close asks the writer to flush what is queued, send a close frame and close the socket.
func (p *peer) close(code int, reason string) {
	p.once.Do(func() {
		p.closed.Store(true)
		p.closing <- closeReq{code, reason}
	})
}

// closeGrace is how long the writer waits, after its close frame, for the peer's
// answering close before dropping TCP. Closing at once would reset a connection with
// unread input, and a reset can destroy the close frame (and its code) in flight.
const closeGrace = time.Second

// ping is the keepalive's ping: a protocol ping (whose pong proves the peer alive) and
// a JSON ping, queued, for clients that only see application messages.
func (p *peer) ping(writeTimeout time.Duration, jsonPing []byte) func() error {
	protocol := wsx.ProtocolPing(p.ws, writeTimeout)
	return func() error {
		if err := protocol(); err != nil {
			return err
		}
		p.send(jsonPing)
		return nil
	}
}

// writeLoop runs until the peer closes.
func (p *peer) writeLoop(writeTimeout time.Duration) {
	defer close(p.done)
	defer p.ws.Close()
	write := func(b []byte) bool {
		p.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
		err := p.ws.WriteMessage(websocket.TextMessage, b)
		p.queued.Add(-int64(len(b)))
		return err == nil
	}
	for {
		select {
		case b := <-p.out:
			if !write(b) {
				return
			}
		case req := <-p.closing:
			// Flush what was queued before the close (e.g. the error explaining a 4008).
			for n := len(p.out); n > 0; n-- {
				if !write(<-p.out) {
					return
				}
			}
			p.ws.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(req.code, req.reason), time.Now().Add(writeTimeout))
			grace := time.NewTimer(closeGrace)
			select {
			case <-p.readDone:
			case <-grace.C:
			}
			grace.Stop()
			return
		}
	}
}
