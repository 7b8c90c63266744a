package subsonic

import (
	"context"
	"io"
	"net/http"
	"time"

	"segue/internal/auth"
	"segue/internal/library"
)

// Scanner is the library scanner as this edge uses it.
type Scanner interface {
	Status() library.ScanStatus
	StartScan()
}

// Image is artwork ready to send.
type Image struct {
	Content     io.ReadSeeker
	ContentType string
	ModTime     time.Time
	Close       func()
}

// Artwork finds the image of an item at a size (0 = original), from the
// library's thumbnail cache; NotFound when the viewer cannot see the item or it
// has none.
type Artwork interface {
	Image(ctx context.Context, v library.Viewer, kind library.Kind, id int64, size int) (Image, error)
}

// maxCoverSize bounds the size parameter (thumbnails are cached per size).
const maxCoverSize = 2048

// getCoverArt sends an item's image. The id names an item (never a path), so the
// library checks that the caller may see it, folder and playlist owner included.
func (h *Handler) getCoverArt(w http.ResponseWriter, r *http.Request, p *auth.Principal, params *Params) *Error {
	id := params.Values.Get("id")
	if id == "" {
		return errMissing("id")
	}
	kind, n, ok := parseItemID(id)
	if !ok {
		return errNotFound
	}
	img, err := h.d.Artwork.Image(r.Context(), h.viewer(p), kind, n, params.intOr("size", 0, 0, maxCoverSize))
	if err != nil {
		return fromDomain(err)
	}
	defer img.Close()
	w.Header().Set("Content-Type", img.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r, "", img.ModTime, img.Content)
	return nil
}
