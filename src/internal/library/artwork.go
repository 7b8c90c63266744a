package library

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/gif" // decoders for cover images
	"image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"path"
	"time"

	_ "golang.org/x/image/webp"

	"segue/internal/fail"
	"segue/internal/library/media"
)

// Artwork bounds: a cover file larger than maxArtBytes or with more than
// maxArtPixels is not decoded (a hostile file could otherwise take the memory).
const (
	maxArtBytes  = 16 << 20
	maxArtPixels = 24_000_000
	minThumb     = 16
	maxThumb     = 2048
)

// Picture is a cover image ready to serve (http.ServeContent).
type Picture struct {
	io.ReadSeekCloser
	ContentType string
	ModTime     time.Time
	Size        int64
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func bytesPicture(b []byte, mtime time.Time) *Picture {
	return &Picture{ReadSeekCloser: nopCloser{bytes.NewReader(b)}, ContentType: http.DetectContentType(b), ModTime: mtime, Size: int64(len(b))}
}

type artRow struct {
	id, folderID int64
	path         string
	embedded     bool
	mtime        int64
}

// CoverArt returns the cover with id coverID (the CoverID of an artist, album,
// track or playlist). size > 0 asks for a thumbnail fitting size×size pixels,
// made once and kept in the cache; size 0, or a size at least as large as the
// image, gives the original. NotFound when the id is unknown, its folder is not
// the viewer's or is offline.
func (l *Library) CoverArt(ctx context.Context, v Viewer, coverID int64, size int) (*Picture, error) {
	art, err := l.artRow(ctx, coverID)
	if err != nil {
		return nil, err
	}
	if !v.allows(art.folderID) {
		return nil, fail.NotFound("Cover art not found")
	}
	return l.cover(art, size)
}

// Cover is CoverArt without a viewer, for MA's unauthenticated /imageproxy: the
// caller must hand out only ids it keyed itself, for items the user could see.
func (l *Library) Cover(ctx context.Context, coverID int64, size int) (*Picture, error) {
	art, err := l.artRow(ctx, coverID)
	if err != nil {
		return nil, err
	}
	return l.cover(art, size)
}

func (l *Library) cover(art artRow, size int) (*Picture, error) {
	if !l.online(art.folderID) {
		return nil, fail.NotFound("Cover art not found")
	}
	mtime := time.Unix(0, art.mtime).UTC()
	if size > 0 && l.thumbs != nil {
		size = min(max(size, minThumb), maxThumb)
		if p, ok := l.thumbs.get(art, size); ok {
			return p, nil
		}
	}
	data, err := l.artBytes(art)
	if err != nil {
		return nil, err
	}
	if size <= 0 || l.thumbs == nil {
		return bytesPicture(data, mtime), nil
	}
	thumb, err := l.thumbs.make(art, size, data)
	if err != nil {
		if l.log != nil {
			l.log.WithError(err).WithField("cover", art.id).Debug("library: serving the original cover")
		}
		return bytesPicture(data, mtime), nil
	}
	return thumb, nil
}

func (l *Library) artRow(ctx context.Context, id int64) (artRow, error) {
	a := artRow{id: id}
	err := l.db.R.QueryRowContext(ctx, "SELECT folder_id, path, embedded, mtime FROM lib_art WHERE id = ?", id).
		Scan(&a.folderID, &a.path, &a.embedded, &a.mtime)
	if isNoRows(err) {
		return a, fail.NotFound("Cover art not found")
	}
	return a, dbErr(err)
}

// artBytes reads a cover's original bytes from beneath its music folder.
func (l *Library) artBytes(a artRow) ([]byte, error) {
	f, err := l.openInFolder(a.folderID, a.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fail.NotFound("Cover art not found")
	}
	if a.embedded {
		data, _, err := media.EmbeddedPicture(f, st.Size(), path.Base(a.path))
		if err != nil {
			return nil, fail.Wrap(fail.KindNotFound, err, "Cover art not found")
		}
		return data, nil
	}
	if st.Size() > maxArtBytes {
		return nil, fail.NotFound("Cover art not found")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxArtBytes))
	if err != nil {
		return nil, fail.Wrap(fail.KindNotFound, err, "Cover art not found")
	}
	return data, nil
}

var errTooLarge = errors.New("image too large to decode")

// scale decodes an image and fits it into size×size, as JPEG. ok is false when
// the image is already that small.
func scale(data []byte, size int) (out []byte, ok bool, err error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, false, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxArtPixels {
		return nil, false, errTooLarge
	}
	if cfg.Width <= size && cfg.Height <= size {
		return nil, false, nil
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false, err
	}
	w, h := size, size
	if cfg.Width > cfg.Height {
		h = max(1, cfg.Height*size/cfg.Width)
	} else {
		w = max(1, cfg.Width*size/cfg.Height)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	resample(dst, src)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}); err != nil {
		return nil, false, err
	}
	return buf.Bytes(), true, nil
}
