package media

import (
	"bytes"
	"io"
	"strings"
)

// pictures remembers the embedded pictures a probe finds, and how to read the
// chosen one, without reading any image bytes during the probe.
type pictures struct {
	best *PictureInfo
	load func() ([]byte, error)
}

// add registers one picture; a front cover (type 3) wins over any other, and
// otherwise the first one found stays.
func (p *pictures) add(typ int, mime string, size int64, load func() ([]byte, error)) {
	if size <= 0 {
		return
	}
	if p.best != nil && (p.best.Type == 3 || typ != 3) {
		return
	}
	p.best = &PictureInfo{MIME: strings.ToLower(strings.TrimSpace(mime)), Type: typ, Bytes: size}
	p.load = load
}

// EmbeddedPicture returns the bytes and MIME type of the picture Probe reported
// in Info.Picture. It re-reads the tags: the scanner stores only that a picture
// exists, and cover requests are rare next to scans.
func EmbeddedPicture(r io.ReaderAt, size int64, name string) (data []byte, mime string, err error) {
	var pics pictures
	if _, err := probe(r, size, name, &pics); err != nil {
		return nil, "", err
	}
	if pics.best == nil {
		return nil, "", ErrNoPicture
	}
	if pics.best.Bytes > maxPictureSize {
		return nil, "", corrupt("embedded picture of %d bytes exceeds %d", pics.best.Bytes, maxPictureSize)
	}
	data, err = pics.load()
	if err != nil {
		return nil, "", err
	}
	return data, sniffImage(data, pics.best.MIME), nil
}

// sniffImage trusts the image's own magic over the tag's MIME type, which
// taggers get wrong ("image/jpg", "PNG", or nothing).
func sniffImage(b []byte, declared string) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "image/gif"
	case len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	case declared == "image/jpg":
		return "image/jpeg"
	}
	return declared
}
