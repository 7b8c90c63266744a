package api

import (
	"bytes"
	"encoding/json"
)

// scanEnvelope decodes the shape every client sends — one object whose members
// are message_id, command and args, each at most once and spelled exactly so,
// command a plain ASCII string — without reflection: json.Unmarshal costs about a
// tenth of a round trip's CPU. For anything else (other or duplicate keys, keys
// in another case, escapes in command, malformed JSON) it reports false and
// DecodeCommand takes json.Unmarshal's path, so both accept and reject the same
// messages (FuzzDecodeCommandMatchesUnmarshal holds them to it).
//
// The returned MessageID and Args are slices of msg: Conn.Receive hands over a
// message the session owns.
func scanEnvelope(msg []byte) (c CommandMessage, ok bool) {
	s := envelopeScanner{b: msg}
	if !s.consume('{') {
		return c, false
	}
	var seen [3]bool
	if s.consume('}') {
		return c, s.atEnd()
	}
	for {
		key, ok := s.plainString()
		if !ok || !s.consume(':') {
			return c, false
		}
		var field int
		switch string(key) {
		case "message_id":
			field = 0
		case "command":
			field = 1
		case "args":
			field = 2
		default:
			return c, false
		}
		if seen[field] {
			return c, false
		}
		seen[field] = true
		s.space()
		if field == 1 {
			cmd, ok := s.plainString()
			if !ok || !isASCII(cmd) {
				return c, false
			}
			c.Command = string(cmd)
		} else {
			v, ok := s.value()
			if !ok {
				return c, false
			}
			if field == 0 {
				c.MessageID = v
			} else {
				c.Args = v
			}
		}
		if s.consume('}') {
			return c, s.atEnd()
		}
		if !s.consume(',') {
			return c, false
		}
	}
}

type envelopeScanner struct {
	b []byte
	i int
}

func (s *envelopeScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// consume skips white space and then ch, reporting whether ch was there.
func (s *envelopeScanner) consume(ch byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == ch {
		s.i++
		return true
	}
	return false
}

func (s *envelopeScanner) atEnd() bool {
	s.space()
	return s.i == len(s.b)
}

// plainString reads a string without escapes or control characters (its bytes
// are its value) after white space, returning what is between the quotes.
func (s *envelopeScanner) plainString() ([]byte, bool) {
	if !s.consume('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// value returns the JSON value at the cursor, verbatim, when it is well formed.
// A plain string is taken as it stands; anything else is delimited by brackets
// and quotes and then checked by json.Valid.
func (s *envelopeScanner) value() ([]byte, bool) {
	start := s.i
	if _, ok := s.plainString(); ok {
		return s.b[start:s.i], true
	}
	s.i = start
	end := skipValue(s.b, start)
	if end <= start || !json.Valid(s.b[start:end]) {
		return nil, false
	}
	s.i = end
	return s.b[start:end], true
}

// skipValue returns where the value that starts at i seems to end: after its
// closing bracket or quote, or after the run of number and literal characters.
// It does not validate; a wrong guess fails json.Valid.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '{', '[', '"':
		depth, inString := 0, false
		for ; i < len(b); i++ {
			c := b[i]
			if inString {
				switch c {
				case '\\':
					i++
				case '"':
					inString = false
					if depth == 0 {
						return i + 1
					}
				}
				continue
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(b) // unterminated (an escape may have stepped past the end)
	default:
		for i < len(b) && bytes.IndexByte([]byte("+-.0123456789Eaeflnrstu"), b[i]) >= 0 {
			i++
		}
		return i
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
