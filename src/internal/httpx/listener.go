package httpx

import (
	"context"
	"net/http"
)

type ctxKey int

const (
	principalKey ctxKey = iota
	listenerKey
)

// Listener names which socket a request came in on.
type Listener int

const (
	// Public is the LAN listener: apps, Subsonic clients, browsers.
	Public Listener = iota
	// Ingress is the listener only the Supervisor's ingress proxy reaches.
	Ingress
)

// Listeners lists every listener, for modules that mount on all of them.
var Listeners = []Listener{Public, Ingress}

// ListenerOf returns the listener a request arrived on.
func ListenerOf(r *http.Request) Listener {
	l, _ := r.Context().Value(listenerKey).(Listener)
	return l
}

// ListenerContext marks a base context with the listener, for http.Server.BaseContext:
// set there once, it spares every request a context copy.
func ListenerContext(parent context.Context, l Listener) context.Context {
	return context.WithValue(parent, listenerKey, l)
}

// WithListener marks requests that reach next with l (in-process callers such
// as the remote-access proxy do not pass through an http.Server).
func WithListener(l Listener, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cur, ok := r.Context().Value(listenerKey).(Listener); ok && cur == l {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(ListenerContext(r.Context(), l)))
	})
}
