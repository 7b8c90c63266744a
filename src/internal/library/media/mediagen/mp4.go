package mediagen

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"segue/internal/library/media"
)

// box builds an MP4 box from a type and its body parts.
func box(typ string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(make([]byte, 0, n), uint32(n))
	b = append(b, typ...)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func u16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func u32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

var fullBox0 = []byte{0, 0, 0, 0}

var aacRateIndex = map[int]int{96000: 0, 88200: 1, 64000: 2, 48000: 3, 44100: 4, 32000: 5, 24000: 6, 22050: 7, 16000: 8, 12000: 9, 11025: 10, 8000: 11}

// aacSilentFrame codes one AAC-LC raw data block of silence: a single or
// channel pair element with no scale factor bands, then fill elements padding
// it to size bytes, then END.
func aacSilentFrame(channels, size int) []byte {
	w := &bitWriter{}
	if channels == 1 {
		w.put(0, 3)  // SCE
		w.put(0, 4)  // instance tag
		w.put(0, 8)  // global gain
		w.put(0, 11) // ics_info: reserved, long window, shape, max_sfb 0, no prediction
		w.put(0, 3)  // no pulse, TNS, gain control
	} else {
		w.put(1, 3)  // CPE
		w.put(0, 4)  // instance tag
		w.put(1, 1)  // common window
		w.put(0, 11) // ics_info
		w.put(0, 2)  // no M/S
		for range 2 {
			w.put(0, 8) // global gain
			w.put(0, 3) // no pulse, TNS, gain control
		}
	}
	// Fill elements: ID_FIL, a 4-bit count (15 escapes to 8 more bits), then
	// count bytes: an EXT_FILL nibble pair and 0xa5 filler.
	for {
		room := size*8 - w.bits() - 3 // bits left before END
		if room < 7+8 {
			break
		}
		c := min((room-7)/8, 14)
		if room >= 15+8*15 {
			c = min((room-15)/8, 15+255-1)
		}
		w.put(6, 3)
		if c < 15 {
			w.put(uint64(c), 4)
		} else {
			w.put(15, 4)
			w.put(uint64(c-15+1), 8)
		}
		for i := range c {
			if i == 0 {
				w.put(0, 8) // EXT_FILL, fill nibble
			} else {
				w.put(0xa5, 8)
			}
		}
	}
	w.put(7, 3) // END
	return w.out
}

// alacSilentFrame codes n samples of silence as a compressed ALAC element:
// order-0 prediction, one zero residual, then a zero run over the rest.
func alacSilentFrame(channels, n, partialOf int) []byte {
	w := &bitWriter{}
	w.put(uint64(channels-1), 3) // SCE or CPE
	w.put(0, 4)
	w.put(0, 12)
	partial := n != partialOf
	w.put(b2u(partial), 1)
	w.put(0, 2) // no shifted bytes
	w.put(0, 1) // compressed
	if partial {
		w.put(uint64(n), 32)
	}
	w.put(0, 16) // interchannel mix shift and weight
	for range channels {
		w.put(0, 4) // prediction mode 0
		w.put(9, 4) // quantisation shift (unused without coefficients, but 0 is refused)
		w.put(4, 3) // rice history factor: 4/4 of the configured 40
		w.put(0, 5) // no coefficients
	}
	for range channels {
		w.put(0, 1) // first residual: 0, in one unary bit
		if n > 1 {
			// History 10 < 128 starts a zero run; its length escapes (nine 1 bits) to 16 raw bits.
			w.put(0x1ff, 9)
			w.put(uint64(n-1), 16)
		}
	}
	w.put(7, 3) // END
	return w.out
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// encodeM4A writes an MP4 file: ftyp, moov (one sound track and iTunes
// metadata) and mdat with silent AAC or ALAC frames.
func encodeM4A(t Track) (Encoded, error) {
	a := t.Audio
	alac := t.Variant == M4AALAC
	rateIdx, ok := aacRateIndex[a.SampleRate]
	switch {
	case a.Channels < 1 || a.Channels > 2:
		return Encoded{}, fmt.Errorf("mediagen: M4A is written with 1 or 2 channels, not %d", a.Channels)
	case !alac && (!ok || a.BitRate <= 0):
		return Encoded{}, fmt.Errorf("mediagen: AAC at %d Hz, %d bit/s", a.SampleRate, a.BitRate)
	case alac && (a.BitDepth != 16 && a.BitDepth != 24 || a.SampleRate <= 0):
		return Encoded{}, fmt.Errorf("mediagen: ALAC at %d Hz, %d bits", a.SampleRate, a.BitDepth)
	}
	samples := int64(a.Duration * time.Duration(a.SampleRate) / time.Second)
	frameLen := int64(1024)
	if alac {
		frameLen = 4096
	}
	var frames [][]byte
	var data []byte
	carry := 0
	for done := int64(0); done < samples; done += frameLen {
		n := min(frameLen, samples-done)
		var f []byte
		if alac {
			f = alacSilentFrame(a.Channels, int(n), int(frameLen))
		} else {
			// Sizes alternate so the average is the asked bit rate exactly.
			num := a.BitRate * 1024 / 8
			size := num / a.SampleRate
			if carry += num % a.SampleRate; carry >= a.SampleRate {
				carry -= a.SampleRate
				size++
			}
			f = aacSilentFrame(a.Channels, size)
		}
		frames = append(frames, f)
		data = append(data, f...)
	}

	// Sample table: every frame full but a shorter ALAC last one.
	stts := []byte{}
	count := len(frames)
	last := samples - int64(count-1)*frameLen
	if alac && last != frameLen {
		stts = append(append(stts, u32(count-1)...), u32(int(frameLen))...)
		stts = append(append(stts, u32(1)...), u32(int(last))...)
	} else {
		stts = append(append(stts, u32(count)...), u32(int(frameLen))...)
	}
	entries := len(stts) / 8
	stsz := append(append(slices.Clone(fullBox0), u32(0)...), u32(count)...)
	for _, f := range frames {
		stsz = append(stsz, u32(len(f))...)
	}
	var entry []byte
	if alac {
		cfg := append(u32(int(frameLen)), 0, byte(a.BitDepth), 40, 10, 14, byte(a.Channels))
		cfg = append(append(append(append(cfg, u16(255)...), u32(0)...), u32(0)...), u32(a.SampleRate)...)
		entry = box("alac", soundEntry(a.Channels, a.BitDepth, a.SampleRate), box("alac", fullBox0, cfg))
	} else {
		asc := u16(2<<11 | rateIdx<<7 | a.Channels<<3) // AAC LC
		dec := append([]byte{0x40, 0x15, 0, 0x18, 0}, u32(a.BitRate)...)
		dec = append(append(dec, u32(a.BitRate)...), descr(5, asc)...)
		es := append([]byte{0, 1, 0}, descr(4, dec)...)
		es = append(es, descr(6, []byte{2})...)
		entry = box("mp4a", soundEntry(a.Channels, 16, a.SampleRate), box("esds", fullBox0, descr(3, es)))
	}
	want := media.Info{}
	var udta []byte
	if !t.Untagged {
		var ilst []byte
		ilst, want.Tags = mp4Items(t.Tags, t.Cover)
		want.Picture = wantPicture(t.Cover)
		hdlr := box("hdlr", fullBox0, u32(0), []byte("mdirappl"), make([]byte, 9))
		udta = box("udta", box("meta", fullBox0, hdlr, box("ilst", ilst)))
	}
	moov := func(dataOff int) []byte {
		dur := int(samples) // the movie time scale is the sample rate
		stbl := box("stbl",
			box("stsd", fullBox0, u32(1), entry),
			box("stts", fullBox0, u32(entries), stts),
			box("stsc", fullBox0, u32(1), u32(1), u32(count), u32(1)),
			box("stsz", stsz),
			box("stco", fullBox0, u32(1), u32(dataOff)))
		minf := box("minf", box("smhd", fullBox0, u32(0)),
			box("dinf", box("dref", fullBox0, u32(1), box("url ", []byte{0, 0, 0, 1}))), stbl)
		mdia := box("mdia",
			box("mdhd", fullBox0, u32(0), u32(0), u32(a.SampleRate), u32(dur), u16(0x55c4), u16(0)),
			box("hdlr", fullBox0, u32(0), []byte("soun"), make([]byte, 12), []byte("SoundHandler\x00")),
			minf)
		tkhd := box("tkhd", []byte{0, 0, 0, 7}, u32(0), u32(0), u32(1), u32(0), u32(dur), make([]byte, 8),
			u16(0), u16(0), u16(0x100), u16(0), matrix(), u32(0), u32(0))
		mvhd := box("mvhd", fullBox0, u32(0), u32(0), u32(a.SampleRate), u32(dur), u32(0x10000), u16(0x100),
			make([]byte, 10), matrix(), make([]byte, 24), u32(2))
		return box("moov", mvhd, box("trak", tkhd, mdia), udta)
	}
	ftyp := box("ftyp", []byte("M4A "), u32(0x200), []byte("M4A mp42isom"))
	head := len(ftyp) + len(moov(0)) + 8
	out := append(append(ftyp, moov(head)...), box("mdat", data)...)

	d := media.SamplesDuration(samples, a.SampleRate)
	want.Audio = media.Audio{Container: media.ContainerMP4, Codec: media.CodecAAC, SampleRate: a.SampleRate,
		Channels: a.Channels, Duration: d, BitRate: a.BitRate}
	if alac {
		want.Audio.Codec, want.Audio.Lossless, want.Audio.BitDepth = media.CodecALAC, true, a.BitDepth
		want.Audio.BitRate = media.AverageBitRate(int64(len(data)), d)
	}
	return Encoded{Data: out, Want: want}, nil
}

func soundEntry(channels, depth, rate int) []byte {
	b := append(make([]byte, 6), u16(1)...) // reserved, data reference 1
	b = append(b, make([]byte, 8)...)       // version 0, revision, vendor
	b = append(append(b, u16(channels)...), u16(depth)...)
	b = append(b, 0, 0, 0, 0) // compression id, packet size
	if rate > 0xffff {
		rate = 0
	}
	return append(b, u32(rate<<16)...)
}

func descr(tag byte, body []byte) []byte {
	return append([]byte{tag, byte(len(body))}, body...)
}

func matrix() []byte {
	m := make([]byte, 36)
	binary.BigEndian.PutUint32(m[0:], 0x10000)
	binary.BigEndian.PutUint32(m[16:], 0x10000)
	binary.BigEndian.PutUint32(m[32:], 0x40000000)
	return m
}

// mp4Items builds the iTunes ilst items and the Tags Probe reads back.
func mp4Items(t media.Tags, cover *Image) ([]byte, media.Tags) {
	want := t
	var out []byte
	data := func(class int, v []byte) []byte { return box("data", u32(class), u32(0), v) }
	text := func(name string, values ...string) {
		var parts [][]byte
		for _, v := range values {
			if v != "" {
				parts = append(parts, data(1, []byte(v)))
			}
		}
		if len(parts) > 0 {
			out = append(out, box(name, parts...)...)
		}
	}
	free := func(name string, values ...string) {
		var parts [][]byte
		for _, v := range values {
			if v != "" {
				parts = append(parts, data(1, []byte(v)))
			}
		}
		if len(parts) > 0 {
			head := [][]byte{box("mean", fullBox0, []byte("com.apple.iTunes")), box("name", fullBox0, []byte(name))}
			out = append(out, box("----", append(head, parts...)...)...)
		}
	}
	text("\xa9nam", t.Title)
	text("\xa9ART", t.Artist)
	if !slices.Equal(t.Artists, []string{t.Artist}) {
		free("ARTISTS", t.Artists...)
	}
	text("\xa9alb", t.Album)
	text("aART", t.AlbumArtist)
	if !slices.Equal(t.AlbumArtists, []string{t.AlbumArtist}) {
		free("ALBUMARTISTS", t.AlbumArtists...)
	}
	if t.TrackNumber > 0 || t.TrackTotal > 0 {
		v := slices.Concat(u16(0), u16(t.TrackNumber), u16(t.TrackTotal), u16(0))
		out = append(out, box("trkn", data(0, v))...)
	}
	if t.DiscNumber > 0 || t.DiscTotal > 0 {
		v := slices.Concat(u16(0), u16(t.DiscNumber), u16(t.DiscTotal))
		out = append(out, box("disk", data(0, v))...)
	}
	text("\xa9day", t.Date)
	free("ORIGINALDATE", t.OriginalDate)
	text("\xa9gen", t.Genres...)
	if t.Compilation {
		out = append(out, box("cpil", data(21, []byte{1}))...)
	}
	text("\xa9wrt", t.Composer)
	text("\xa9cmt", t.Comment)
	if len(t.SyncedLyrics) > 0 {
		want.Lyrics = lrc(t.SyncedLyrics)
	}
	text("\xa9lyr", want.Lyrics)
	mb := t.MusicBrainz
	free("MusicBrainz Track Id", mb.TrackID)
	free("MusicBrainz Release Track Id", mb.ReleaseTrackID)
	free("MusicBrainz Album Id", mb.AlbumID)
	free("MusicBrainz Artist Id", mb.ArtistIDs...)
	free("MusicBrainz Album Artist Id", mb.AlbumArtistIDs...)
	free("MusicBrainz Release Group Id", mb.ReleaseGroupID)
	rg := t.ReplayGain
	if rg.HasTrack {
		free("replaygain_track_gain", gain(rg.TrackGain))
		free("replaygain_track_peak", peak(rg.TrackPeak))
	}
	if rg.HasAlbum {
		free("replaygain_album_gain", gain(rg.AlbumGain))
		free("replaygain_album_peak", peak(rg.AlbumPeak))
	}
	if cover != nil {
		class := 13
		if cover.MIME == "image/png" {
			class = 14
		}
		out = append(out, box("covr", data(class, cover.Data))...)
	}
	return out, want
}
