// Package webui serves the embedded web UI: one page (index.html) at the server's
// root and its assets under ui/. Every URL inside the files is relative, so the
// same bytes work on the public port and under Home Assistant's ingress base path.
package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"segue/internal/feature"
	"time"
)

//go:embed static
var staticFiles embed.FS

// indexFile is the page GET / serves once setup is done.
const indexFile = "index.html"

// contentSecurityPolicy keeps every request on the server's own origin (ws:/wss: to
// the same host count as 'self' in CSP 3). It deliberately sets no frame-ancestors:
// Home Assistant shows the UI in an iframe.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'"

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	etag        string
	contentType string
}

// UI serves the embedded files.
type UI struct {
	assets map[string]asset
}

// New loads the embedded files once.
func New() (*UI, error) {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	u := &UI{assets: map[string]asset{}}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		u.assets[name] = asset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: ctype}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Module is the web UI: the page at GET / (after setup) and its assets under
// /ui/ on every listener.
func (u *UI) Module() feature.Module {
	return feature.Module{Name: "webui",
		Home: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { u.serve(w, r, indexFile) }),
		Routes: []feature.Route{feature.Handle("GET /ui/{path...}", func(w http.ResponseWriter, r *http.Request) {
			name := r.PathValue("path")
			if name == indexFile {
				http.NotFound(w, r) // the page lives at the root only, so relative URLs resolve one way
				return
			}
			u.serve(w, r, name)
		})}}
}

// serve answers one asset; unknown names are 404 (the map is the whole allow-list).
func (u *UI) serve(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := u.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	// Revalidate every time: the files change with each server version and are tiny.
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
