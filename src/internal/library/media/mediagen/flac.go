package mediagen

import (
	"encoding/binary"
	"fmt"
	"time"

	"segue/internal/library/media"
)

const flacBlockSize = 4096

// encodeFLAC writes STREAMINFO, the comments, the picture and silent frames
// whose subframes are CONSTANT zero.
func encodeFLAC(t Track) (Encoded, error) {
	a := t.Audio
	if a.SampleRate <= 0 || a.SampleRate >= 1<<20 || a.Channels < 1 || a.Channels > 8 {
		return Encoded{}, fmt.Errorf("mediagen: FLAC cannot hold %d Hz, %d channels", a.SampleRate, a.Channels)
	}
	depthCode := map[int]byte{8: 1, 12: 2, 16: 4, 20: 5, 24: 6}[a.BitDepth]
	if depthCode == 0 {
		return Encoded{}, fmt.Errorf("mediagen: FLAC bit depth %d", a.BitDepth)
	}
	samples := int64(a.Duration * time.Duration(a.SampleRate) / time.Second)
	samples = max(samples, 1)

	out := []byte("fLaC")
	info := make([]byte, 34)
	binary.BigEndian.PutUint16(info[0:], flacBlockSize)
	binary.BigEndian.PutUint16(info[2:], flacBlockSize)
	x := uint64(a.SampleRate)<<44 | uint64(a.Channels-1)<<41 | uint64(a.BitDepth-1)<<36 | uint64(samples)
	binary.BigEndian.PutUint64(info[10:], x)
	type block struct {
		typ  byte
		body []byte
	}
	blocks := []block{{0, info}}
	want := media.Info{}
	if !t.Untagged {
		var c []byte
		c, want.Tags = vorbisComment(t.Tags)
		blocks = append(blocks, block{4, c})
		if t.Cover != nil {
			blocks = append(blocks, block{6, flacPicture(t.Cover)})
			want.Picture = wantPicture(t.Cover)
		}
	}
	blocks = append(blocks, block{1, make([]byte, 128)}) // padding, as encoders leave
	for i, b := range blocks {
		typ := b.typ
		if i == len(blocks)-1 {
			typ |= 0x80
		}
		out = append(out, typ, byte(len(b.body)>>16), byte(len(b.body)>>8), byte(len(b.body)))
		out = append(out, b.body...)
	}
	audioStart := len(out)
	for frame, done := uint64(0), int64(0); done < samples; frame++ {
		n := min(int64(flacBlockSize), samples-done)
		out = flacFrame(out, frame, int(n), a, depthCode)
		done += n
	}
	d := media.SamplesDuration(samples, a.SampleRate)
	want.Audio = media.Audio{
		Container: media.ContainerFLAC, Codec: media.CodecFLAC, Lossless: true,
		SampleRate: a.SampleRate, Channels: a.Channels, BitDepth: a.BitDepth,
		Duration: d, BitRate: media.AverageBitRate(int64(len(out)-audioStart), d),
	}
	return Encoded{Data: out, Want: want}, nil
}

var flacRateCodes = map[int]byte{88200: 1, 176400: 2, 192000: 3, 8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9, 48000: 10, 96000: 11}

func flacFrame(out []byte, number uint64, n int, a media.Audio, depthCode byte) []byte {
	start := len(out)
	bsCode := byte(12) // 4096
	if n != flacBlockSize {
		bsCode = 7 // 16-bit (size-1) follows
	}
	rateCode := flacRateCodes[a.SampleRate] // 0: read it from STREAMINFO
	out = append(out, 0xff, 0xf8, bsCode<<4|rateCode, byte(a.Channels-1)<<4|depthCode<<1)
	out = appendUTF8Number(out, number)
	if bsCode == 7 {
		out = binary.BigEndian.AppendUint16(out, uint16(n-1))
	}
	out = append(out, crc8(out[start:]))
	// Each subframe: a zero pad bit, type CONSTANT (000000), no wasted bits,
	// then one sample of BitDepth bits: zero. Channels are packed bit-tight,
	// so write the whole run as bits.
	bits := a.Channels * (8 + a.BitDepth)
	out = append(out, make([]byte, (bits+7)/8)...)
	return binary.BigEndian.AppendUint16(out, crc16(out[start:]))
}

// appendUTF8Number writes FLAC's UTF-8-like coded frame number.
func appendUTF8Number(out []byte, v uint64) []byte {
	if v < 0x80 {
		return append(out, byte(v))
	}
	n := 2
	for v >= 1<<(5*n+1) {
		n++
	}
	first := byte(0xff<<(8-n)) | byte(v>>(6*(n-1)))
	out = append(out, first)
	for i := n - 2; i >= 0; i-- {
		out = append(out, 0x80|byte(v>>(6*i))&0x3f)
	}
	return out
}

func crc8(b []byte) byte {
	var c byte
	for _, x := range b {
		c ^= x
		for range 8 {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

func crc16(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c ^= uint16(x) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x8005
			} else {
				c <<= 1
			}
		}
	}
	return c
}
