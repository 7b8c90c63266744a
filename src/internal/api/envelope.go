package api

import (
	"bytes"
	"encoding/json"
	"strconv"

	"segue/internal/fail"
)

// MaxMessageBytes bounds one incoming command message.
const MaxMessageBytes = 1 << 20

// CommandMessage is a client command (MA envelope).
type CommandMessage struct {
	MessageID json.RawMessage `json:"message_id"`
	Command   string          `json:"command"`
	Args      json.RawMessage `json:"args"`
}

// SuccessMessage is a result.
type SuccessMessage struct {
	MessageID json.RawMessage `json:"message_id"`
	Result    any             `json:"result"`
	Partial   bool            `json:"partial"`
}

// ErrorMessage is an error result.
type ErrorMessage struct {
	MessageID json.RawMessage `json:"message_id"`
	ErrorCode int             `json:"error_code"`
	Details   string          `json:"details"`
}

// EventMessage is a pushed event.
type EventMessage struct {
	Event    string `json:"event"`
	ObjectID string `json:"object_id,omitempty"`
	Data     any    `json:"data"`
}

// DecodeCommand parses one incoming message. message_id may be a string or a
// number (echoed back as sent); command is required.
func DecodeCommand(msg []byte) (CommandMessage, error) {
	if len(msg) > MaxMessageBytes {
		return CommandMessage{}, fail.Invalid("Message too large")
	}
	c, ok := scanEnvelope(msg)
	if !ok {
		var err error
		if c, err = unmarshalEnvelope(msg); err != nil {
			return c, fail.Invalid("Invalid JSON: message must be a JSON object")
		}
	}
	id := bytes.TrimSpace(c.MessageID)
	if len(id) > 0 && id[0] != '"' && !isNumber(id) && !bytes.Equal(id, []byte("null")) {
		return c, fail.Invalid("Invalid JSON: message_id must be a string or a number")
	}
	if len(id) > 256 {
		return c, fail.Invalid("Invalid JSON: message_id is too long")
	}
	if c.Command == "" {
		return c, fail.Invalid("Invalid JSON: missing required field command")
	}
	if len(c.Command) > 128 {
		return c, fail.New(fail.KindUnknownCommand, "Invalid command")
	}
	return c, nil
}

// unmarshalEnvelope is the general path (its own variable, so that the fast
// path's result stays on the stack).
func unmarshalEnvelope(msg []byte) (CommandMessage, error) {
	var c CommandMessage
	err := json.Unmarshal(msg, &c)
	return c, err
}

// isNumber reports whether the JSON value b is a number that fits a float64 (what
// decoding it into one accepts).
func isNumber(b []byte) bool {
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return false
	}
	_, err := strconv.ParseFloat(string(b), 64)
	return err == nil
}

func errorMessage(id json.RawMessage, err error) ErrorMessage {
	code, details := fail.MACode(err)
	return ErrorMessage{MessageID: orNull(id), ErrorCode: code, Details: details}
}

func orNull(id json.RawMessage) json.RawMessage {
	if len(id) == 0 {
		return json.RawMessage("null")
	}
	return id
}
