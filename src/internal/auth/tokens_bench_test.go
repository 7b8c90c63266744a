package auth_test

import (
	"context"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkTokenValidate is the full check of a session token (parse, verify,
// cached row, user, sliding expiry). Compare with BenchmarkBareHS256Verify.
func BenchmarkTokenValidate(b *testing.B) {
	f := newFixture(b)
	u := f.user(b, "bench", "user")
	tok, _, _ := f.tokens.Issue(context.Background(), u, "b", false)
	ctx := context.Background()
	if _, err := f.tokens.Authenticate(ctx, tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.tokens.Authenticate(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareHS256Verify is the baseline: golang-jwt verifying the same token
// with no database, cache or claim rules beyond the library's defaults.
func BenchmarkBareHS256Verify(b *testing.B) {
	f := newFixture(b)
	u := f.user(b, "bench", "user")
	tok, _, _ := f.tokens.Issue(context.Background(), u, "b", false)
	key := func(*jwt.Token) (any, error) { return f.key, nil }
	p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(f.clock.Now))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Parse(tok, key); err != nil {
			b.Fatal(err)
		}
	}
}
