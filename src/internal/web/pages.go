package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"

	"segue/internal/httpx"
	"segue/internal/text"
)

//go:embed pages/*.html
var pageFiles embed.FS

var pageTemplates = template.Must(template.ParseFS(pageFiles, "pages/*.html"))

type pageData struct {
	Title, Message, Link, LinkText string
	ReturnURL, DeviceName          string
}

func (s *Server) render(w http.ResponseWriter, status int, name string, data pageData) {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		s.d.Log.WithError(err).Error("render page")
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) messagePage(w http.ResponseWriter, status int, title, msg string) {
	s.render(w, status, "message.html", pageData{Title: title, Message: msg})
}

// loginPage serves GET /login; before setup it sends the browser to setup.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	ret := r.URL.Query().Get("return_url")
	if ret != "" && !s.d.ReturnURLs.Allowed(ret, r.Host) {
		s.messagePage(w, http.StatusBadRequest, "Invalid return URL", "This sign-in link is not allowed to return to that address.")
		return
	}
	done, err := s.SetupDone(r.Context())
	if err != nil {
		s.messagePage(w, http.StatusServiceUnavailable, "Unavailable", "The server cannot read its database right now.")
		return
	}
	if !done {
		q := url.Values{}
		if ret != "" {
			q.Set("return_url", ret)
		}
		if dn := r.URL.Query().Get("device_name"); dn != "" {
			q.Set("device_name", text.Truncate(dn, 100))
		}
		target := "setup"
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		redirectRelative(w, target)
		return
	}
	s.render(w, http.StatusOK, "login.html", pageData{Title: "Sign in", ReturnURL: ret, DeviceName: text.Truncate(r.URL.Query().Get("device_name"), 100)})
}

// home serves GET /: setup first, then the web UI.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	done, err := s.SetupDone(r.Context())
	if err != nil {
		s.messagePage(w, http.StatusServiceUnavailable, "Unavailable", "The server cannot read its database right now.")
		return
	}
	if !done && httpx.ListenerOf(r) != httpx.Ingress {
		redirectRelative(w, "setup")
		return
	}
	if s.homePage != nil {
		s.homePage.ServeHTTP(w, r)
		return
	}
	s.render(w, http.StatusOK, "message.html", pageData{Title: "Segue", Message: "The server is running.", Link: "login", LinkText: "Sign in"})
}

// redirectRelative sends a relative Location as is, so it resolves under the
// ingress base path too (http.Redirect would make it absolute).
func redirectRelative(w http.ResponseWriter, target string) {
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusFound)
}
