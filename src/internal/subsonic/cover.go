package subsonic

import (
	"net/http"

	"segue/internal/auth"
	"segue/internal/library"
)

// maxCoverSize bounds the size parameter (thumbnails are cached per size).
const maxCoverSize = 2048

// coverIDOf reads the item an id names, as the viewer sees it (folder and
// playlist owner checked), and returns its cover.
func (h *Handler) coverIDOf(r *http.Request, v library.Viewer, kind library.Kind, n int64) (int64, error) {
	ctx := r.Context()
	switch kind {
	case library.KindArtist:
		a, err := h.d.Library.Artist(ctx, v, n)
		return a.CoverID, err
	case library.KindAlbum:
		a, err := h.d.Library.Album(ctx, v, n)
		return a.CoverID, err
	case library.KindPlaylist:
		p, err := h.d.Library.Playlist(ctx, v, n)
		return p.CoverID, err
	}
	t, err := h.d.Library.Track(ctx, v, n)
	return t.CoverID, err
}

// getCoverArt sends an item's image, resized to size (thumbnails come from the
// library's cache). The id names an item, never a path or a bare cover, so the
// library checks that the caller may see that item first.
func (h *Handler) getCoverArt(w http.ResponseWriter, r *http.Request, p *auth.Principal, params *Params) *Error {
	id := params.Values.Get("id")
	if id == "" {
		return errMissing("id")
	}
	kind, n, ok := parseItemID(id)
	if !ok {
		return errNotFound
	}
	v := h.viewer(p)
	coverID, err := h.coverIDOf(r, v, kind, n)
	if err != nil {
		return fromDomain(err)
	}
	if coverID == 0 {
		return errNotFound
	}
	pic, err := h.d.Library.CoverArt(r.Context(), v, coverID, params.intOr("size", 0, 0, maxCoverSize))
	if err != nil {
		return fromDomain(err)
	}
	defer pic.Close()
	w.Header().Set("Content-Type", pic.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r, "", pic.ModTime, pic)
	return nil
}
