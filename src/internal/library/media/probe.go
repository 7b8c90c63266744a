package media

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// Probe reads the tags and audio facts of one file of size bytes. name is used
// only as a hint when the content does not identify the format (an MP3 with
// junk before its first frame). A file whose structure is broken returns a
// *CorruptError saying why; one of another kind returns ErrUnsupported.
func Probe(r io.ReaderAt, size int64, name string) (Info, error) {
	return probe(r, size, name, nil)
}

func probe(r io.ReaderAt, size int64, name string, pics *pictures) (Info, error) {
	if size < 4 {
		return Info{}, ErrUnsupported
	}
	s, err := newSource(r, size)
	if err != nil {
		return Info{}, err
	}
	if pics == nil {
		pics = new(pictures)
	}
	var f fields
	var a Audio
	h := s.head
	switch {
	case bytes.HasPrefix(h, []byte("fLaC")):
		a, err = probeFLAC(s, 0, &f, pics)
	case bytes.HasPrefix(h, []byte("OggS")):
		a, err = probeOgg(s, &f, pics)
	case len(h) >= 12 && string(h[4:8]) == "ftyp":
		a, err = probeMP4(s, &f, pics)
	case bytes.HasPrefix(h, []byte("ID3")):
		var n int64
		if n, err = id3v2Size(s, 0); err == nil {
			if b, _ := s.at(n, 4); string(b) == "fLaC" { // FLAC with a stray ID3v2 tag
				a, err = probeFLAC(s, n, &f, pics)
			} else {
				a, err = probeMP3(s, &f, pics)
			}
		}
	case h[0] == 0xff && h[1]&0xe0 == 0xe0,
		strings.EqualFold(filepath.Ext(name), ".mp3"):
		a, err = probeMP3(s, &f, pics)
	default:
		return Info{}, ErrUnsupported
	}
	if err != nil {
		return Info{}, err
	}
	info := Info{Tags: f.tags(), Audio: a, Picture: pics.best}
	return info, nil
}

// SamplesDuration converts a sample count at rate Hz to a duration, truncated
// to the nanosecond, without overflowing.
func SamplesDuration(samples int64, rate int) time.Duration {
	if rate <= 0 || samples <= 0 {
		return 0
	}
	r := int64(rate)
	return time.Duration(samples/r)*time.Second + time.Duration(samples%r*int64(time.Second)/r)
}

// AverageBitRate is the bit rate of n bytes played over d, rounded to 1 bit/s.
func AverageBitRate(n int64, d time.Duration) int {
	if d <= 0 || n <= 0 {
		return 0
	}
	return int((float64(n) * 8 / d.Seconds()) + 0.5)
}
