package auth_test

import (
	"context"
	"testing"

	"segue/internal/auth"
)

func FuzzClassifyToken(f *testing.F) {
	fx := newFixture(f)
	u := fx.user(f, "fuzz", auth.RoleUser)
	tok, _, _ := fx.tokens.Issue(context.Background(), u, "f", false)
	for _, s := range []string{tok, "", ".", "..", "a.b.c", "legacy_token_abcdefghijklmnop", "eyJ.eyJ.", tok + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		shape := auth.ClassifyToken(s)
		p, err := fx.tokens.Authenticate(context.Background(), s)
		if err == nil && s != tok {
			t.Fatalf("accepted a token that was never issued: %q -> %+v", s, p)
		}
		if shape == auth.ShapeInvalid && err == nil {
			t.Fatalf("accepted an invalid shape")
		}
	})
}

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer   x  ", "Basic abc", "", "Bearer", "BEARER eyJ.a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok, ok := auth.BearerToken(h)
		if ok && (tok == "" || len(tok) > len(h)) {
			t.Fatalf("bad extraction %q from %q", tok, h)
		}
		if len(h) > auth.MaxTokenBytes+16 && ok {
			t.Fatalf("oversized header accepted")
		}
	})
}
