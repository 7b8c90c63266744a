package subsonic

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sirupsen/logrus"

	"segue/internal/apppass"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/logging"
	"segue/internal/secrets"
	"segue/internal/store"
)

// FuzzDecodeEnc: the enc: decoder never panics, and whatever it accepts is
// valid UTF-8 that encodes back to the input (checklist 50).
func FuzzDecodeEnc(f *testing.F) {
	for _, s := range []string{"", "enc:", "enc:616263", "enc:ABC", "enc:zz", "enc:ff", "enc:e282ac", "plain", "enc:" + strings.Repeat("41", 2000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, err := DecodePassword(p)
		if err != nil {
			return
		}
		if rest, ok := strings.CutPrefix(p, "enc:"); ok {
			if !utf8.ValidString(got) || !strings.EqualFold(hex.EncodeToString([]byte(got)), rest) {
				t.Fatalf("DecodePassword(%q) = %q", p, got)
			}
		} else if got != p {
			t.Fatalf("plain %q decoded to %q", p, got)
		}
		if len(got) > maxPasswordBytes {
			t.Fatalf("accepted %d bytes", len(got))
		}
	})
}

// FuzzParams drives the whole endpoint (real SQLite, real app-passwords) with
// random paths, queries, bodies and content types: the answer is always HTTP
// 200 with a well-formed envelope, never a 500 or a panic (checklist 49/86).
func FuzzParams(f *testing.F) {
	h, secret := fuzzHandler(f)
	seeds := []struct{ method, path, query, ctype, body string }{
		{"GET", "/rest/ping.view", "u=alice&p=" + secret + "&f=json", "", ""},
		{"GET", "/rest/ping", "u=alice&t=0123456789abcdef0123456789abcdef&s=x&f=xml", "", ""},
		{"POST", "/rest/getUser", "f=jsonp&callback=cb", "application/x-www-form-urlencoded", "u=alice&p=enc:616263&username=alice"},
		{"POST", "/rest/getLicense", "", "application/x-www-form-urlencoded; charset=utf-8", "apiKey=a.b.c"},
		{"GET", "/rest/x", "%zz&u=%&p", "", ""},
		{"PUT", "/rest/", "f=json", "text/plain", "\x00\xff"},
		{"GET", "/rest/tokenInfo", "apiKey=" + strings.Repeat("A", 3000), "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.ctype, s.body)
	}
	f.Fuzz(func(t *testing.T, method, path, query, ctype, body string) {
		if !validMethod(method) {
			method = "GET"
		}
		req := httptest.NewRequest("GET", "/rest/ping", nil)
		req.Method = method
		req.URL.Path = "/rest/" + strings.TrimPrefix(path, "/rest/")
		req.URL.RawQuery = query
		req.Body = io.NopCloser(strings.NewReader(body))
		req.ContentLength = int64(len(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("HTTP %d for %s %q ?%q", rec.Code, method, path, query)
		}
		out := rec.Body.Bytes()
		if !bytes.HasPrefix(out, []byte("<?xml")) && !bytes.HasPrefix(out, []byte(`{"subsonic-response":`)) && !bytes.Contains(out, []byte(`({"subsonic-response":`)) {
			t.Fatalf("malformed answer %q", out)
		}
	})
}

func validMethod(m string) bool {
	if m == "" || len(m) > 16 {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}

// fuzzHandler builds the endpoint over real parts (no server): SQLite in a
// temp dir, users, tokens, app-passwords, the throttle.
func fuzzHandler(tb testing.TB) (*Handler, string) {
	a, users, _, secret := testAuthenticator(tb, logging.New(io.Discard, "info"))
	return NewHandler(Deps{Auth: a, Users: users, ServerVersion: "test"}), secret
}

// testAuthenticator is the authenticator over real parts, with user alice and
// her app-password (returned), logging to log.
func testAuthenticator(tb testing.TB, log *logrus.Logger) (*Authenticator, *auth.Users, *store.DB, string) {
	ctx := context.Background()
	dir := tb.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "segue.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	clk := clock.Real{}
	rnd := secrets.NewRandom(rand.Reader)
	kills := &auth.Notifier{}
	hasher := secrets.NewHasher(secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, 2, rand.Reader, clk, nil)
	users := auth.NewUsers(db, clk, rnd, hasher, kills)
	tokens, err := auth.NewTokens(db, users, clk, rnd, kills, rnd.Bytes(32), "fuzz", 0)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := users.Create(ctx, auth.NewUser{Username: "alice", Password: "alice-password", Role: auth.RoleUser})
	if err != nil {
		tb.Fatal(err)
	}
	pw, err := apppass.Open(ctx, apppass.Deps{DB: db, Users: users, Random: rnd, Clock: clk, KeyPath: filepath.Join(dir, apppass.KeyFile)})
	if err != nil {
		tb.Fatal(err)
	}
	secret, err := pw.Reveal(ctx, u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	a := NewAuthenticator(AuthDeps{Passwords: pw, Tokens: tokens, Throttle: auth.NewThrottle(clk), Log: log,
		LongLived: func(ctx context.Context, id string) (bool, error) {
			info, err := tokens.Get(ctx, id)
			return info.IsLongLived, err
		}})
	return a, users, db, secret
}
