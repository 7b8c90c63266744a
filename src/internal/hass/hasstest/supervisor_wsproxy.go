package hasstest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// serveWebsocketProxy is the Supervisor's /core/websocket (api/proxy.py): it runs the auth
// phase itself against the add-on token, then opens its own Core connection as the
// Supervisor user and pipes frames both ways, answering supervisor/* and hassio/*
// commands itself with unauthorized.
func (s *Supervisor) serveWebsocketProxy(w http.ResponseWriter, r *http.Request) {
	client, err := coreUpgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer client.Close()
	client.SetReadLimit(maxWebsocketMessage)
	s.track(client, true)
	defer s.track(client, false)

	if writeJSON(client, map[string]any{"type": "auth_required", "ha_version": s.coreVersion()}) != nil {
		return
	}
	client.SetReadDeadline(time.Now().Add(10 * time.Second))
	var auth map[string]any
	if client.ReadJSON(&auth) != nil {
		return
	}
	client.SetReadDeadline(time.Time{})
	token, _ := auth["api_password"].(string)
	if token == "" {
		token, _ = auth["access_token"].(string)
	}
	if token != s.opts.Token || s.opts.NoHomeassistantAPI || s.opts.Core == nil {
		writeJSON(client, map[string]any{"type": "auth_invalid", "message": "Invalid access"})
		return
	}
	upstream, err := s.dialCore(r.Context())
	if err != nil {
		return // Core down: the Supervisor closes the client's socket
	}
	defer upstream.Close()
	if writeJSON(client, map[string]any{"type": "auth_ok", "ha_version": s.coreVersion()}) != nil {
		return
	}
	pipe(client, upstream)
}

// dialCore connects to the fake Core as the Supervisor user and completes its auth phase.
func (s *Supervisor) dialCore(ctx context.Context) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, s.opts.Core.WebsocketURL(), nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(maxWebsocketMessage)
	var msg map[string]any
	if err := ws.ReadJSON(&msg); err != nil {
		ws.Close()
		return nil, err
	}
	if err := ws.WriteJSON(map[string]any{"type": "auth", "access_token": s.coreToken}); err != nil {
		ws.Close()
		return nil, err
	}
	if err := ws.ReadJSON(&msg); err != nil || msg["type"] != "auth_ok" {
		ws.Close()
		if err == nil {
			err = websocket.ErrBadHandshake
		}
		return nil, err
	}
	return ws, nil
}

// pipe copies frames both ways until either side ends, then closes both.
func pipe(client, upstream *websocket.Conn) {
	var clientWrite sync.Mutex // both directions may write to the client
	done := make(chan struct{}, 2)
	go func() {
		defer func() { done <- struct{}{} }()
		for {
			kind, data, err := upstream.ReadMessage()
			if err != nil {
				return
			}
			clientWrite.Lock()
			err = writeFrame(client, kind, data)
			clientWrite.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		for {
			kind, data, err := client.ReadMessage()
			if err != nil {
				return
			}
			if id, denied := supervisorOnlyCommand(data); denied {
				clientWrite.Lock()
				err = writeJSON(client, errorResult(id, wsError{"unauthorized", "Unauthorized"}))
				clientWrite.Unlock()
				if err != nil {
					return
				}
				continue
			}
			if writeFrame(upstream, kind, data) != nil {
				return
			}
		}
	}()
	<-done
	client.Close()
	upstream.Close()
	<-done
}

// writeFrame gives every forwarded frame its own write deadline. writeJSON's deadline
// outlives its call, so without a fresh one here the auth phase's 10 s deadline was
// still set on the client socket, and the first frame forwarded more than 10 s after
// auth_ok failed and dropped the connection.
func writeFrame(ws *websocket.Conn, kind int, data []byte) error {
	ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return ws.WriteMessage(kind, data)
}

// supervisorOnlyCommand spots supervisor/* and hassio/* commands, which the proxy refuses.
func supervisorOnlyCommand(data []byte) (int64, bool) {
	var msg struct {
		ID   int64  `json:"id"`
		Type string `json:"type"`
	}
	if json.Unmarshal(data, &msg) != nil {
		return 0, false
	}
	return msg.ID, strings.HasPrefix(msg.Type, "supervisor/") || strings.HasPrefix(msg.Type, "hassio/")
}

func (s *Supervisor) track(ws *websocket.Conn, add bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		s.live[ws] = struct{}{}
	} else {
		delete(s.live, ws)
	}
}

// DropConnections closes every proxied websocket, as a Supervisor restart would.
func (s *Supervisor) DropConnections() {
	s.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(s.live))
	for ws := range s.live {
		conns = append(conns, ws)
	}
	s.mu.Unlock()
	for _, ws := range conns {
		ws.Close()
	}
}
