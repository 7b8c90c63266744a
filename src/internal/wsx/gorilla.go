package wsx

import (
	"time"

	"github.com/gorilla/websocket"
)

// ProtocolPing sends a WebSocket ping frame on ws. gorilla allows it beside the
// socket's one writer. The write deadline is the network's, so it is real time.
func ProtocolPing(ws *websocket.Conn, writeTimeout time.Duration) func() error {
	return func() error { return ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)) }
}

// Listen counts ws's pongs and pings as signs of life (pings are still answered);
// call it before the socket's reader starts. The reader calls Heard for messages.
func (k *Keepalive) Listen(ws *websocket.Conn) {
	ws.SetPongHandler(func(string) error { k.Heard(); return nil })
	answer := ws.PingHandler()
	ws.SetPingHandler(func(data string) error { k.Heard(); return answer(data) })
}
