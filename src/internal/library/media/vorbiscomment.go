package media

import (
	"encoding/base64"
	"encoding/binary"
	"strings"
)

// parseVorbisComment reads a Vorbis comment block (FLAC VORBIS_COMMENT, the Ogg
// Vorbis comment header and OpusTags, after their magic). Keys are
// case-insensitive and may repeat: repeated keys are how these formats carry
// several artists or genres. A block cut short keeps what was read before the cut.
func parseVorbisComment(b []byte, f *fields, pics *pictures) error {
	if len(b) < 8 {
		return corrupt("vorbis comment block too short")
	}
	vendor := int64(binary.LittleEndian.Uint32(b))
	if vendor > int64(len(b))-8 {
		return corrupt("vorbis comment vendor string overruns its block")
	}
	b = b[4+vendor:]
	n := binary.LittleEndian.Uint32(b)
	b = b[4:]
	for i := uint32(0); i < n && len(b) >= 4; i++ {
		l := int64(binary.LittleEndian.Uint32(b))
		if l > int64(len(b))-4 {
			break // truncated (an Ogg comment packet beyond our bound)
		}
		kv := string(b[4 : 4+l])
		b = b[4+l:]
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k = strings.ToUpper(k)
		if k == "METADATA_BLOCK_PICTURE" {
			vorbisPicture(v, pics)
			continue
		}
		if len(v) > maxFieldBytes {
			v = v[:maxFieldBytes]
		}
		f.add(k, v)
	}
	return nil
}

// vorbisPicture registers a base64 FLAC picture block found in a comment.
func vorbisPicture(b64 string, pics *pictures) {
	// The picture header (type, MIME, description, dimensions) comes first:
	// decode a prefix for it and the whole value only when the bytes are wanted.
	prefix := b64[:min(len(b64), 4*((8<<10)/3))]
	head, err := base64.StdEncoding.DecodeString(prefix)
	if err != nil && len(head) == 0 {
		return
	}
	typ, mime, _, dataLen, ok := flacPictureHeader(head)
	if !ok {
		return
	}
	pics.add(typ, mime, dataLen, func() ([]byte, error) {
		if len(b64) > 4*(maxPictureSize/3)+64 {
			return nil, corrupt("embedded picture exceeds %d bytes", maxPictureSize)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, corrupt("embedded picture is not valid base64")
		}
		_, _, off, n, ok := flacPictureHeader(raw)
		if !ok || off+n > int64(len(raw)) {
			return nil, corrupt("embedded picture block truncated")
		}
		return raw[off : off+n], nil
	})
}

// flacPictureHeader reads a FLAC PICTURE block header: picture type, MIME type,
// the offset of the image data within the block and its length.
func flacPictureHeader(b []byte) (typ int, mime string, dataOff, dataLen int64, ok bool) {
	if len(b) < 8 {
		return
	}
	typ = int(binary.BigEndian.Uint32(b))
	ml := int64(binary.BigEndian.Uint32(b[4:]))
	p := int64(8)
	if ml > 256 || p+ml+4 > int64(len(b)) {
		return
	}
	mime = string(b[p : p+ml])
	p += ml
	dl := int64(binary.BigEndian.Uint32(b[p:]))
	p += 4
	if dl > int64(len(b)) || p+dl+20 > int64(len(b)) {
		return
	}
	p += dl + 16 // description, width, height, depth, colours
	dataLen = int64(binary.BigEndian.Uint32(b[p:]))
	return typ, mime, p + 4, dataLen, true
}
