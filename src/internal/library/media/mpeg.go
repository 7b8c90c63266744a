package media

import (
	"bytes"
	"encoding/binary"
)

// mpegHeader is a decoded MPEG audio frame header.
type mpegHeader struct {
	version    int // 1, 2, or 25 for MPEG 2.5
	layer      int // 1, 2, 3
	bitRate    int // bits/s
	sampleRate int
	padding    bool
	channels   int
	frameLen   int
	samples    int // per frame
}

var mpegBitRates = [5][15]int{ // kbit/s, by [table][index]
	{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // MPEG1 layer I
	{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    // MPEG1 layer II
	{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     // MPEG1 layer III
	{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},    // MPEG2/2.5 layer I
	{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},         // MPEG2/2.5 layer II, III
}

var mpegSampleRates = [3][3]int{{44100, 48000, 32000}, {22050, 24000, 16000}, {11025, 12000, 8000}}

// parseMPEGHeader decodes 4 bytes; ok is false for anything that is not a
// valid, non-free-format frame header.
func parseMPEGHeader(b []byte) (h mpegHeader, ok bool) {
	if len(b) < 4 || b[0] != 0xff || b[1]&0xe0 != 0xe0 {
		return h, false
	}
	v, l := (b[1]>>3)&3, (b[1]>>1)&3
	bri, sri := int(b[2]>>4), int((b[2]>>2)&3)
	if v == 1 || l == 0 || bri == 0 || bri == 15 || sri == 3 {
		return h, false
	}
	h.layer = 4 - int(l)
	vi := 0
	switch v {
	case 3:
		h.version = 1
	case 2:
		h.version, vi = 2, 1
	case 0:
		h.version, vi = 25, 2
	}
	table := h.layer - 1
	if h.version != 1 {
		table = 3
		if h.layer > 1 {
			table = 4
		}
	}
	h.bitRate = mpegBitRates[table][bri] * 1000
	h.sampleRate = mpegSampleRates[vi][sri]
	h.padding = b[2]&2 != 0
	h.channels = 2
	if b[3]>>6 == 3 {
		h.channels = 1
	}
	pad := 0
	if h.padding {
		pad = 1
	}
	switch {
	case h.layer == 1:
		h.samples = 384
		h.frameLen = (12*h.bitRate/h.sampleRate + pad) * 4
	case h.layer == 3 && h.version != 1:
		h.samples = 576
		h.frameLen = 72*h.bitRate/h.sampleRate + pad
	default:
		h.samples = 1152
		h.frameLen = 144*h.bitRate/h.sampleRate + pad
	}
	return h, true
}

// sideInfoLen is the size of a layer III frame's side information, after
// which Xing headers sit.
func (h mpegHeader) sideInfoLen() int {
	switch {
	case h.version == 1 && h.channels == 1:
		return 17
	case h.version == 1:
		return 32
	case h.channels == 1:
		return 9
	}
	return 17
}

// mp3SyncWindow bounds how far past the tags Probe looks for the first frame.
const mp3SyncWindow = 128 << 10

func probeMP3(s *source, f *fields, pics *pictures) (Audio, error) {
	start := int64(0)
	for range 4 { // consecutive ID3v2 tags happen; more is junk
		n, err := id3v2Size(s, start)
		if err != nil {
			return Audio{}, err
		}
		if n == 0 {
			break
		}
		if err := parseID3v2(s, start, n, f, pics); err != nil {
			return Audio{}, err
		}
		start += n
	}
	end := s.size
	if s.size >= start+128 {
		if t, err := s.at(s.size-128, 128); err == nil && bytes.HasPrefix(t, []byte("TAG")) {
			parseID3v1(t, f)
			end -= 128
		}
	}
	// An APEv2 tag (footer "APETAGEX") before ID3v1 is not audio either.
	if end-start >= 32 {
		if t, err := s.at(end-32, 32); err == nil && bytes.HasPrefix(t, []byte("APETAGEX")) {
			n := int64(binary.LittleEndian.Uint32(t[12:]))
			if binary.LittleEndian.Uint32(t[20:])&(1<<31) != 0 {
				n += 32 // a header too
			}
			if n <= end-start {
				end -= n
			}
		}
	}
	win, err := s.at(start, int(min(end-start, mp3SyncWindow)))
	if err != nil {
		return Audio{}, err
	}
	first, h := -1, mpegHeader{}
	for i := 0; i+4 <= len(win); i++ {
		c, ok := parseMPEGHeader(win[i:])
		if !ok {
			continue
		}
		// Confirm with the next frame, unless this one ends the file.
		next := int64(i + c.frameLen)
		if start+next == end {
			first, h = i, c
			break
		}
		if nb, err := s.at(start+next, 4); err == nil {
			if n, ok := parseMPEGHeader(nb); ok && n.sampleRate == c.sampleRate && n.layer == c.layer {
				first, h = i, c
				break
			}
		}
	}
	if first < 0 {
		return Audio{}, corrupt("no MPEG audio frame found")
	}
	a := Audio{Container: ContainerMP3, Codec: CodecMP3, SampleRate: h.sampleRate, Channels: h.channels}
	audioStart := start + int64(first)
	frame, _ := s.at(audioStart, int(min(int64(h.frameLen), end-audioStart)))
	var frames, streamBytes int64
	if x := 4 + h.sideInfoLen(); h.layer == 3 && len(frame) >= x+16 &&
		(string(frame[x:x+4]) == "Xing" || string(frame[x:x+4]) == "Info") {
		a.VBR = string(frame[x:x+4]) == "Xing"
		flags := binary.BigEndian.Uint32(frame[x+4:])
		p := x + 8
		if flags&1 != 0 {
			frames = int64(binary.BigEndian.Uint32(frame[p:]))
			p += 4
		}
		if flags&2 != 0 && len(frame) >= p+4 {
			streamBytes = int64(binary.BigEndian.Uint32(frame[p:]))
		}
		audioStart += int64(h.frameLen) // the header frame holds no audio
		if nb, err := s.at(audioStart, 4); err == nil && !a.VBR {
			if n, ok := parseMPEGHeader(nb); ok { // the Info frame may use another rate
				h.bitRate = n.bitRate
			}
		}
	} else if len(frame) >= 36+18 && string(frame[36:40]) == "VBRI" {
		a.VBR = true
		streamBytes = int64(binary.BigEndian.Uint32(frame[46:]))
		frames = int64(binary.BigEndian.Uint32(frame[50:]))
		audioStart += int64(h.frameLen)
	}
	audioBytes := end - audioStart
	if streamBytes <= 0 || streamBytes > end-start {
		streamBytes = audioBytes
	}
	if frames > 0 {
		a.Duration = SamplesDuration(frames*int64(h.samples), h.sampleRate)
		if a.VBR {
			a.BitRate = AverageBitRate(streamBytes, a.Duration)
		} else {
			a.BitRate = h.bitRate
		}
	} else {
		a.BitRate = h.bitRate
		a.Duration = SamplesDuration(audioBytes*8*int64(h.sampleRate)/int64(h.bitRate), h.sampleRate)
	}
	return a, nil
}
