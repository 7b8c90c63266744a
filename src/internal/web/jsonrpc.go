package web

import (
	"encoding/json"
	"net/http"

	"segue/internal/api"
	"segue/internal/fail"
	"segue/internal/httpx"
	"segue/internal/text"
)

// jsonRPC serves POST /api: one command, the bare result on success and MA's
// plain-text errors otherwise.
func (s *Server) jsonRPC(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if done, err := s.SetupDone(ctx); err != nil {
		s.writeError(w, err)
		return
	} else if !done && httpx.ListenerOf(r) != httpx.Ingress {
		http.Error(w, "Setup required", http.StatusServiceUnavailable)
		return
	}
	body, err := httpx.ReadBody(w, r, maxAPIBody)
	if err == httpx.ErrBodyTooLarge {
		http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, "Body required", http.StatusBadRequest)
		return
	}
	if len(body) == 0 {
		http.Error(w, "Body required", http.StatusBadRequest)
		return
	}
	var msg api.CommandMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		http.Error(w, "Invalid JSON: body must be a JSON object", http.StatusBadRequest)
		return
	}
	if msg.Command == "" {
		http.Error(w, "Invalid JSON: missing required field", http.StatusBadRequest)
		return
	}
	p, err := s.Principal(r)
	if err != nil {
		if fail.Is(err, fail.KindUnavailable) {
			s.writeError(w, err)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="Segue"`)
		http.Error(w, "Authentication failed", http.StatusUnauthorized)
		return
	}
	result, err := s.d.API.Call(ctx, p, s.connInfo(r), msg.Command, msg.Args)
	if err != nil {
		switch fail.KindOf(err) {
		case fail.KindUnknownCommand:
			http.Error(w, "Invalid Command: "+text.Truncate(msg.Command, 64), http.StatusBadRequest)
		case fail.KindUnauthenticated:
			w.Header().Set("WWW-Authenticate", `Bearer realm="Segue"`)
			http.Error(w, "Authentication required", http.StatusUnauthorized)
		default:
			s.writeError(w, err)
		}
		return
	}
	httpx.WriteJSON(w, http.StatusOK, result)
}
