package redisx

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
)

// Value is one RESP2 reply. Kind is the RESP type byte: '+' simple string, '-' error,
// ':' integer, '$' bulk string, '*' array. Null bulk strings and null arrays set Null.
type Value struct {
	Kind  byte
	Str   string
	Int   int64
	Array []Value
	Null  bool
}

// Error is an error reply sent by the Redis server (for example "WRONGTYPE ...").
// The connection stays usable after it.
type Error string

func (e Error) Error() string { return "redis: " + string(e) }

// ErrProtocol marks a malformed or over-limit reply; the connection is discarded.
var ErrProtocol = errors.New("redis: protocol error")

// Limits bound what a reply may make us allocate, so a broken or hostile server
// cannot exhaust memory.
type Limits struct {
	MaxBulk  int // bytes in one bulk string
	MaxArray int // elements in one array
	MaxDepth int // nesting of arrays
}

// DefaultLimits fit signaling payloads with a wide margin.
var defaultLimits = Limits{MaxBulk: 1 << 20, MaxArray: 4096, MaxDepth: 4}

// readValue reads one reply. The bufio.Reader's size bounds a status line: a longer
// line is a protocol error (ReadSlice returns ErrBufferFull) rather than a growing buffer.
func readValue(r *bufio.Reader, lim Limits, depth int) (Value, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return Value{}, fmt.Errorf("%w: line too long", ErrProtocol)
		}
		return Value{}, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return Value{}, fmt.Errorf("%w: bad line ending", ErrProtocol)
	}
	kind, body := line[0], string(line[1:len(line)-2])
	switch kind {
	case '+':
		return Value{Kind: kind, Str: body}, nil
	case '-':
		return Value{Kind: kind, Str: body}, nil
	case ':':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("%w: bad integer", ErrProtocol)
		}
		return Value{Kind: kind, Int: n}, nil
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 {
			return Value{}, fmt.Errorf("%w: bad bulk length", ErrProtocol)
		}
		if n == -1 {
			return Value{Kind: kind, Null: true}, nil
		}
		if n > lim.MaxBulk {
			return Value{}, fmt.Errorf("%w: bulk of %d bytes over limit %d", ErrProtocol, n, lim.MaxBulk)
		}
		buf := make([]byte, n+2)
		if _, err := readFull(r, buf); err != nil {
			return Value{}, err
		}
		if buf[n] != '\r' || buf[n+1] != '\n' {
			return Value{}, fmt.Errorf("%w: bulk not terminated", ErrProtocol)
		}
		return Value{Kind: kind, Str: string(buf[:n])}, nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 {
			return Value{}, fmt.Errorf("%w: bad array length", ErrProtocol)
		}
		if n == -1 {
			return Value{Kind: kind, Null: true}, nil
		}
		if n > lim.MaxArray {
			return Value{}, fmt.Errorf("%w: array of %d over limit %d", ErrProtocol, n, lim.MaxArray)
		}
		if depth >= lim.MaxDepth {
			return Value{}, fmt.Errorf("%w: arrays nested too deep", ErrProtocol)
		}
		arr := make([]Value, 0, min(n, 64))
		for i := 0; i < n; i++ {
			v, err := readValue(r, lim, depth+1)
			if err != nil {
				return Value{}, err
			}
			arr = append(arr, v)
		}
		return Value{Kind: kind, Array: arr}, nil
	default:
		return Value{}, fmt.Errorf("%w: unknown type %q", ErrProtocol, kind)
	}
}

func readFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// writeCommand encodes args as a RESP array of bulk strings (binary safe).
func writeCommand(w *bufio.Writer, args []string) error {
	w.WriteByte('*')
	w.WriteString(strconv.Itoa(len(args)))
	w.WriteString("\r\n")
	for _, a := range args {
		w.WriteByte('$')
		w.WriteString(strconv.Itoa(len(a)))
		w.WriteString("\r\n")
		w.WriteString(a)
		w.WriteString("\r\n")
	}
	return w.Flush()
}

// asError turns an error reply into an Error.
func (v Value) asError() error {
	if v.Kind == '-' {
		return Error(v.Str)
	}
	return nil
}
