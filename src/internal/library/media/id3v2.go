package media

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
)

// id3v2Size returns the total size of the ID3v2 tag at off (header, body and
// footer), or 0 when there is none.
func id3v2Size(s *source, off int64) (int64, error) {
	h, err := s.at(off, 10)
	if err != nil || !bytes.HasPrefix(h, []byte("ID3")) {
		return 0, nil
	}
	if h[3] < 2 || h[3] > 4 || h[6]|h[7]|h[8]|h[9] >= 0x80 {
		return 0, corrupt("invalid ID3v2 header")
	}
	n := 10 + synchsafe(h[6:10])
	if h[3] == 4 && h[5]&0x10 != 0 {
		n += 10
	}
	if off+n > s.size {
		return 0, corrupt("ID3v2 tag of %d bytes overruns the file", n)
	}
	return n, nil
}

func synchsafe(b []byte) int64 {
	var n int64
	for _, c := range b {
		n = n<<7 | int64(c&0x7f)
	}
	return n
}

// parseID3v2 reads the tag at off, whose total size id3v2Size returned.
func parseID3v2(s *source, off, total int64, f *fields, pics *pictures) error {
	h, _ := s.at(off, 10)
	ver, flags := h[3], h[5]
	body := total - 10
	if ver == 4 && flags&0x10 != 0 {
		body -= 10
	}
	var sp span = offsetSpan{s, off + 10}
	if flags&0x80 != 0 && ver < 4 {
		// The whole tag is unsynchronised: undo it in memory (bounded).
		raw, err := s.bounded(off+10, body, maxBlockBytes, "unsynchronised ID3v2 tag")
		if err != nil {
			return err
		}
		m := unsynchronise(raw)
		sp, body = memSpan(m), int64(len(m))
	}
	if ver == 2 && flags&0x40 != 0 {
		return nil // ID3v2.2 compression was never defined: nothing readable
	}
	pos := int64(0)
	if ver > 2 && flags&0x40 != 0 { // extended header
		eh, err := sp.at(0, 4)
		if err != nil {
			return err
		}
		if ver == 3 {
			pos = 4 + int64(binary.BigEndian.Uint32(eh))
		} else {
			pos = synchsafe(eh)
		}
	}
	hdr := int64(10)
	if ver == 2 {
		hdr = 6
	}
	for frames := 0; pos+hdr <= body && frames < maxFields; frames++ {
		fh, err := sp.at(pos, int(hdr))
		if err != nil {
			return err
		}
		if fh[0] == 0 {
			break // padding
		}
		var id string
		var size int64
		var fflags uint16
		switch ver {
		case 2:
			id, size = string(fh[:3]), int64(fh[3])<<16|int64(fh[4])<<8|int64(fh[5])
		case 3:
			id, size, fflags = string(fh[:4]), int64(binary.BigEndian.Uint32(fh[4:])), binary.BigEndian.Uint16(fh[8:])
		default:
			id, fflags = string(fh[:4]), binary.BigEndian.Uint16(fh[8:])
			size = synchsafe(fh[4:8])
			if fh[4]|fh[5]|fh[6]|fh[7] >= 0x80 { // iTunes wrote a plain size
				size = int64(binary.BigEndian.Uint32(fh[4:]))
			}
		}
		if !validFrameID(id) {
			break
		}
		start := pos + hdr
		if size > body-start {
			return corrupt("ID3v2 frame %s overruns its tag", id)
		}
		pos = start + size
		key := id3Key(id)
		if key == "" {
			continue
		}
		fr := id3Frame{sp: sp, off: start, size: size}
		if !fr.decodeFlags(ver, fflags) {
			continue // compressed or encrypted: skipped
		}
		if key == "APIC" {
			fr.picture(ver, pics)
			continue
		}
		if size > maxFieldBytes {
			continue
		}
		b, err := fr.bytes()
		if err != nil {
			return err
		}
		id3Field(ver, key, b, f)
	}
	return nil
}

// offsetSpan reads a file from a base offset.
type offsetSpan struct {
	s    *source
	base int64
}

func (o offsetSpan) at(off int64, n int) ([]byte, error) { return o.s.at(o.base+off, n) }

func validFrameID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// id3Frame is one frame's data as found in the tag.
type id3Frame struct {
	sp        span
	off, size int64
	unsync    bool
}

// decodeFlags skips the extra bytes frame flags announce; false means the
// frame cannot be read (compressed or encrypted).
func (fr *id3Frame) decodeFlags(ver byte, flags uint16) bool {
	skip := int64(0)
	switch ver {
	case 3:
		if flags&0x0080 != 0 || flags&0x0040 != 0 {
			return false
		}
		if flags&0x0020 != 0 {
			skip++
		}
	case 4:
		if flags&0x0008 != 0 || flags&0x0004 != 0 {
			return false
		}
		if flags&0x0040 != 0 {
			skip++
		}
		if flags&0x0001 != 0 {
			skip += 4
		}
		fr.unsync = flags&0x0002 != 0
	}
	if skip > fr.size {
		return false
	}
	fr.off += skip
	fr.size -= skip
	return true
}

func (fr *id3Frame) bytes() ([]byte, error) {
	b, err := fr.sp.at(fr.off, int(fr.size))
	if err != nil {
		return nil, err
	}
	if fr.unsync {
		b = unsynchronise(b)
	}
	return b, nil
}

// picture registers an APIC (or v2.2 PIC) frame, reading only its header.
func (fr *id3Frame) picture(ver byte, pics *pictures) {
	head, err := fr.sp.at(fr.off, int(min(fr.size, 1024)))
	if err != nil || len(head) < 4 {
		return
	}
	if fr.unsync {
		head = unsynchronise(head)
	}
	enc := head[0]
	var mime string
	rest := head[1:]
	if ver == 2 {
		mime = "image/" + strings.ToLower(string(rest[:3]))
		rest = rest[3:]
	} else {
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return
		}
		mime, rest = string(rest[:i]), rest[i+1:]
		if !strings.Contains(mime, "/") {
			mime = "image/" + strings.ToLower(mime)
		}
	}
	if len(rest) < 1 {
		return
	}
	typ := int(rest[0])
	_, after := id3Cut(enc, rest[1:])
	if after == nil {
		return // description runs past the first KiB: give up on this one
	}
	dataOff := int64(len(head) - len(after))
	if fr.unsync {
		dataOff = -1 // offsets shift when unsynchronised: recompute on load
	}
	fr2 := *fr
	size := fr.size - int64(len(head)-len(after))
	pics.add(typ, mime, size, func() ([]byte, error) {
		if fr2.size > maxPictureSize+4096 {
			return nil, corrupt("embedded picture exceeds %d bytes", maxPictureSize)
		}
		b, err := fr2.bytes()
		if err != nil {
			return nil, err
		}
		if dataOff >= 0 {
			return b[dataOff:], nil
		}
		// Walk the header again on the decoded frame.
		b = b[1:]
		if i := bytes.IndexByte(b, 0); ver > 2 && i >= 0 {
			b = b[i+1:]
		} else if ver == 2 && len(b) >= 3 {
			b = b[3:]
		}
		if len(b) < 1 {
			return nil, corrupt("embedded picture frame truncated")
		}
		_, data := id3Cut(enc, b[1:])
		return data, nil
	})
}

func unsynchronise(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xff, 0x00}) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == 0xff && i+1 < len(b) && b[i+1] == 0 {
			i++
		}
	}
	return out
}

// id3Key maps a frame id to our field vocabulary; frames with special layouts
// keep their id, frames we do not read map to "".
func id3Key(id string) string {
	switch id {
	case "TIT2", "TT2":
		return "TITLE"
	case "TPE1", "TP1":
		return "ARTIST"
	case "TALB", "TAL":
		return "ALBUM"
	case "TPE2", "TP2":
		return "ALBUMARTIST"
	case "TRCK", "TRK":
		return "TRACKNUMBER"
	case "TPOS", "TPA":
		return "DISCNUMBER"
	case "TDRC":
		return "DATE"
	case "TYER", "TYE":
		return "YEAR"
	case "TDOR":
		return "ORIGINALDATE"
	case "TORY", "TOR":
		return "ORIGINALYEAR"
	case "TCON", "TCO":
		return "GENRE"
	case "TCMP", "TCP":
		return "COMPILATION"
	case "TCOM", "TCM":
		return "COMPOSER"
	case "TXXX", "TXX":
		return "TXXX"
	case "UFID", "UFI":
		return "UFID"
	case "COMM", "COM":
		return "COMM"
	case "USLT", "ULT":
		return "USLT"
	case "SYLT", "SLT":
		return "SYLT"
	case "APIC", "PIC":
		return "APIC"
	}
	return ""
}

// txxxKeys maps the descriptions Picard gives its TXXX frames to our names.
var txxxKeys = map[string]string{
	"MUSICBRAINZ ALBUM ID":         "MUSICBRAINZ_ALBUMID",
	"MUSICBRAINZ ARTIST ID":        "MUSICBRAINZ_ARTISTID",
	"MUSICBRAINZ ALBUM ARTIST ID":  "MUSICBRAINZ_ALBUMARTISTID",
	"MUSICBRAINZ RELEASE GROUP ID": "MUSICBRAINZ_RELEASEGROUPID",
	"MUSICBRAINZ RELEASE TRACK ID": "MUSICBRAINZ_RELEASETRACKID",
	"MUSICBRAINZ TRACK ID":         "MUSICBRAINZ_TRACKID",
	"ALBUM ARTIST":                 "ALBUMARTIST",
}

func id3Field(ver byte, key string, b []byte, f *fields) {
	if len(b) < 1 {
		return
	}
	enc := b[0]
	switch key {
	case "TXXX":
		desc, rest := id3Cut(enc, b[1:])
		k := strings.ToUpper(strings.TrimSpace(desc))
		if m, ok := txxxKeys[k]; ok {
			k = m
		}
		f.add(k, id3Strings(enc, rest)...)
	case "UFID":
		owner, id := id3Cut(encLatin1, b)
		if owner == "http://musicbrainz.org" && len(id) <= 64 {
			f.add("MUSICBRAINZ_TRACKID", string(id))
		}
	case "COMM", "USLT":
		if len(b) < 4 {
			return
		}
		desc, text := id3Cut(enc, b[4:])
		name := "LYRICS"
		if key == "COMM" {
			if strings.HasPrefix(desc, "iTun") || (desc != "" && f.first("COMMENT") != "") {
				return // iTunes' normalisation and gapless data, not a comment
			}
			name = "COMMENT"
		}
		s, _ := id3Cut(enc, text)
		f.add(name, s)
	case "SYLT":
		f.synced = append(f.synced, parseSYLT(b)...)
	case "GENRE":
		for _, g := range id3Strings(enc, b[1:]) {
			f.add(key, id3Genres(g)...)
		}
	default:
		f.add(key, id3Strings(enc, b[1:])...)
	}
}

// id3Genres expands ID3v1 genre references: "(17)", "(17)(20)Rock", "17".
func id3Genres(s string) []string {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if g := id3v1Genre(n); g != "" {
			return []string{g}
		}
		return nil
	}
	var out []string
	for strings.HasPrefix(s, "(") && !strings.HasPrefix(s, "((") {
		end := strings.IndexByte(s, ')')
		if end < 0 {
			break
		}
		ref := s[1:end]
		s = s[end+1:]
		switch ref {
		case "RX":
			out = append(out, "Remix")
		case "CR":
			out = append(out, "Cover")
		default:
			n, err := strconv.Atoi(ref)
			if err != nil {
				return append(out, "("+ref+")"+s)
			}
			if g := id3v1Genre(n); g != "" {
				out = append(out, g)
			}
		}
	}
	if s = strings.TrimPrefix(s, "("); s != "" && (len(out) == 0 || out[len(out)-1] != s) {
		out = append(out, s) // a refinement: "(17)Rock" is Rock once
	}
	return out
}

// parseSYLT reads an ID3v2 SYLT frame with millisecond time stamps.
func parseSYLT(b []byte) []LyricLine {
	if len(b) < 6 || b[4] != 2 { // time stamp format 2: milliseconds
		return nil
	}
	enc := b[0]
	_, rest := id3Cut(enc, b[6:]) // content descriptor
	var out []LyricLine
	for len(rest) > 0 && len(out) < maxFields {
		text, after := id3Cut(enc, rest)
		if len(after) < 4 {
			break
		}
		ms := binary.BigEndian.Uint32(after)
		out = append(out, LyricLine{At: msDuration(ms), Text: strings.TrimPrefix(strings.TrimRight(text, "\r"), "\n")})
		rest = after[4:]
	}
	return out
}
