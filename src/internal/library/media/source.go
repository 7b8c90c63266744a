package media

import (
	"errors"
	"fmt"
	"io"
)

// Bounds on what one probe reads into memory. A header or tag block that claims
// more is either skipped or reported as corrupt, never allocated.
const (
	headSize       = 64 << 10 // the start of the file, read once; most tags fit in it
	maxFieldBytes  = 1 << 20  // one text field, lyrics included
	maxBlockBytes  = 16 << 20 // one tag block read whole (an unsynchronised ID3v2.3 tag, an Ogg comment packet)
	maxPictureSize = 32 << 20 // an embedded picture EmbeddedPicture will return
	maxFields      = 4096     // tag fields per file
	maxFieldTotal  = 4 << 20  // bytes of tag text kept per file
)

// ErrUnsupported means the file is none of the formats Probe reads.
var ErrUnsupported = errors.New("unsupported format")

// corrupt builds the error for a file whose structure is broken. The reason is
// meant for people: the scanner records it next to the path.
func corrupt(format string, args ...any) error {
	return &CorruptError{Reason: fmt.Sprintf(format, args...)}
}

// CorruptError is returned for a file that looks like a supported format but
// whose headers are broken or truncated.
type CorruptError struct{ Reason string }

func (e *CorruptError) Error() string { return "corrupt file: " + e.Reason }

// source reads a file at offsets, serving the head of the file from one buffer
// so that parsing the usual small tags costs a single read.
type source struct {
	r    io.ReaderAt
	size int64
	head []byte
}

func newSource(r io.ReaderAt, size int64) (*source, error) {
	n := min(size, headSize)
	s := &source{r: r, size: size, head: make([]byte, n)}
	if _, err := r.ReadAt(s.head, 0); err != nil && !(errors.Is(err, io.EOF) && len(s.head) == int(n)) {
		return nil, fmt.Errorf("read: %w", err)
	}
	return s, nil
}

// at returns n bytes at off, or a corrupt error when they lie past the end.
// n is bounded by the callers (header sizes, or a checked maximum).
func (s *source) at(off int64, n int) ([]byte, error) {
	if n < 0 || off < 0 || off > s.size || int64(n) > s.size-off {
		return nil, corrupt("truncated: %d bytes wanted at offset %d of %d", n, off, s.size)
	}
	if off+int64(n) <= int64(len(s.head)) {
		return s.head[off : off+int64(n)], nil
	}
	b := make([]byte, n)
	if _, err := s.r.ReadAt(b, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read: %w", err)
	}
	return b, nil
}

// bounded is at with a cap: a block bigger than limit is an error.
func (s *source) bounded(off int64, n int64, limit int, what string) ([]byte, error) {
	if n > int64(limit) {
		return nil, corrupt("%s of %d bytes exceeds the %d-byte limit", what, n, limit)
	}
	return s.at(off, int(n))
}

// ErrNoPicture is returned by EmbeddedPicture for a file without one.
var ErrNoPicture = errors.New("no embedded picture")

// span is something tag parsers read at offsets: the file itself, or a tag
// block already in memory (an unsynchronised ID3v2.3 tag).
type span interface {
	at(off int64, n int) ([]byte, error)
}

// memSpan is a tag block held in memory.
type memSpan []byte

func (m memSpan) at(off int64, n int) ([]byte, error) {
	if n < 0 || off < 0 || off > int64(len(m)) || int64(n) > int64(len(m))-off {
		return nil, corrupt("truncated tag block")
	}
	return m[off : off+int64(n)], nil
}
