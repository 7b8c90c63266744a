package mediagen

import (
	"encoding/binary"
	"fmt"
	"time"

	"segue/internal/library/media"
)

var mp3BitRates = map[bool][]int{ // kbit/s by index 1..14: MPEG1 layer III, MPEG2/2.5 layer III
	true:  {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
	false: {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
}

// mp3Version returns the MPEG version bits and sample-rate index for a rate.
func mp3Version(rate int) (verBits, srIndex byte, mpeg1 bool, err error) {
	for i, r := range [3][3]int{{44100, 48000, 32000}, {22050, 24000, 16000}, {11025, 12000, 8000}} {
		for j, x := range r {
			if x == rate {
				return [3]byte{3, 2, 0}[i], byte(j), i == 0, nil
			}
		}
	}
	return 0, 0, false, fmt.Errorf("mediagen: no MPEG sample rate %d", rate)
}

func mp3BitRateIndex(mpeg1 bool, kbps int) (byte, error) {
	for i, b := range mp3BitRates[mpeg1] {
		if b == kbps {
			return byte(i + 1), nil
		}
	}
	return 0, fmt.Errorf("mediagen: no MP3 bit rate %d kbit/s", kbps)
}

// mp3Frames writes silent layer III frames: zero side information decodes to
// silence, and the frame length alone sets the bit rate.
type mp3Frames struct {
	verBits, srIndex byte
	mpeg1            bool
	rate, channels   int
	remainder        map[int]int // padding accumulator per bit rate
	out              []byte
}

func (m *mp3Frames) samplesPerFrame() int {
	if m.mpeg1 {
		return 1152
	}
	return 576
}

// frame appends one frame at kbps whose payload (after the 4-byte header)
// starts with payload, and returns its offset.
func (m *mp3Frames) frame(kbps int, payload []byte) int {
	idx, _ := mp3BitRateIndex(m.mpeg1, kbps)
	coef := 144
	if !m.mpeg1 {
		coef = 72
	}
	num := coef * kbps * 1000
	size := num / m.rate
	pad := 0
	m.remainder[kbps] += num % m.rate
	if m.remainder[kbps] >= m.rate {
		m.remainder[kbps] -= m.rate
		pad = 1
	}
	mode := byte(1) // joint stereo
	if m.channels == 1 {
		mode = 3
	}
	at := len(m.out)
	m.out = append(m.out, 0xff, 0xe0|m.verBits<<3|1<<1|1, idx<<4|m.srIndex<<2|byte(pad)<<1, mode<<6)
	body := make([]byte, size+pad-4)
	copy(body, payload)
	m.out = append(m.out, body...)
	return at
}

func (m *mp3Frames) sideInfo() int {
	switch {
	case m.mpeg1 && m.channels == 1:
		return 17
	case m.mpeg1:
		return 32
	case m.channels == 1:
		return 9
	}
	return 17
}

func encodeMP3(t Track) (Encoded, error) {
	a := t.Audio
	verBits, srIndex, mpeg1, err := mp3Version(a.SampleRate)
	if err != nil {
		return Encoded{}, err
	}
	if a.Channels != 1 && a.Channels != 2 {
		return Encoded{}, fmt.Errorf("mediagen: MP3 has 1 or 2 channels, not %d", a.Channels)
	}
	kbps := a.BitRate / 1000
	if _, err := mp3BitRateIndex(mpeg1, kbps); err != nil {
		return Encoded{}, err
	}
	m := &mp3Frames{verBits: verBits, srIndex: srIndex, mpeg1: mpeg1, rate: a.SampleRate, channels: a.Channels, remainder: map[int]int{}}
	spf := m.samplesPerFrame()
	n := int((a.Duration*time.Duration(a.SampleRate) + time.Duration(spf)*time.Second/2) / (time.Duration(spf) * time.Second))
	n = max(n, 1)

	// VBR streams alternate around the asked rate: one step down, the rate, one step up.
	rates := []int{kbps}
	if t.Variant == MP3Xing || t.Variant == MP3VBRI {
		all := mp3BitRates[mpeg1]
		i, _ := mp3BitRateIndex(mpeg1, kbps)
		lo, hi := all[max(int(i)-2, 0)], all[min(int(i), len(all)-1)]
		rates = []int{lo, kbps, hi, kbps}
	}
	header := -1
	switch t.Variant {
	case MP3CBR, MP3Xing:
		tag := "Info"
		if t.Variant == MP3Xing {
			tag = "Xing"
		}
		p := make([]byte, m.sideInfo()+16)
		copy(p[m.sideInfo():], tag)
		binary.BigEndian.PutUint32(p[m.sideInfo()+4:], 3) // frames and bytes present
		header = m.frame(headerRate(mpeg1, kbps, 4+len(p)), p)
	case MP3VBRI:
		p := make([]byte, 32+26)
		copy(p[32:], "VBRI")
		binary.BigEndian.PutUint16(p[36:], 1) // version
		header = m.frame(headerRate(mpeg1, kbps, 4+len(p)), p)
	}
	for i := range n {
		m.frame(rates[i%len(rates)], nil)
	}
	stream := len(m.out)
	switch t.Variant {
	case MP3CBR, MP3Xing:
		x := header + 4 + m.sideInfo()
		binary.BigEndian.PutUint32(m.out[x+8:], uint32(n))
		binary.BigEndian.PutUint32(m.out[x+12:], uint32(stream))
	case MP3VBRI:
		x := header + 4 + 32
		binary.BigEndian.PutUint32(m.out[x+10:], uint32(stream))
		binary.BigEndian.PutUint32(m.out[x+14:], uint32(n))
	}

	want := media.Info{Audio: media.Audio{
		Container: media.ContainerMP3, Codec: media.CodecMP3,
		SampleRate: a.SampleRate, Channels: a.Channels,
		Duration: media.SamplesDuration(int64(n*spf), a.SampleRate),
		BitRate:  kbps * 1000,
		VBR:      t.Variant == MP3Xing || t.Variant == MP3VBRI,
	}}
	if t.Variant == MP3CBRBare { // no frame count: players estimate from the size
		want.Audio.Duration = media.SamplesDuration(int64(stream)*8*int64(a.SampleRate)/int64(kbps*1000), a.SampleRate)
	}
	if want.Audio.VBR {
		want.Audio.BitRate = media.AverageBitRate(int64(stream), want.Audio.Duration)
	}
	var out []byte
	switch {
	case t.Untagged:
		out = m.out
	case t.TagStyle == ID3v1:
		tag, tags := writeID3v1(t.Tags)
		out, want.Tags = append(m.out, tag...), tags
	default:
		ver := byte(4)
		if t.TagStyle == ID3v23 {
			ver = 3
		}
		tag, tags := writeID3v2(ver, t.Tags, t.Cover)
		out, want.Tags, want.Picture = append(tag, m.out...), tags, wantPicture(t.Cover)
	}
	return Encoded{Data: out, Want: want}, nil
}

// headerRate is the lowest bit rate at or above kbps whose frame holds n bytes.
func headerRate(mpeg1 bool, kbps, n int) int {
	for _, r := range mp3BitRates[mpeg1] {
		if r >= kbps && r*1000*72/48000 >= n { // 72 at 48 kHz is the tightest case
			return r
		}
	}
	return mp3BitRates[mpeg1][len(mp3BitRates[mpeg1])-1]
}
