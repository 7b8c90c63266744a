package httpx

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/fail"
)

// WriteJSON answers v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteError answers a domain error as plain text with the status and the
// client-safe message fail maps it to; 5xx causes are logged, never sent.
func WriteError(w http.ResponseWriter, log logrus.FieldLogger, err error) {
	status, msg := fail.HTTPStatus(err)
	if status >= 500 && log != nil {
		if fail.ClientGone(err) {
			log.WithError(err).Debug("request ended: the client left")
		} else {
			log.WithError(err).Error("request failed")
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Segue"`)
	}
	SetRetryAfterFor(w, err)
	http.Error(w, msg, status)
}

// SetRetryAfter tells a client, in whole seconds rounded up, when to come back.
func SetRetryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
}

// SetRetryAfterFor sets Retry-After when err is a rate-limit refusal.
func SetRetryAfterFor(w http.ResponseWriter, err error) {
	if e := fail.As(err); e.Kind == fail.KindRateLimited {
		SetRetryAfter(w, e.RetryAfter)
	}
}

// PeerIP is the IP of the TCP peer (never a forwarded-for header).
func PeerIP(r *http.Request) string { return HostOf(r.RemoteAddr) }

// HostOf is the address part of a RemoteAddr.
func HostOf(remoteAddr string) string {
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return host
	}
	return remoteAddr
}
