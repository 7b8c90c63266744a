package secrets

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
)

// Random makes secrets from an injected source (crypto/rand.Reader in production).
type Random struct{ r io.Reader }

// NewRandom wraps a randomness source.
func NewRandom(r io.Reader) *Random { return &Random{r: r} }

// Bytes returns n random bytes; a failing source is fatal for security, so it panics.
func (g *Random) Bytes(n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(g.r, b); err != nil {
		panic(fmt.Sprintf("secrets: random source failed: %v", err))
	}
	return b
}

// Token returns a URL-safe string of n random bytes (n ≥ 16 gives ≥128 bits).
func (g *Random) Token(n int) string {
	return base64.RawURLEncoding.EncodeToString(g.Bytes(n))
}

// ID returns a 43-character URL-safe identifier (32 random bytes), as MA uses.
func (g *Random) ID() string { return g.Token(32) }

// Alnum returns n characters from [A-Za-z0-9] without modulo bias.
func (g *Random) Alnum(n int) string {
	return g.FromAlphabet(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
}

// FromAlphabet returns n characters drawn uniformly from alphabet (at most 256 symbols).
func (g *Random) FromAlphabet(n int, alphabet string) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(alphabet)
	for len(out) < n {
		for _, b := range g.Bytes(n) {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// SHA256Hex is the lookup hash of a high-entropy token.
func SHA256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
