package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"segue/internal/auth"
	"segue/internal/fail"
)

// Handler runs one command.
type Handler func(ctx context.Context, call *Call) (any, error)

// Command is one entry of the registry.
type Command struct {
	Name string
	// Scope the caller must hold; empty means any authenticated principal.
	Scope auth.Scope
	// Public commands run before authentication.
	Public bool
	// Description and Args (a zero value of the args struct) feed the API docs.
	Description string
	Args        any
	Handler     Handler
}

// Call is one invocation.
type Call struct {
	// Principal is nil for public commands on unauthenticated connections.
	Principal *auth.Principal
	Args      json.RawMessage
	Info      ConnInfo
	// Session is the live connection (nil for POST /api); auth commands use it to
	// authenticate the connection in place.
	Session *Session
}

// Registry holds the commands; it is filled during wiring and read afterwards.
type Registry struct {
	mu       sync.RWMutex
	commands map[string]*Command
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{commands: map[string]*Command{}} }

// Register adds commands; a duplicate name is a programming error.
func (r *Registry) Register(cmds ...Command) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range cmds {
		c := cmds[i]
		if _, dup := r.commands[c.Name]; dup {
			panic(fmt.Sprintf("api: command %q registered twice", c.Name))
		}
		r.commands[c.Name] = &c
	}
}

// Lookup finds a command.
func (r *Registry) Lookup(name string) (*Command, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.commands[name]
	return c, ok
}

// All returns the commands sorted by name.
func (r *Registry) All() []*Command {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Command, 0, len(r.commands))
	for _, c := range r.commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DecodeArgs decodes a call's args into T, rejecting unknown fields; empty args give T's zero value.
func DecodeArgs[T any](call *Call) (T, error) {
	var v T
	raw := bytes.TrimSpace(call.Args)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, fail.Invalid("Invalid arguments: %s", describeJSONError(err))
	}
	return v, nil
}

func describeJSONError(err error) string {
	switch e := err.(type) {
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %q must be %s", e.Field, e.Type.String())
	case *json.SyntaxError:
		return "malformed JSON"
	}
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return msg
}
