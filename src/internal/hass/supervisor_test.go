package hass

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"segue/internal/hass/hasstest"
)

func TestSupervisorAddonSelfInfo(t *testing.T) {
	_, sup := startFakes(t)
	c, err := NewSupervisorClient(SupervisorOptions{BaseURL: sup.URL(), Token: sup.Token()})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.AddonSelfInfo(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if !info.Ingress || info.IngressPort < 62000 || info.IngressPort > 65500 || !info.HomeassistantAPI || info.Slug != "local_segue" {
		t.Fatalf("unexpected add-on info: %+v", info)
	}
	if p, ok := info.PublicPort("8095/tcp"); !ok || p != 8095 {
		t.Fatalf("public port = %d, %v; want 8095", p, ok)
	}
	if info.IngressURL != sup.IngressPath()+"/" {
		t.Fatalf("ingress_url %q, want %q", info.IngressURL, sup.IngressPath()+"/")
	}
	if info.Options["log_level"] != "info" {
		t.Fatalf("options not decoded: %v", info.Options)
	}
}

func TestSupervisorErrors(t *testing.T) {
	_, sup := startFakes(t)
	ctx := testContext(t)

	wrong, _ := NewSupervisorClient(SupervisorOptions{BaseURL: sup.URL(), Token: "not-the-token"})
	_, err := wrong.AddonSelfInfo(ctx)
	var se *SupervisorError
	if !errors.As(err, &se) || se.Status != http.StatusForbidden {
		t.Fatalf("wrong token: got %v, want a 403 SupervisorError", err)
	}

	sup.FailPath("/addons/self/info", hasstest.Failure{Status: http.StatusBadRequest, Message: "App is not available"})
	good, _ := NewSupervisorClient(SupervisorOptions{BaseURL: sup.URL(), Token: sup.Token()})
	_, err = good.AddonSelfInfo(ctx)
	if !errors.As(err, &se) || se.Status != 400 || se.Message != "App is not available" {
		t.Fatalf("envelope error: got %v", err)
	}

	if _, err := NewSupervisorClient(SupervisorOptions{}); err == nil {
		t.Fatal("a client without a token must be refused")
	}
}

func TestSupervisorBoundedAndMalformedBodies(t *testing.T) {
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"result":"ok","data":{"name":"`))
		w.Write([]byte(strings.Repeat("x", maxSupervisorBody)))
		w.Write([]byte(`"}}`))
	}))
	defer huge.Close()
	c, _ := NewSupervisorClient(SupervisorOptions{BaseURL: huge.URL, Token: "t"})
	if _, err := c.AddonSelfInfo(testContext(t)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("oversized body: got %v", err)
	}

	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>hello</html>"))
	}))
	defer notJSON.Close()
	c, _ = NewSupervisorClient(SupervisorOptions{BaseURL: notJSON.URL, Token: "t"})
	if _, err := c.AddonSelfInfo(testContext(t)); err == nil || !strings.Contains(err.Error(), "not a Supervisor envelope") {
		t.Fatalf("non-envelope body: got %v", err)
	}
}
