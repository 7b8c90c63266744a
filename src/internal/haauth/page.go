package haauth

import (
	"bytes"
	"html/template"
	"net/http"
)

// page is the only HTML this package writes. html/template escapes every value by
// context; Link is a template.URL only after the allow-list accepted it, so custom
// app schemes (musicassistant://) survive while the text around it stays escaped.
var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}} · Segue</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
a{color:#03a9f4}</style></head>
<body><main><h1>{{.Title}}</h1><p>{{.Message}}</p>
{{if .Link}}<p><a id="continue" href="{{.Link}}">{{.LinkText}}</a></p>{{end}}
</main></body></html>
`))

type pageData struct {
	Title, Message, LinkText string
	Link                     template.URL
}

func renderPage(w http.ResponseWriter, status int, d pageData) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func errorPage(w http.ResponseWriter, status int, title, msg string) {
	renderPage(w, status, pageData{Title: title, Message: msg, Link: "/login", LinkText: "Back to sign-in"})
}
