package haauth

import (
	"html"
	"io"
	"net/http"
	"strings"
)

// page is the only HTML this package writes. Every value is escaped for element
// text or a double-quoted attribute (html.EscapeString). Link is set only after
// the return-URL allow-list accepted it, so custom app schemes (musicassistant://)
// go through as they are. Not html/template: text/template's reflective method
// calls make the linker keep every exported method in the binary (issue 12's RSS).
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{title}} · Segue</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
a{color:#03a9f4}</style></head>
<body><main><h1>{{title}}</h1><p>{{message}}</p>
{{link}}</main></body></html>
`

type pageData struct {
	Title, Message, LinkText string
	Link                     string // an allow-listed return URL or this server's path
}

// fill is page with d's values escaped; a Replacer makes one pass, so a value
// that contains a marker stays text.
func (d pageData) fill() string {
	link := ""
	if d.Link != "" {
		link = `<p><a id="continue" href="` + html.EscapeString(d.Link) + `">` + html.EscapeString(d.LinkText) + "</a></p>\n"
	}
	return strings.NewReplacer("{{title}}", html.EscapeString(d.Title), "{{message}}", html.EscapeString(d.Message), "{{link}}", link).Replace(page)
}

func renderPage(w http.ResponseWriter, status int, d pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, d.fill())
}

func errorPage(w http.ResponseWriter, status int, title, msg string) {
	renderPage(w, status, pageData{Title: title, Message: msg, Link: "/login", LinkText: "Back to sign-in"})
}
