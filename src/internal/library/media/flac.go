package media

import "encoding/binary"

// maxFLACBlocks bounds the metadata blocks walked before the audio frames.
const maxFLACBlocks = 1024

// probeFLAC reads the metadata blocks after the "fLaC" marker at off:
// STREAMINFO for the audio facts, VORBIS_COMMENT for tags, PICTURE for art.
func probeFLAC(s *source, off int64, f *fields, pics *pictures) (Audio, error) {
	a := Audio{Container: ContainerFLAC, Codec: CodecFLAC, Lossless: true}
	pos := off + 4
	var samples int64
	seenInfo := false
	for i := 0; ; i++ {
		if i == maxFLACBlocks {
			return Audio{}, corrupt("more than %d FLAC metadata blocks", maxFLACBlocks)
		}
		h, err := s.at(pos, 4)
		if err != nil {
			return Audio{}, corrupt("FLAC metadata truncated")
		}
		last, typ := h[0]&0x80 != 0, h[0]&0x7f
		n := int64(h[1])<<16 | int64(h[2])<<8 | int64(h[3])
		body := pos + 4
		pos = body + n
		if pos > s.size {
			return Audio{}, corrupt("FLAC metadata block %d overruns the file", typ)
		}
		switch typ {
		case 0: // STREAMINFO
			b, err := s.at(body, 34)
			if err != nil || n < 34 {
				return Audio{}, corrupt("FLAC STREAMINFO too short")
			}
			x := binary.BigEndian.Uint64(b[10:18])
			a.SampleRate = int(x >> 44)
			a.Channels = int((x>>41)&7) + 1
			a.BitDepth = int((x>>36)&31) + 1
			samples = int64(x & (1<<36 - 1))
			seenInfo = true
		case 4: // VORBIS_COMMENT
			b, err := s.bounded(body, n, maxBlockBytes, "FLAC comment block")
			if err != nil {
				return Audio{}, err
			}
			if err := parseVorbisComment(b, f, pics); err != nil {
				return Audio{}, err
			}
		case 6: // PICTURE
			head, err := s.at(body, int(min(n, 2048)))
			if err != nil {
				return Audio{}, err
			}
			typ, mime, dataOff, dataLen, ok := flacPictureHeader(head)
			if ok && dataOff+dataLen <= n {
				at := body + dataOff
				pics.add(typ, mime, dataLen, func() ([]byte, error) {
					return s.bounded(at, dataLen, maxPictureSize, "embedded picture")
				})
			}
		case 127:
			return Audio{}, corrupt("invalid FLAC metadata block type")
		}
		if last {
			break
		}
	}
	if !seenInfo || a.SampleRate == 0 {
		return Audio{}, corrupt("FLAC without STREAMINFO")
	}
	a.Duration = SamplesDuration(samples, a.SampleRate)
	a.BitRate = AverageBitRate(s.size-pos, a.Duration)
	return a, nil
}
