package web

import "segue/internal/httpx"

// redirectTarget is where a login or setup answer sends the browser: an MA
// app gets the token it expects in ?code=; Segue's own pages get no secret in
// the URL at all (the page that posted the login stores the token itself).
func (s *Server) redirectTarget(ret, host, token string, extra ...string) string {
	if s.d.ReturnURLs.Classify(ret, host) == httpx.MAApp {
		return httpx.WithCode(ret, token, extra...)
	}
	return ret
}
