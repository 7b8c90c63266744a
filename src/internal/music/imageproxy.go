package music

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"segue/internal/fail"
)

// MA's thumbnail sizes; the frontend rounds requests up to one of them.
var imageSizes = map[string]int{"": 0, "0": 0, "80": 80, "160": 160, "256": 256, "512": 512, "1024": 1024}

// Mount adds /imageproxy. It is unauthenticated as in MA (img tags and speakers
// cannot send a bearer); ids are keyed (imageKeys), so only covers the library
// handed out resolve. The remote http_proxy channel replays requests against the
// public handler, so the route serves remote clients too.
func (m *Module) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /imageproxy/{id}", func(w http.ResponseWriter, r *http.Request) {
		m.serveImage(w, r, r.PathValue("id"))
	})
	// The legacy form ?path=&provider=: Segue's image paths are its keyed ids, so
	// this resolves exactly the images the library knows, nothing else.
	mux.HandleFunc("GET /imageproxy", func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Query().Get("path")
		if strings.Contains(path, "%") {
			if p, err := url.QueryUnescape(path); err == nil {
				path = p
			}
		}
		m.serveImage(w, r, path)
	})
}

func (m *Module) serveImage(w http.ResponseWriter, r *http.Request, id string) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	size, ok := imageSizes[r.URL.Query().Get("size")]
	if !ok {
		http.Error(w, "Invalid size", http.StatusBadRequest)
		return
	}
	cover, ok := m.images.cover(id)
	if !ok || m.covers == nil {
		http.NotFound(w, r)
		return
	}
	body, contentType, mod, err := m.covers(r.Context(), cover, size)
	if err != nil {
		if !fail.Is(err, fail.KindNotFound) {
			m.log.WithError(err).Warn("imageproxy: cover unreadable")
		}
		http.NotFound(w, r)
		return
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	http.ServeContent(w, r, "cover"+strconv.FormatInt(cover, 10), mod, body)
}
