package haauth

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"segue/internal/testutil"
)

// brokenBody fails mid-read the way a dropped connection does.
type brokenBody struct{}

func (brokenBody) Read([]byte) (int, error) {
	return 0, errors.New("read tcp 10.0.0.1:443: connection reset by peer")
}

// TestGoldenCodeExchangeErrors pins POST /auth/code's answers to bad bodies.
// Regenerate with: go test ./internal/haauth -run GoldenCodeExchange -update
func TestGoldenCodeExchangeErrors(t *testing.T) {
	run := func(name, contentType string, body interface{ Read([]byte) (int, error) }) {
		t.Run(name, func(t *testing.T) {
			s := testService(true)
			req := httptest.NewRequest("POST", CodePath, body)
			req.Header.Set("Content-Type", contentType)
			rec := httptest.NewRecorder()
			s.ExchangeCode(rec, req)
			got := fmt.Sprintf("HTTP %d\n\n%s", rec.Code, rec.Body.String())
			testutil.Golden(t, "auth_code/"+name+".txt", []byte(got))
		})
	}
	run("too_large", "application/json", strings.NewReader(`{"code":"`+strings.Repeat("a", maxCodeBody)+`"}`))
	run("read_error", "application/json", brokenBody{})
	run("invalid_json", "application/json", strings.NewReader(`{"code":`))
	run("invalid_form", "application/x-www-form-urlencoded", strings.NewReader(`code=%zz`))
	run("unknown_code", "application/json", strings.NewReader(`{"code":"nope"}`))
}
