package media

import (
	"encoding/binary"
	"strings"
)

// Bounds for walking MP4 boxes.
const (
	maxMP4Boxes = 4096 // boxes visited per file
	maxMP4Depth = 12
)

// mp4Probe collects what the box walk finds.
type mp4Probe struct {
	s          *source
	f          *fields
	pics       *pictures
	boxes      int
	mdat       int64 // bytes of media data
	movieScale uint32
	movieDur   uint64
	track      struct {
		sound          bool
		scale          uint32
		dur            uint64
		codec          Codec
		rate, channels int
		depth, bitRate int
		edited         uint64 // presentation length from the edit list, in movie time units
	}
	audio *Audio // the first sound track, once complete
}

func probeMP4(s *source, f *fields, pics *pictures) (Audio, error) {
	p := &mp4Probe{s: s, f: f, pics: pics}
	if err := p.walk(0, s.size, 0, ""); err != nil {
		return Audio{}, err
	}
	if p.audio == nil {
		return Audio{}, corrupt("MP4 without a supported audio track")
	}
	a := *p.audio
	if a.BitRate <= 0 {
		a.BitRate = AverageBitRate(p.mdat, a.Duration)
	}
	return a, nil
}

// box reads a box header at off within [off, end): its type and body bounds.
func (p *mp4Probe) box(off, end int64) (typ string, body, next int64, err error) {
	h, err := p.s.at(off, 8)
	if err != nil || end-off < 8 {
		return "", 0, 0, corrupt("MP4 box header truncated at %d", off)
	}
	size := int64(binary.BigEndian.Uint32(h))
	typ, body = string(h[4:8]), off+8
	switch size {
	case 0:
		size = end - off
	case 1:
		x, err := p.s.at(off+8, 8)
		if err != nil {
			return "", 0, 0, corrupt("MP4 box size truncated")
		}
		size, body = int64(binary.BigEndian.Uint64(x)), off+16
	}
	if size < body-off || size > end-off {
		return "", 0, 0, corrupt("MP4 box %q of %d bytes overruns its parent", typ, size)
	}
	return typ, body, off + size, nil
}

// walk visits the boxes in [off, end) under parent.
func (p *mp4Probe) walk(off, end int64, depth int, parent string) error {
	if depth > maxMP4Depth {
		return corrupt("MP4 boxes nested too deep")
	}
	for off < end {
		if p.boxes++; p.boxes > maxMP4Boxes {
			return corrupt("more than %d MP4 boxes", maxMP4Boxes)
		}
		if end-off < 8 {
			break // trailing padding
		}
		typ, body, next, err := p.box(off, end)
		if err != nil {
			return err
		}
		if err := p.visit(typ, body, next, depth, parent); err != nil {
			return err
		}
		off = next
	}
	return nil
}

func (p *mp4Probe) visit(typ string, body, end int64, depth int, parent string) error {
	n := end - body
	switch typ {
	case "moov", "mdia", "minf", "stbl", "udta", "edts":
		return p.walk(body, end, depth+1, typ)
	case "trak":
		p.track = mp4Probe{}.track
		if err := p.walk(body, end, depth+1, typ); err != nil {
			return err
		}
		t := p.track
		if t.sound && t.codec != "" && p.audio == nil {
			a := Audio{Container: ContainerMP4, Codec: t.codec, SampleRate: t.rate, Channels: t.channels,
				BitDepth: t.depth, BitRate: t.bitRate, Lossless: t.codec == CodecALAC}
			switch {
			case t.edited > 0 && p.movieScale > 0: // encoder priming and padding cut by the edit list
				a.Duration = SamplesDuration(int64(t.edited), int(p.movieScale))
			case t.scale > 0:
				a.Duration = SamplesDuration(int64(t.dur), int(t.scale))
			case p.movieScale > 0:
				a.Duration = SamplesDuration(int64(p.movieDur), int(p.movieScale))
			}
			p.audio = &a
		}
	case "meta":
		// ISO meta is a full box (4 bytes of version and flags); QuickTime's is not.
		if b, err := p.s.at(body, 8); err == nil && string(b[4:8]) != "hdlr" {
			body += 4
		}
		return p.walk(body, end, depth+1, typ)
	case "ilst":
		return p.ilst(body, end)
	case "mdat":
		p.mdat += n
	case "mvhd", "mdhd":
		b, err := p.s.at(body, int(min(n, 32)))
		if err != nil || len(b) < 20 {
			return corrupt("MP4 %s truncated", typ)
		}
		var scale uint32
		var dur uint64
		if b[0] == 1 {
			if len(b) < 32 {
				return corrupt("MP4 %s truncated", typ)
			}
			scale, dur = binary.BigEndian.Uint32(b[20:]), binary.BigEndian.Uint64(b[24:])
		} else {
			scale, dur = binary.BigEndian.Uint32(b[12:]), uint64(binary.BigEndian.Uint32(b[16:]))
		}
		if typ == "mvhd" {
			p.movieScale, p.movieDur = scale, dur
		} else {
			p.track.scale, p.track.dur = scale, dur
		}
	case "hdlr":
		if parent == "mdia" {
			b, err := p.s.at(body, int(min(n, 12)))
			p.track.sound = err == nil && len(b) == 12 && string(b[8:12]) == "soun"
		}
	case "elst":
		b, err := p.s.bounded(body, n, 64<<10, "MP4 edit list")
		if err != nil || len(b) < 8 {
			return err
		}
		entry := 12
		if b[0] == 1 {
			entry = 20
		}
		for e := b[8:]; len(e) >= entry; e = e[entry:] {
			if b[0] == 1 {
				if int64(binary.BigEndian.Uint64(e[8:])) >= 0 {
					p.track.edited += binary.BigEndian.Uint64(e)
				}
			} else if int32(binary.BigEndian.Uint32(e[4:])) >= 0 {
				p.track.edited += uint64(binary.BigEndian.Uint32(e))
			}
		}
	case "stsd":
		b, err := p.s.bounded(body, n, 64<<10, "MP4 sample description")
		if err != nil {
			return err
		}
		p.sampleEntry(b)
	}
	return nil
}

// sampleEntry reads the first entry of an stsd box: an mp4a (AAC) or alac
// sound sample entry and the codec configuration inside it.
func (p *mp4Probe) sampleEntry(b []byte) {
	if len(b) < 8+36 {
		return
	}
	e := b[8:] // after version/flags and the entry count
	size := min(int(binary.BigEndian.Uint32(e)), len(e))
	if size < 36 {
		return
	}
	format, e := string(e[4:8]), e[8:size]
	ver := binary.BigEndian.Uint16(e[8:])
	t := &p.track
	t.channels = int(binary.BigEndian.Uint16(e[16:]))
	t.depth = int(binary.BigEndian.Uint16(e[18:]))
	t.rate = int(binary.BigEndian.Uint32(e[24:]) >> 16)
	children := e[28:]
	switch ver {
	case 1:
		children = children[min(16, len(children)):]
	case 2:
		children = children[min(36, len(children)):]
	}
	switch format {
	case "mp4a":
		t.codec, t.depth = CodecAAC, 0
		if esds := childBox(children, "esds"); len(esds) > 4 {
			p.esds(esds[4:])
		}
	case "alac":
		t.codec = CodecALAC
		if c := childBox(children, "alac"); len(c) >= 4+24 {
			c = c[4:]
			t.depth = int(c[5])
			t.channels = int(c[9])
			// The config's average bit rate is often the PCM rate: the data tells the truth.
			t.rate = int(binary.BigEndian.Uint32(c[20:]))
		}
	}
}

// childBox finds a box in a run of boxes held in memory.
func childBox(b []byte, typ string) []byte {
	for len(b) >= 8 {
		size := int(binary.BigEndian.Uint32(b))
		if size < 8 || size > len(b) {
			return nil
		}
		if string(b[4:8]) == typ {
			return b[8:size]
		}
		b = b[size:]
	}
	return nil
}

var aacRates = [...]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// esds reads the MPEG-4 elementary stream descriptor: the average bit rate and
// the AudioSpecificConfig's sample rate and channel layout.
func (p *mp4Probe) esds(b []byte) {
	tag, body, _ := descriptor(b)
	if tag != 3 || len(body) < 3 {
		return
	}
	flags := body[2]
	body = body[3:]
	if flags&0x80 != 0 {
		body = body[min(2, len(body)):]
	}
	if flags&0x40 != 0 && len(body) > 0 {
		body = body[min(1+int(body[0]), len(body)):]
	}
	if flags&0x20 != 0 {
		body = body[min(2, len(body)):]
	}
	tag, dc, _ := descriptor(body)
	if tag != 4 || len(dc) < 13 {
		return
	}
	p.track.bitRate = int(binary.BigEndian.Uint32(dc[9:]))
	tag, asc, _ := descriptor(dc[13:])
	if tag != 5 || len(asc) < 2 {
		return
	}
	// 5 bits object type, 4 bits frequency index, 4 bits channel configuration.
	bits := uint32(asc[0])<<24 | uint32(asc[1])<<16
	if len(asc) > 2 {
		bits |= uint32(asc[2]) << 8
	}
	if len(asc) > 3 {
		bits |= uint32(asc[3])
	}
	obj := bits >> 27
	shift := 27
	if obj == 31 {
		shift -= 6 // escaped object type
	}
	fi := (bits >> (shift - 4)) & 15
	shift -= 4
	if fi < uint32(len(aacRates)) {
		p.track.rate = aacRates[fi]
	} else if fi == 15 && len(asc) >= 5 {
		return // explicit 24-bit rate: keep the sample entry's and mdhd's
	}
	switch ch := int(bits>>(shift-4)) & 15; {
	case ch >= 1 && ch <= 6:
		p.track.channels = ch
	case ch == 7:
		p.track.channels = 8
	}
}

// descriptor reads one MPEG-4 descriptor: tag, body, rest.
func descriptor(b []byte) (tag byte, body, rest []byte) {
	if len(b) < 2 {
		return 0, nil, nil
	}
	tag, b = b[0], b[1:]
	n := 0
	for i := 0; i < 4 && len(b) > 0; i++ {
		c := b[0]
		b = b[1:]
		n = n<<7 | int(c&0x7f)
		if c&0x80 == 0 {
			break
		}
	}
	n = min(n, len(b))
	return tag, b[:n], b[n:]
}

// mp4Keys maps iTunes item atoms to our field names.
var mp4Keys = map[string]string{
	"\xa9nam": "TITLE", "\xa9ART": "ARTIST", "\xa9alb": "ALBUM", "aART": "ALBUMARTIST",
	"\xa9day": "DATE", "\xa9gen": "GENRE", "\xa9wrt": "COMPOSER", "\xa9cmt": "COMMENT",
	"\xa9lyr": "LYRICS",
}

// ilst reads the iTunes metadata items, each holding one or more data boxes.
func (p *mp4Probe) ilst(off, end int64) error {
	for off < end {
		if p.boxes++; p.boxes > maxMP4Boxes {
			return corrupt("more than %d MP4 boxes", maxMP4Boxes)
		}
		typ, body, next, err := p.box(off, end)
		if err != nil {
			return err
		}
		off = next
		if typ == "covr" {
			p.covers(body, next)
			continue
		}
		if next-body > maxFieldBytes {
			continue
		}
		b, err := p.s.at(body, int(next-body))
		if err != nil {
			return err
		}
		p.item(typ, b)
	}
	return nil
}

func (p *mp4Probe) item(typ string, b []byte) {
	key := mp4Keys[typ]
	if typ == "----" {
		name := childBox(b, "name")
		if len(name) < 4 {
			return
		}
		key = strings.ToUpper(string(name[4:]))
		if k, ok := txxxKeys[key]; ok {
			key = k
		}
	}
	for len(b) >= 8 {
		size := int(binary.BigEndian.Uint32(b))
		if size < 8 || size > len(b) {
			return
		}
		box, data := string(b[4:8]), b[8:size]
		b = b[size:]
		if box != "data" || len(data) < 8 {
			continue
		}
		class, v := binary.BigEndian.Uint32(data)&0xffffff, data[8:]
		switch {
		case typ == "trkn" || typ == "disk":
			if len(v) >= 6 {
				name := map[string]string{"trkn": "TRACK", "disk": "DISC"}[typ]
				n, total := binary.BigEndian.Uint16(v[2:]), binary.BigEndian.Uint16(v[4:])
				if n > 0 {
					p.f.add(name+"NUMBER", itoa(int(n)))
				}
				if total > 0 {
					p.f.add(name+"TOTAL", itoa(int(total)))
				}
			}
		case typ == "cpil":
			if len(v) >= 1 && v[len(v)-1] != 0 {
				p.f.add("COMPILATION", "1")
			}
		case typ == "gnre":
			if len(v) >= 2 {
				p.f.add("GENRE", id3v1Genre(int(binary.BigEndian.Uint16(v))-1))
			}
		case key != "" && class == 1:
			p.f.add(key, strings.ToValidUTF8(string(v), "\uFFFD"))
		}
	}
}

// covers registers covr pictures without reading their bytes.
func (p *mp4Probe) covers(off, end int64) {
	for off+16 <= end {
		h, err := p.s.at(off, 16)
		if err != nil {
			return
		}
		size := int64(binary.BigEndian.Uint32(h))
		if size < 16 || size > end-off {
			return
		}
		if string(h[4:8]) == "data" {
			mime := map[uint32]string{13: "image/jpeg", 14: "image/png", 27: "image/bmp"}[binary.BigEndian.Uint32(h[8:])&0xffffff]
			at, n := off+16, size-16
			p.pics.add(3, mime, n, func() ([]byte, error) {
				return p.s.bounded(at, n, maxPictureSize, "embedded picture")
			})
		}
		off += size
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		if n /= 10; n == 0 {
			break
		}
	}
	return string(b[i:])
}
