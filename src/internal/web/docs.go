package web

import (
	"html/template"
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

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>API · Segue</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code{background:rgba(127,127,127,.15);padding:.1rem .3rem;border-radius:4px}section{border-bottom:1px solid rgba(127,127,127,.3);padding:.6rem 0}</style></head>
<body><h1>Segue command API</h1>
<p>Send commands over the WebSocket at <code>ws</code> as <code>{"message_id": "1", "command": "…", "args": {…}}</code> after
<code>auth</code>, or as <code>POST api</code> with <code>Authorization: Bearer &lt;token&gt;</code>. Machine-readable:
<a href="api-docs/commands.json">commands.json</a>.</p>
{{range .}}<section><h3><code>{{.Command}}</code></h3><p>{{.Description}}</p>
<p>{{if not .Authenticated}}No authentication needed.{{else if .RequiredScope}}Requires scope <code>{{.RequiredScope}}</code>.{{else}}Requires authentication.{{end}}</p>
{{if .Args}}<p>Args: {{range .Args}}<code>{{.Name}}: {{.Type}}</code> {{end}}</p>{{end}}</section>{{end}}
</body></html>`))

func (s *Server) docsPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := docsTemplate.Execute(w, CommandDocs(s.d.API.Registry())); err != nil {
		s.d.Log.WithError(err).Error("render api docs")
	}
}

func (s *Server) docsJSON(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, CommandDocs(s.d.API.Registry()))
}
