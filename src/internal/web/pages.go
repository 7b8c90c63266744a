package web

import (
	_ "embed"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"

	"segue/internal/httpx"
	"segue/internal/text"
)

// The server-rendered pages are filled by strings.Replacer, not html/template:
// text/template calls methods by name through reflection, and that makes the linker
// keep every exported method of every type in the binary, about a third of the
// code that is mapped at run time (issue 12's idle RSS). Each marker has one
// escaping context, chosen in fill: element text, or a JavaScript string literal.

//go:embed pages/base.html
var pageBase string

//go:embed pages/message.html
var pageMessage string

//go:embed pages/login.html
var pageLogin string

//go:embed pages/setup.html
var pageSetup string

type pageData struct {
	Title, Message string
	// Link and LinkText: a link under the message; Link is always one of this
	// server's own relative paths, never from the request.
	Link, LinkText        string
	ReturnURL, DeviceName string
}

// fill returns page (one of the page* contents) inside pageBase with d's values
// escaped. A Replacer makes one pass, so a value that contains a marker stays text.
func (d pageData) fill(page string) string {
	var link, deviceNote string
	if d.Link != "" {
		link = `<p><a href="` + html.EscapeString(d.Link) + `">` + html.EscapeString(d.LinkText) + `</a></p>`
	}
	if d.DeviceName != "" {
		deviceNote = `<p class="note" id="device-note">Signing in <strong>` + html.EscapeString(d.DeviceName) + `</strong>.</p>`
	}
	title := html.EscapeString(d.Title)
	content := strings.NewReplacer(
		"{{title}}", title,
		"{{message}}", html.EscapeString(d.Message),
		"{{link}}", link,
		"{{device_note}}", deviceNote,
		"{{return_url_js}}", scriptString(d.ReturnURL),
		"{{device_name_js}}", scriptString(d.DeviceName),
	).Replace(page)
	return strings.NewReplacer("{{title}}", title, "{{content}}", content).Replace(pageBase)
}

// scriptString is s as a JavaScript string literal inside a <script> element:
// encoding/json escapes <, > and & (so neither "</script>" nor "<!--" can appear)
// and U+2028/U+2029, and replaces invalid UTF-8.
func scriptString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func (s *Server) render(w http.ResponseWriter, status int, page string, data pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, data.fill(page))
}

func (s *Server) messagePage(w http.ResponseWriter, status int, title, msg string) {
	s.render(w, status, pageMessage, pageData{Title: title, Message: msg})
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
	s.render(w, http.StatusOK, pageLogin, pageData{Title: "Sign in", ReturnURL: ret, DeviceName: text.Truncate(r.URL.Query().Get("device_name"), 100)})
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
	s.render(w, http.StatusOK, pageMessage, pageData{Title: "Segue", Message: "The server is running.", Link: "login", LinkText: "Sign in"})
}

// redirectRelative sends a relative Location as is, so it resolves under the
// ingress base path too (http.Redirect would make it absolute).
func redirectRelative(w http.ResponseWriter, target string) {
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusFound)
}
