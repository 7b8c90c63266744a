package mediagen

import (
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"

	"segue/internal/library/media"
)

// Vorbis setup headers made once with libvorbis; see vorbis/README.md.
var (
	//go:embed vorbis/setup-mono.bin
	vorbisSetupMono []byte
	//go:embed vorbis/setup-stereo.bin
	vorbisSetupStereo []byte
)

// oggPacket is one packet and the granule position after it (-1: none).
type oggPacket struct {
	data    []byte
	granule int64
}

// oggWriter lays packets out on Ogg pages of one logical stream.
type oggWriter struct {
	out    []byte
	serial uint32
	seq    uint32
}

// group writes packets starting on a fresh page; last marks the end of stream.
func (w *oggWriter) group(packets []oggPacket, last bool) {
	var lacing, body []byte
	granule := int64(-1)
	continued := false
	flush := func(final bool) {
		flags := byte(0)
		if continued {
			flags |= 1
		}
		if w.seq == 0 {
			flags |= 2
		}
		if final && last {
			flags |= 4
		}
		h := append([]byte("OggS"), 0, flags)
		h = binary.LittleEndian.AppendUint64(h, uint64(granule))
		h = binary.LittleEndian.AppendUint32(h, w.serial)
		h = binary.LittleEndian.AppendUint32(h, w.seq)
		h = append(h, 0, 0, 0, 0, byte(len(lacing)))
		h = append(h, lacing...)
		start := len(w.out)
		w.out = append(append(w.out, h...), body...)
		binary.LittleEndian.PutUint32(w.out[start+22:], oggCRC(w.out[start:]))
		w.seq++
		lacing, body, granule = nil, nil, -1
	}
	for _, p := range packets {
		rest := p.data
		for {
			n := min(len(rest), 255)
			lacing = append(lacing, byte(n))
			body = append(body, rest[:n]...)
			rest = rest[n:]
			done := n < 255
			if done {
				granule = p.granule
			}
			if len(lacing) == 255 || len(body) >= 8192 {
				flush(false)
				continued = !done
			}
			if done {
				break
			}
		}
	}
	if len(lacing) > 0 {
		flush(true)
	}
}

func oggCRC(b []byte) uint32 {
	var c uint32
	for _, x := range b {
		c ^= uint32(x) << 24
		for range 8 {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04c11db7
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// oggComment returns the comment packet body and the Tags Probe reads back.
func oggComment(t Track) ([]byte, media.Tags, *media.PictureInfo) {
	if t.Untagged {
		c, _ := vorbisComment(media.Tags{})
		return c, media.Tags{}, nil
	}
	var extra []string
	if t.Cover != nil {
		extra = append(extra, "METADATA_BLOCK_PICTURE="+base64.StdEncoding.EncodeToString(flacPicture(t.Cover)))
	}
	c, want := vorbisComment(t.Tags, extra...)
	return c, want, wantPicture(t.Cover)
}

// encodeOpus writes CELT-only 20 ms packets whose frames code silence (range
// coder bytes 0xff decode the silence flag), sized for the asked bit rate.
func encodeOpus(t Track) (Encoded, error) {
	a := t.Audio
	if a.SampleRate != 48000 || a.Channels < 1 || a.Channels > 2 {
		return Encoded{}, fmt.Errorf("mediagen: Opus is written at 48 kHz, 1 or 2 channels (asked %d Hz, %d)", a.SampleRate, a.Channels)
	}
	frameBytes := a.BitRate / 8 / 50 // 20 ms frames
	if frameBytes < 3 || frameBytes > 1275 {
		return Encoded{}, fmt.Errorf("mediagen: Opus bit rate %d out of range", a.BitRate)
	}
	const preSkip = 312
	samples := int64(a.Duration * 48000 / time.Second)
	w := &oggWriter{serial: 0x5e9e0001}
	head := append([]byte("OpusHead"), 1, byte(a.Channels))
	head = binary.LittleEndian.AppendUint16(head, preSkip)
	head = binary.LittleEndian.AppendUint32(head, 48000)
	head = append(head, 0, 0, 0) // output gain, mapping family 0
	w.group([]oggPacket{{head, 0}}, false)
	comment, tags, pic := oggComment(t)
	w.group([]oggPacket{{append([]byte("OpusTags"), comment...), 0}}, false)
	audioStart := len(w.out)
	toc := byte(31 << 3) // CELT-only, full band, 20 ms, one frame
	if a.Channels == 2 {
		toc |= 4
	}
	packet := make([]byte, frameBytes)
	packet[0] = toc
	for i := 1; i < len(packet); i++ {
		packet[i] = 0xff
	}
	var audio []oggPacket
	for done := int64(0); done < samples+preSkip; {
		done = min(done+960, samples+preSkip)
		audio = append(audio, oggPacket{packet, done})
	}
	w.group(audio, true)
	d := media.SamplesDuration(samples, 48000)
	want := media.Info{Tags: tags, Picture: pic, Audio: media.Audio{
		Container: media.ContainerOgg, Codec: media.CodecOpus, SampleRate: 48000, Channels: a.Channels,
		Duration: d, BitRate: media.AverageBitRate(int64(len(w.out)-audioStart), d),
	}}
	return Encoded{Data: w.out, Want: want}, nil
}

// encodeVorbis writes the identification header for the asked rate, channels
// and nominal bit rate, the comments, a committed setup header, and one-byte
// silent packets.
func encodeVorbis(t Track) (Encoded, error) {
	a := t.Audio
	setup := map[int][]byte{1: vorbisSetupMono, 2: vorbisSetupStereo}[a.Channels]
	if setup == nil || a.SampleRate <= 0 || a.BitRate <= 0 {
		return Encoded{}, fmt.Errorf("mediagen: Vorbis is written with 1 or 2 channels and a bit rate (asked %d, %d)", a.Channels, a.BitRate)
	}
	samples := int64(a.Duration * time.Duration(a.SampleRate) / time.Second)
	w := &oggWriter{serial: 0x5e9e0002}
	id := append([]byte("\x01vorbis"), 0, 0, 0, 0, byte(a.Channels))
	id = binary.LittleEndian.AppendUint32(id, uint32(a.SampleRate))
	id = binary.LittleEndian.AppendUint32(id, 0) // maximum bit rate: unset
	id = binary.LittleEndian.AppendUint32(id, uint32(a.BitRate))
	id = binary.LittleEndian.AppendUint32(id, 0) // minimum: unset
	id = append(id, 0xb8, 1)                     // block sizes 256/2048, framing
	w.group([]oggPacket{{id, 0}}, false)
	comment, tags, pic := oggComment(t)
	w.group([]oggPacket{{append(append([]byte("\x03vorbis"), comment...), 1), 0}, {setup, 0}}, false)
	// The first packet yields nothing, the short-to-long one 576 samples, each
	// long one 1024; the last page's granule trims the end.
	audio := []oggPacket{{[]byte{0x00}, 0}, {[]byte{0x0a}, min(576, samples)}}
	for done := int64(576); done < samples; {
		done = min(done+1024, samples)
		audio = append(audio, oggPacket{[]byte{0x0e}, done})
	}
	w.group(audio, true)
	want := media.Info{Tags: tags, Picture: pic, Audio: media.Audio{
		Container: media.ContainerOgg, Codec: media.CodecVorbis, SampleRate: a.SampleRate, Channels: a.Channels,
		Duration: media.SamplesDuration(samples, a.SampleRate), BitRate: a.BitRate,
	}}
	return Encoded{Data: w.out, Want: want}, nil
}
