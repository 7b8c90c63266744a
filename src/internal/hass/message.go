package hass

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// MaxFrameBytes bounds one websocket frame from HA. config/auth/list with many users
// and credentials stays far below it; anything larger is refused, not parsed.
const MaxFrameBytes = 4 << 20

// Server message types of HA's websocket API.
const (
	typeAuthRequired = "auth_required"
	typeAuthOK       = "auth_ok"
	typeAuthInvalid  = "auth_invalid"
	typeResult       = "result"
	typePong         = "pong"
	typeEvent        = "event"
)

// serverMessage is one message HA sends. Fields not used by a type stay zero.
type serverMessage struct {
	ID        int64           `json:"id"`
	Type      string          `json:"type"`
	Success   *bool           `json:"success"`
	Result    json.RawMessage `json:"result"`
	Error     *CommandError   `json:"error"`
	Event     json.RawMessage `json:"event"`
	HAVersion string          `json:"ha_version"`
	Message   string          `json:"message"`
}

var errEmptyFrame = errors.New("empty frame")

// decodeFrame parses one websocket text frame from HA. With coalesce_messages HA may send
// a JSON array of messages in one frame, so the result is a list. Every message is
// checked for the fields its type needs, so callers can trust what they get.
func decodeFrame(data []byte) ([]serverMessage, error) {
	if len(data) > MaxFrameBytes {
		return nil, fmt.Errorf("frame of %d bytes exceeds the %d byte limit", len(data), MaxFrameBytes)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errEmptyFrame
	}
	var msgs []serverMessage
	if trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &msgs); err != nil {
			return nil, fmt.Errorf("decode coalesced frame: %w", err)
		}
	} else {
		var m serverMessage
		if err := json.Unmarshal(trimmed, &m); err != nil {
			return nil, fmt.Errorf("decode frame: %w", err)
		}
		msgs = []serverMessage{m}
	}
	for i := range msgs {
		if err := msgs[i].validate(); err != nil {
			return nil, err
		}
	}
	return msgs, nil
}

func (m *serverMessage) validate() error {
	switch m.Type {
	case "":
		return errors.New("message without a type")
	case typeResult:
		if m.ID <= 0 {
			return fmt.Errorf("result message with invalid id %d", m.ID)
		}
		if m.Success == nil {
			return fmt.Errorf("result message %d without success", m.ID)
		}
		if !*m.Success && (m.Error == nil || m.Error.Code == "") {
			return fmt.Errorf("failed result message %d without an error code", m.ID)
		}
	case typePong, typeEvent:
		if m.ID <= 0 {
			return fmt.Errorf("%s message with invalid id %d", m.Type, m.ID)
		}
	}
	return nil
}

// encodeCommand builds the JSON of a command: params (a struct or map marshalling to a
// JSON object, or nil) plus id and type, which always win over same-named params.
func encodeCommand(id int64, cmdType string, params any) ([]byte, error) {
	fields := map[string]json.RawMessage{}
	if params != nil {
		raw, err := json.Marshal(params)
		if err != nil {
			return nil, fmt.Errorf("encode %s params: %w", cmdType, err)
		}
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, fmt.Errorf("%s params must encode to a JSON object: %w", cmdType, err)
		}
	}
	idRaw, _ := json.Marshal(id)
	typeRaw, _ := json.Marshal(cmdType)
	fields["id"] = idRaw
	fields["type"] = typeRaw
	return json.Marshal(fields)
}
