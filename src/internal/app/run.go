package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sync/errgroup"

	"segue/internal/api"
	"segue/internal/httpx"
)

// Listen binds the listeners (so tests can read the chosen ports before Serve). In the
// add-on, the ports are the ones the Supervisor reports (addon_ports.go).
func (a *App) Listen() error {
	plan := a.addonListenPlan(context.Background())
	if plan.public != "" {
		ln, err := net.Listen("tcp", plan.public)
		if err != nil {
			return fmt.Errorf("public listener %s: %w", plan.public, err)
		}
		a.publicLn = ln
		a.proxyHost.set(ln.Addr())
	}
	if plan.ingress != "" {
		ln, err := net.Listen("tcp", plan.ingress)
		if err != nil {
			if a.publicLn != nil {
				a.publicLn.Close()
			}
			return fmt.Errorf("ingress listener %s: %w", plan.ingress, err)
		}
		a.ingressLn = ln
	}
	a.listened = true
	return nil
}

// PublicAddr is the bound public address, or "" when the public listener is off.
func (a *App) PublicAddr() string {
	if a.publicLn == nil {
		return ""
	}
	return a.publicLn.Addr().String()
}

// IngressAddr is the bound ingress address, or "".
func (a *App) IngressAddr() string {
	if a.ingressLn == nil {
		return ""
	}
	return a.ingressLn.Addr().String()
}

func newHTTPServer(h http.Handler, l httpx.Listener, log *logrus.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          newStdLogger(log),
		BaseContext:       func(net.Listener) context.Context { return httpx.ListenerContext(context.Background(), l) },
	}
}

// Run starts the background work and serves until ctx ends, then shuts down in
// order: stop accepting, close WebSockets with 1001, stop background work, flush
// token activity, close the database.
func (a *App) Run(ctx context.Context) error {
	if !a.listened {
		if err := a.Listen(); err != nil {
			a.DB.Close()
			return err
		}
	}
	bg, stopBackground := context.WithCancel(context.Background())
	jobs, jobCtx := errgroup.WithContext(bg)
	for _, job := range a.background {
		jobs.Go(func() error {
			if err := job(jobCtx); err != nil && jobCtx.Err() == nil {
				a.Log.WithError(err).Warn("background work stopped")
			}
			return nil // one job's failure does not stop the others
		})
	}

	errc := make(chan error, 2)
	serve := func(ln net.Listener, l httpx.Listener, h http.Handler) {
		srv := newHTTPServer(h, l, a.Log)
		a.servers = append(a.servers, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	if a.publicLn != nil {
		serve(a.publicLn, httpx.Public, a.public)
		a.Log.WithFields(logrus.Fields{"addr": a.PublicAddr(), "version": Version, "ma_api": api.MAServerVersion}).Info("public listener ready")
	} else {
		a.Log.WithFields(logrus.Fields{"version": Version, "ma_api": api.MAServerVersion}).Info("public listener off")
	}
	if a.ingressLn != nil {
		serve(a.ingressLn, httpx.Ingress, a.Web.Handler(httpx.Ingress))
		a.Log.WithFields(logrus.Fields{"addr": a.IngressAddr(), "trusted_peer": a.Cfg.IngressTrustedPeer}).Info("ingress listener ready")
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}

	sctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	a.Log.Info("shutting down")
	var wg sync.WaitGroup
	for _, srv := range a.servers {
		wg.Add(1)
		go func(srv *http.Server) { defer wg.Done(); _ = srv.Shutdown(sctx) }(srv)
	}
	a.API.Shutdown(sctx)
	wg.Wait()
	stopBackground()
	_ = jobs.Wait()
	if err := a.Tokens.Flush(sctx); err != nil {
		a.Log.WithError(err).Warn("could not save token activity")
	}
	if err := a.DB.Close(); err != nil {
		a.Log.WithError(err).Warn("closing database")
	}
	a.Log.Info("stopped")
	return runErr
}
