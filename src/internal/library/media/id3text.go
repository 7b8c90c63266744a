package media

import (
	"encoding/binary"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ID3v2 text encodings.
const (
	encLatin1  = 0
	encUTF16   = 1 // with a byte-order mark
	encUTF16BE = 2
	encUTF8    = 3
)

// id3Strings decodes an ID3v2 text value; ID3v2.4 separates several values
// with a NUL terminator, which is how it carries several artists or genres.
func id3Strings(enc byte, b []byte) []string {
	var out []string
	for len(b) > 0 {
		s, rest := id3Cut(enc, b)
		out = append(out, s)
		b = rest
	}
	return out
}

// id3Cut decodes one NUL-terminated string and returns the bytes after it.
func id3Cut(enc byte, b []byte) (string, []byte) {
	if enc == encUTF16 || enc == encUTF16BE {
		end := len(b) &^ 1
		rest := []byte(nil)
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				end, rest = i, b[i+2:]
				break
			}
		}
		return decodeUTF16(enc, b[:end]), rest
	}
	end, rest := len(b), []byte(nil)
	for i, c := range b {
		if c == 0 {
			end, rest = i, b[i+1:]
			break
		}
	}
	if enc == encLatin1 {
		return latin1(b[:end]), rest
	}
	return strings.ToValidUTF8(string(b[:end]), "\uFFFD"), rest
}

func decodeUTF16(enc byte, b []byte) string {
	var order binary.ByteOrder = binary.BigEndian
	if enc == encUTF16 && len(b) >= 2 {
		switch {
		case b[0] == 0xFF && b[1] == 0xFE:
			order, b = binary.LittleEndian, b[2:]
		case b[0] == 0xFE && b[1] == 0xFF:
			b = b[2:]
		}
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

func latin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]byte, 0, len(b)+len(b)/2)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return string(out)
}
