package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/httpx"
)

// BenchmarkJSONRPCInfo measures POST /api `info` with a bearer token in-process.
func BenchmarkJSONRPCInfo(b *testing.B) {
	s := apptest.Start(b, app.New, apptest.Options{})
	tok := s.Setup(b, "admin", "password-123")
	h := s.App.Web.Handler(httpx.Public)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/api", strings.NewReader(`{"command":"info"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}
