package web

import (
	"html"
	"io"
	"net/http"
	"reflect"
	"strings"

	"segue/internal/api"
	"segue/internal/httpx"
)

// CommandDoc describes one command for /api-docs.
type CommandDoc struct {
	Command       string   `json:"command"`
	Description   string   `json:"description"`
	RequiredScope string   `json:"required_scope"`
	Authenticated bool     `json:"authenticated"`
	Args          []ArgDoc `json:"args"`
}

// ArgDoc is one argument.
type ArgDoc struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// CommandDocs builds the docs from the registry.
func CommandDocs(reg *api.Registry) []CommandDoc {
	var out []CommandDoc
	for _, c := range reg.All() {
		d := CommandDoc{Command: c.Name, Description: c.Description, RequiredScope: string(c.Scope), Authenticated: !c.Public, Args: []ArgDoc{}}
		if c.Args != nil {
			t := reflect.TypeOf(c.Args)
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "" || name == "-" {
					continue
				}
				d.Args = append(d.Args, ArgDoc{Name: name, Type: typeName(f.Type)})
			}
		}
		out = append(out, d)
	}
	return out
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return typeName(t.Elem()) + "?"
	case reflect.Slice:
		return "list[" + typeName(t.Elem()) + "]"
	case reflect.Map:
		return "object"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint32, reflect.Uint64:
		return "int"
	case reflect.Float64, reflect.Float32:
		return "float"
	case reflect.String:
		return "string"
	}
	return t.Kind().String()
}

// docsHead is the page above the command list (docsPage writes the rest with
// strings: see pages.go for why not html/template).
const docsHead = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>API · Segue</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code{background:rgba(127,127,127,.15);padding:.1rem .3rem;border-radius:4px}section{border-bottom:1px solid rgba(127,127,127,.3);padding:.6rem 0}</style></head>
<body><h1>Segue command API</h1>
<p>Send commands over the WebSocket at <code>ws</code> as <code>{"message_id": "1", "command": "…", "args": {…}}</code> after
<code>auth</code>, or as <code>POST api</code> with <code>Authorization: Bearer &lt;token&gt;</code>. Machine-readable:
<a href="api-docs/commands.json">commands.json</a>.</p>
`

// docsHTML is the /api-docs page: one section a command, every value escaped.
func docsHTML(docs []CommandDoc) string {
	var b strings.Builder
	b.WriteString(docsHead)
	for _, d := range docs {
		b.WriteString("<section><h3><code>" + html.EscapeString(d.Command) + "</code></h3><p>" + html.EscapeString(d.Description) + "</p>\n<p>")
		switch {
		case !d.Authenticated:
			b.WriteString("No authentication needed.")
		case d.RequiredScope != "":
			b.WriteString("Requires scope <code>" + html.EscapeString(d.RequiredScope) + "</code>.")
		default:
			b.WriteString("Requires authentication.")
		}
		b.WriteString("</p>\n")
		if len(d.Args) > 0 {
			b.WriteString("<p>Args: ")
			for _, a := range d.Args {
				b.WriteString("<code>" + html.EscapeString(a.Name) + ": " + html.EscapeString(a.Type) + "</code> ")
			}
			b.WriteString("</p>")
		}
		b.WriteString("</section>")
	}
	b.WriteString("\n</body></html>")
	return b.String()
}

func (s *Server) docsPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, docsHTML(CommandDocs(s.d.API.Registry())))
}

func (s *Server) docsJSON(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, CommandDocs(s.d.API.Registry()))
}
