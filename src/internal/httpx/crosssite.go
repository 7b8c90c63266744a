package httpx

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"segue/internal/fail"
)

// Refusals of CheckAmbient.
var (
	ErrCrossSite = fail.Forbidden("Cross-site request refused")
	ErrNotJSON   = fail.Invalid("Content-Type must be application/json")
)

// CheckAmbient guards a state-changing endpoint whose authority the browser
// adds by itself: a fresh server's /setup (reachable by any page the admin's
// browser opens), the device approval on the ingress listener (HA's session
// cookie signs it in), the HA sign-in steps bound to a cookie. Such a request
// must not come from another site: Sec-Fetch-Site must say same-origin (or
// none: typed by the user), else an Origin must name the host it was sent to.
// A request with neither header is a native client, which has no ambient
// authority to abuse, and passes. The body must be JSON: a cross-site page can
// send JSON only after a CORS preflight, which these endpoints never grant, so
// a browser that sends no fetch metadata is still held.
//
// Through ingress the page and its requests share Home Assistant's origin, so
// the sidebar's own requests are same-origin and pass.
func CheckAmbient(r *http.Request) error {
	if err := CheckSameOrigin(r); err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return ErrNotJSON
	}
	return nil
}

// CheckSameOrigin refuses a state-changing request that a browser marks as
// sent from another site (Sec-Fetch-Site, else Origin against Host); safe
// methods and requests with neither header pass. The rules are the standard
// library's CrossOriginProtection; "same-site" (another port or subdomain of
// the same host) counts as another site.
func CheckSameOrigin(r *http.Request) error {
	// The zero value has no trusted origins and no bypass patterns.
	if err := new(http.CrossOriginProtection).Check(r); err != nil {
		return ErrCrossSite
	}
	return nil
}

// CheckSocketOrigin guards a WebSocket handshake (a GET, so CheckSameOrigin
// lets it through) on a listener where cookies sign the socket in: a browser
// always sends Origin on it, which must name the host the request was sent to
// (Host, or X-Forwarded-Host as HA's proxy sets it); Sec-Fetch-Site, when
// sent, must say same-origin. A handshake without Origin is a native client.
func CheckSocketOrigin(r *http.Request) error {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return ErrCrossSite
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return ErrCrossSite
	}
	if strings.EqualFold(u.Host, r.Host) {
		return nil
	}
	if fh := r.Header.Get("X-Forwarded-Host"); fh != "" && strings.EqualFold(u.Host, fh) {
		return nil
	}
	return ErrCrossSite
}

// CheckNavigation admits a GET that must be a top-level navigation (a
// redirect back from another site, such as HA's sign-in callback): a browser
// that marks it as anything else (a frame, an image, a script's fetch) is
// refused. Requests without fetch metadata (older browsers, native clients) pass.
func CheckNavigation(r *http.Request) error {
	if m := r.Header.Get("Sec-Fetch-Mode"); m != "" && m != "navigate" {
		return ErrCrossSite
	}
	if d := r.Header.Get("Sec-Fetch-Dest"); d != "" && d != "document" {
		return ErrCrossSite
	}
	return nil
}
