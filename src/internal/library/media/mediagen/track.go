// Package mediagen writes small but valid tagged audio files of every format
// the library reads, without an encoder: the audio is digital silence coded by
// hand (MP3, FLAC, AAC, ALAC, Opus) or from tiny committed Vorbis headers, and
// the durations, bit rates, sample rates, depths and channel counts are exactly
// those asked for. Tests and benchmarks use it instead of real music.
package mediagen

import (
	"fmt"

	"segue/internal/library/media"
)

// Variant is one way of writing a file.
type Variant string

// The variants Encode writes.
const (
	MP3CBR     Variant = "mp3-cbr"      // constant bit rate with a LAME-style "Info" frame
	MP3CBRBare Variant = "mp3-cbr-bare" // constant bit rate without any header frame
	MP3Xing    Variant = "mp3-vbr-xing" // variable bit rate with a Xing frame
	MP3VBRI    Variant = "mp3-vbr-vbri" // variable bit rate with a Fraunhofer VBRI frame
	FLAC       Variant = "flac"
	OggVorbis  Variant = "ogg-vorbis"
	OggOpus    Variant = "ogg-opus"
	M4AAAC     Variant = "m4a-aac"
	M4AALAC    Variant = "m4a-alac"
)

// Ext is the file name extension of the variant's files.
func (v Variant) Ext() string {
	switch v {
	case FLAC:
		return ".flac"
	case OggVorbis:
		return ".ogg"
	case OggOpus:
		return ".opus"
	case M4AAAC, M4AALAC:
		return ".m4a"
	}
	return ".mp3"
}

// TagStyle picks the tag format of an MP3.
type TagStyle int

// The MP3 tag styles.
const (
	ID3v24 TagStyle = iota
	ID3v23
	ID3v1
)

// Track is the specification of one file.
type Track struct {
	Path     string // relative to the library root, slash-separated
	Variant  Variant
	TagStyle TagStyle // MP3 only
	Untagged bool     // write no tags at all
	Tags     media.Tags
	// Audio asks for SampleRate, Channels, Duration, and BitRate (lossy) or
	// BitDepth (lossless). Durations are rounded to whole codec frames.
	Audio media.Audio
	Cover *Image // embedded front cover
}

// Image is a picture file's bytes.
type Image struct {
	MIME string
	Data []byte
}

// Encoded is a written file and what Probe must find in it.
type Encoded struct {
	Data []byte
	Want media.Info
}

// Encode writes one track.
func Encode(t Track) (Encoded, error) {
	switch t.Variant {
	case MP3CBR, MP3CBRBare, MP3Xing, MP3VBRI:
		return encodeMP3(t)
	case FLAC:
		return encodeFLAC(t)
	case OggVorbis:
		return encodeVorbis(t)
	case OggOpus:
		return encodeOpus(t)
	case M4AAAC, M4AALAC:
		return encodeM4A(t)
	}
	return Encoded{}, fmt.Errorf("mediagen: unknown variant %q", t.Variant)
}

// wantPicture is the PictureInfo Probe reports for an embedded cover.
func wantPicture(c *Image) *media.PictureInfo {
	if c == nil {
		return nil
	}
	return &media.PictureInfo{MIME: c.MIME, Type: 3, Bytes: int64(len(c.Data))}
}
