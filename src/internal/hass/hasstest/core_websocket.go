package hasstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// maxWebsocketMessage bounds one client message to the fake, like HA's own limit.
const maxWebsocketMessage = 4 << 20

var coreUpgrader = websocket.Upgrader{
	// HA does not check Origin on its websocket: tokens, not cookies, authenticate it.
	CheckOrigin: func(*http.Request) bool { return true },
}

// wsError is the error object of a failed result.
type wsError struct {
	code, message string
}

func (c *Core) serveWebsocket(w http.ResponseWriter, r *http.Request) {
	ws, err := coreUpgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader already answered
	}
	defer ws.Close()
	ws.SetReadLimit(maxWebsocketMessage)
	c.mu.Lock()
	c.live[ws] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.live, ws)
		c.mu.Unlock()
	}()

	user, ok := c.websocketAuth(ws)
	if !ok {
		return
	}
	c.mu.Lock()
	c.connections++
	connNo := c.connections
	c.mu.Unlock()
	c.websocketCommands(ws, connNo, user)
}

// websocketAuth runs HA's auth phase (websocket_api/auth.py).
func (c *Core) websocketAuth(ws *websocket.Conn) (User, bool) {
	if writeJSON(ws, map[string]any{"type": "auth_required", "ha_version": c.opts.Version}) != nil {
		return User{}, false
	}
	ws.SetReadDeadline(time.Now().Add(c.opts.AuthTimeout))
	_, data, err := ws.ReadMessage()
	if err != nil {
		c.opts.Logger.Warn("Did not receive auth message within 10 seconds")
		return User{}, false
	}
	ws.SetReadDeadline(time.Time{})
	var msg map[string]any
	if err := json.Unmarshal(data, &msg); err != nil {
		return User{}, false // HA disconnects on invalid JSON
	}
	if problem := authMessageProblem(msg); problem != "" {
		writeJSON(ws, map[string]any{"type": "auth_invalid", "message": "Auth message incorrectly formatted: " + problem})
		return User{}, false
	}
	token, _ := msg["access_token"].(string)
	user, ok := c.userForAccessToken(token)
	if !ok {
		writeJSON(ws, map[string]any{"type": "auth_invalid", "message": "Invalid access token or password"})
		return User{}, false
	}
	if writeJSON(ws, map[string]any{"type": "auth_ok", "ha_version": c.opts.Version}) != nil {
		return User{}, false
	}
	return user, true
}

// authMessageProblem checks AUTH_MESSAGE_SCHEMA: type "auth", access_token and
// api_password exclusive strings.
func authMessageProblem(msg map[string]any) string {
	if t, _ := msg["type"].(string); t != "auth" {
		return "value must be one of ['auth'] for dictionary value @ data['type']"
	}
	_, hasToken := msg["access_token"]
	_, hasPassword := msg["api_password"]
	if hasToken && hasPassword {
		return "two or more values in the same group of exclusion 'login' @ data[<login>]"
	}
	for _, k := range []string{"access_token", "api_password"} {
		if v, ok := msg[k]; ok {
			if _, isString := v.(string); !isString {
				return fmt.Sprintf("expected str for dictionary value @ data['%s']", k)
			}
		}
	}
	return ""
}

// coreConn is one authenticated websocket; events and answers share its writer.
type coreConn struct {
	ws   *websocket.Conn
	mu   sync.Mutex
	subs []int64 // ids of its state_changed subscriptions
}

func (cc *coreConn) write(v any) error {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return writeJSON(cc.ws, v)
}

func (c *Core) websocketCommands(ws *websocket.Conn, connNo int, user User) {
	cc := &coreConn{ws: ws}
	c.mu.Lock()
	c.conns[cc] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.conns, cc)
		c.mu.Unlock()
	}()
	var calls sync.WaitGroup
	defer calls.Wait()
	var lastID int64
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var msg map[string]json.RawMessage
		if err := json.Unmarshal(data, &msg); err != nil {
			return // HA closes the connection on a frame that is not a JSON object
		}
		var id int64
		var cmdType string
		if json.Unmarshal(msg["id"], &id) != nil || json.Unmarshal(msg["type"], &cmdType) != nil || cmdType == "" {
			if cc.write(errorResult(id, wsError{"invalid_format", "Message incorrectly formatted."})) != nil {
				return
			}
			continue
		}
		if id <= lastID {
			if cc.write(errorResult(id, wsError{"id_reuse", "Identifier values have to increase."})) != nil {
				return
			}
			continue
		}
		lastID = id
		c.mu.Lock()
		c.received = append(c.received, ReceivedCommand{Connection: connNo, ID: id, Type: cmdType, UserID: user.ID})
		c.mu.Unlock()
		var answer map[string]any
		switch cmdType {
		case "subscribe_events":
			answer = c.subscribeEvents(cc, id, msg)
		case "call_service":
			// HA runs each command as its own task: a play_media that waits for a slow
			// stream does not hold up the connection's other commands.
			calls.Go(func() {
				if cc.write(c.callService(id, msg)) != nil {
					ws.Close()
				}
			})
			continue
		default:
			answer = c.answer(id, cmdType, user.ID)
		}
		if cc.write(answer) != nil {
			return
		}
	}
}

// answer runs one command as the user (re-read each time so demotions apply at once).
func (c *Core) answer(id int64, cmdType, userID string) map[string]any {
	if cmdType == "ping" {
		return map[string]any{"id": id, "type": "pong"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	user := c.userLocked(userID)
	if user == nil || !user.IsActive {
		return errorResult(id, wsError{"unauthorized", "Unauthorized"})
	}
	switch cmdType {
	case "supported_features":
		return okResult(id, nil)
	case "get_config":
		return okResult(id, map[string]any{"version": c.opts.Version, "location_name": "Home",
			"time_zone": "UTC", "unit_system": map[string]any{"length": "km"}, "components": []string{"cloud", "hassio"}})
	case "cloud/status":
		if c.cloud == CloudNotLoaded {
			return errorResult(id, unknownCommand)
		}
		return okResult(id, c.cloudStatusLocked())
	case "cloud/webrtc/ice_servers":
		if c.cloud == CloudNotLoaded || c.iceMissing {
			return errorResult(id, unknownCommand)
		}
		if c.cloud == CloudLoggedOut {
			return errorResult(id, wsError{"not_logged_in", "You need to be logged in to the cloud."})
		}
		list := []map[string]any{}
		if c.cloud == CloudActive || c.cloud == CloudLoggedInLegacy {
			for _, s := range c.iceServers {
				e := map[string]any{"urls": s.URLs}
				if s.Username != "" {
					e["username"] = s.Username
				}
				if s.Credential != "" {
					e["credential"] = s.Credential
				}
				list = append(list, e)
			}
		}
		return okResult(id, list)
	case "config/auth/list":
		if !user.IsAdmin() {
			return errorResult(id, wsError{"unauthorized", "Unauthorized"})
		}
		list := make([]map[string]any, 0, len(c.users))
		for _, u := range c.users {
			list = append(list, u.authListEntry())
		}
		return okResult(id, list)
	case "get_states":
		list := make([]map[string]any, 0, len(c.speakers))
		for _, s := range c.speakers {
			list = append(list, s.stateObject())
		}
		return okResult(id, list)
	case "config/entity_registry/list":
		if !user.IsAdmin() {
			return errorResult(id, wsError{"unauthorized", "Unauthorized"})
		}
		list := make([]map[string]any, 0, len(c.speakers))
		for _, s := range c.speakers {
			list = append(list, map[string]any{"entity_id": s.opts.EntityID, "platform": s.opts.Platform, "id": s.opts.EntityID,
				"device_id": nullable(s.deviceID()), "disabled_by": nil, "hidden_by": nil, "name": nil, "original_name": s.opts.Name})
		}
		return okResult(id, list)
	case "config/device_registry/list":
		if !user.IsAdmin() { // as the entity registry here
			return errorResult(id, wsError{"unauthorized", "Unauthorized"})
		}
		list := []map[string]any{}
		for _, s := range c.speakers {
			if s.opts.Device != nil {
				list = append(list, s.deviceEntry())
			}
		}
		return okResult(id, list)
	case "network/url":
		return okResult(id, map[string]any{
			"internal": nullable(c.network.Internal), "external": nullable(c.network.External),
			"cloud": nullable(c.network.Cloud),
		})
	case "auth/current_user":
		return okResult(id, user.currentUserEntry())
	}
	if strings.HasPrefix(cmdType, "supervisor/") || strings.HasPrefix(cmdType, "hassio/") {
		return errorResult(id, wsError{"unauthorized", "Unauthorized"})
	}
	return errorResult(id, unknownCommand)
}

var unknownCommand = wsError{"unknown_command", "Unknown command."}

func okResult(id int64, result any) map[string]any {
	return map[string]any{"id": id, "type": "result", "success": true, "result": result}
}

func errorResult(id int64, e wsError) map[string]any {
	return map[string]any{"id": id, "type": "result", "success": false,
		"error": map[string]any{"code": e.code, "message": e.message}}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func writeJSON(ws *websocket.Conn, v any) error {
	ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return ws.WriteJSON(v)
}
