package media

import (
	"bytes"
	"encoding/binary"
)

// Bounds for walking Ogg pages.
const (
	maxOggHeaderPages = 4096     // pages read for the header packets (a big cover spans many)
	oggTailWindow     = 64 << 10 // bytes read from the end at a time to find the last page
	maxOggTail        = 1 << 20  // how far back the last page is looked for
	oggPageHeader     = 27
)

// oggPage is one decoded page header.
type oggPage struct {
	flags    byte
	granule  int64
	serial   uint32
	lacing   []byte
	bodyOff  int64
	bodySize int64
}

func readOggPage(s *source, off int64) (oggPage, error) {
	h, err := s.at(off, oggPageHeader)
	if err != nil || string(h[:4]) != "OggS" || h[4] != 0 {
		return oggPage{}, corrupt("Ogg page missing at offset %d", off)
	}
	p := oggPage{flags: h[5], granule: int64(binary.LittleEndian.Uint64(h[6:])), serial: binary.LittleEndian.Uint32(h[14:])}
	n := int(h[26])
	if p.lacing, err = s.at(off+oggPageHeader, n); err != nil {
		return oggPage{}, corrupt("Ogg page truncated")
	}
	for _, l := range p.lacing {
		p.bodySize += int64(l)
	}
	p.bodyOff = off + oggPageHeader + int64(n)
	if p.bodyOff+p.bodySize > s.size {
		return oggPage{}, corrupt("Ogg page overruns the file")
	}
	return p, nil
}

// oggHeaders reassembles the first want packets of the first logical stream,
// each cut at maxBlockBytes, and returns them with the offset where the pages
// after the last of them begin (the audio).
func oggHeaders(s *source, want int) (packets [][]byte, serial uint32, audioStart int64, err error) {
	off := int64(0)
	var cur []byte
	first := true
	for range maxOggHeaderPages {
		p, err := readOggPage(s, off)
		if err != nil {
			return nil, 0, 0, err
		}
		off = p.bodyOff + p.bodySize
		if first {
			serial, first = p.serial, false
		}
		if p.serial != serial {
			continue // another multiplexed stream
		}
		body, err := s.at(p.bodyOff, int(p.bodySize))
		if err != nil {
			return nil, 0, 0, err
		}
		for _, l := range p.lacing {
			if len(cur) < maxBlockBytes {
				cur = append(cur, body[:min(int(l), maxBlockBytes-len(cur))]...)
			}
			body = body[l:]
			if l < 255 {
				packets = append(packets, cur)
				cur = nil
				if len(packets) == want {
					return packets, serial, off, nil
				}
			}
		}
	}
	return nil, 0, 0, corrupt("Ogg header packets not found in the first %d pages", maxOggHeaderPages)
}

// lastGranule finds the granule position of the stream's last page.
func lastGranule(s *source, serial uint32) (int64, bool) {
	for end := s.size; end > 0 && s.size-end < maxOggTail; {
		start := max(end-oggTailWindow, 0)
		b, err := s.at(start, int(end-start))
		if err != nil {
			return 0, false
		}
		for i := len(b) - oggPageHeader; i >= 0; i-- {
			if b[i] != 'O' || !bytes.HasPrefix(b[i:], []byte("OggS")) {
				continue
			}
			g := int64(binary.LittleEndian.Uint64(b[i+6:]))
			if binary.LittleEndian.Uint32(b[i+14:]) == serial && g >= 0 {
				return g, true
			}
		}
		if start == 0 {
			break
		}
		end = start + oggPageHeader // overlap: a header cut by the window
	}
	return 0, false
}

func probeOgg(s *source, f *fields, pics *pictures) (Audio, error) {
	first, _, _, err := oggHeaders(s, 1)
	if err != nil {
		return Audio{}, err
	}
	a := Audio{Container: ContainerOgg}
	h := first[0]
	switch {
	case bytes.HasPrefix(h, []byte("\x01vorbis")) && len(h) >= 30:
		a.Codec = CodecVorbis
		a.Channels = int(h[11])
		a.SampleRate = int(binary.LittleEndian.Uint32(h[12:]))
		nominal := int32(binary.LittleEndian.Uint32(h[20:]))
		pk, serial, audioStart, err := oggHeaders(s, 3)
		if err != nil {
			return Audio{}, err
		}
		if bytes.HasPrefix(pk[1], []byte("\x03vorbis")) {
			if err := parseVorbisComment(pk[1][7:], f, pics); err != nil {
				return Audio{}, err
			}
		}
		if g, ok := lastGranule(s, serial); ok {
			a.Duration = SamplesDuration(g, a.SampleRate)
		}
		if a.BitRate = int(nominal); a.BitRate <= 0 {
			a.BitRate = AverageBitRate(s.size-audioStart, a.Duration)
		}
	case bytes.HasPrefix(h, []byte("OpusHead")) && len(h) >= 19:
		a.Codec = CodecOpus
		a.Channels = int(h[9])
		a.SampleRate = 48000 // Opus always decodes at 48 kHz; the header's rate is the source's
		preSkip := int64(binary.LittleEndian.Uint16(h[10:]))
		pk, serial, audioStart, err := oggHeaders(s, 2)
		if err != nil {
			return Audio{}, err
		}
		if bytes.HasPrefix(pk[1], []byte("OpusTags")) {
			if err := parseVorbisComment(pk[1][8:], f, pics); err != nil {
				return Audio{}, err
			}
		}
		if g, ok := lastGranule(s, serial); ok && g > preSkip {
			a.Duration = SamplesDuration(g-preSkip, 48000)
		}
		a.BitRate = AverageBitRate(s.size-audioStart, a.Duration)
	default:
		return Audio{}, ErrUnsupported // Ogg FLAC, Speex, Theora…
	}
	if a.SampleRate <= 0 || a.Channels <= 0 {
		return Audio{}, corrupt("%s header without sample rate or channels", a.Codec)
	}
	return a, nil
}
