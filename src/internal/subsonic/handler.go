package subsonic

import (
	"context"
	"net/http"
	"strings"

	"segue/internal/api"
	"segue/internal/auth"
)

// Deps are what the Subsonic endpoint needs.
type Deps struct {
	Auth          *Authenticator
	Users         *auth.Users
	ServerVersion string
}

// method answers one Subsonic call for an authenticated principal.
type method func(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error)

// Handler serves /rest/<method> and /rest/<method>.view.
type Handler struct {
	d       Deps
	enc     *encoder
	methods map[string]method
	// public methods answer without credentials (OpenSubsonic: clients probe
	// getOpenSubsonicExtensions before they know how to log in).
	public map[string]method
}

// NewHandler builds the endpoint.
func NewHandler(d Deps) *Handler {
	h := &Handler{d: d, enc: newEncoder(d.ServerVersion)}
	h.methods = map[string]method{
		"ping":       h.ping,
		"getLicense": h.getLicense,
		"getUser":    h.getUser,
		"tokenInfo":  h.tokenInfo,
	}
	h.public = map[string]method{"getOpenSubsonicExtensions": h.getOpenSubsonicExtensions}
	return h
}

// Mount adds the routes: every HTTP method and any path below /rest/ reaches
// the handler, so unknown methods get a Subsonic answer, never a 404 page.
func (h *Handler) Mount(mux *http.ServeMux) { mux.Handle("/rest/", h) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	params, perr := ParseParams(w, r)
	if perr != nil {
		h.enc.write(w, &params, h.enc.failure(perr))
		return
	}
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/rest/"), ".view")
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		h.enc.write(w, &params, h.enc.failure(errNotFound))
		return
	}
	if m, ok := h.public[name]; ok {
		h.answer(w, r.Context(), m, nil, &params)
		return
	}
	m, ok := h.methods[name]
	if !ok {
		h.enc.write(w, &params, h.enc.failure(errNotFound))
		return
	}
	pr, aerr := h.d.Auth.Authenticate(r.Context(), &params, api.ClientIP(r.RemoteAddr))
	if aerr != nil {
		h.enc.write(w, &params, h.enc.failure(aerr))
		return
	}
	h.answer(w, r.Context(), m, pr, &params)
}

func (h *Handler) answer(w http.ResponseWriter, ctx context.Context, m method, pr *auth.Principal, params *Params) {
	resp, err := m(ctx, pr, params)
	if err != nil {
		resp = h.enc.failure(err)
	}
	h.enc.write(w, params, resp)
}
