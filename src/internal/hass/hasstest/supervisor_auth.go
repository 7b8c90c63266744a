package hasstest

import (
	"encoding/json"
	"io"
	"net/http"
)

const authRealm = `Basic realm="Home Assistant Authentication"`

// serveAuth is the Supervisor's /auth (api/auth.py): HA username/password check against the
// homeassistant provider. Basic auth wins whenever an Authorization header is present —
// so the add-on must send its own token as X-Supervisor-Token here.
func (s *Supervisor) serveAuth(w http.ResponseWriter, r *http.Request) {
	if !s.opts.AuthAPI {
		writeEnvelopeError(w, http.StatusForbidden, "Can't use Home Assistant auth!")
		return
	}
	var ok bool
	switch {
	case r.Header.Get("Authorization") != "":
		user, pass, basic := r.BasicAuth()
		ok = basic && s.checkPassword(user, pass)
		if !ok {
			w.Header().Set("WWW-Authenticate", authRealm)
		}
	case r.Header.Get("Content-Type") == "application/json":
		var body map[string]any
		if json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body) == nil {
			ok = s.checkCredentialFields(body["username"], body["user"], body["password"])
		}
	case r.Header.Get("Content-Type") == "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if r.ParseForm() == nil {
			var user any = r.PostForm.Get("username")
			if user == "" {
				user = r.PostForm.Get("user")
			}
			ok = s.checkCredentialFields(user, nil, r.PostForm.Get("password"))
		}
	default:
		w.Header().Set("WWW-Authenticate", authRealm)
	}
	if !ok {
		http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
		return
	}
	writeEnvelope(w, map[string]any{})
}

func (s *Supervisor) checkCredentialFields(username, user, password any) bool {
	name, _ := username.(string)
	if name == "" {
		name, _ = user.(string)
	}
	pass, isString := password.(string)
	return isString && name != "" && s.checkPassword(name, pass)
}

func (s *Supervisor) checkPassword(username, password string) bool {
	if s.opts.Core == nil || username == "" || password == "" {
		return false
	}
	return s.opts.Core.checkPassword(username, password)
}

// checkPassword validates against the homeassistant auth provider (usernames only).
func (c *Core) checkPassword(username, password string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range c.users {
		if u.Username == username && u.Password != "" && u.Password == password {
			return true
		}
	}
	return false
}
