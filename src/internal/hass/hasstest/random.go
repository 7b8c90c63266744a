package hasstest

import (
	"encoding/hex"
	"fmt"
	"io"
)

// randomHex reads n random bytes from r and hex-encodes them. r is injected (crypto/rand
// by default) so tests can make the fakes deterministic.
func randomHex(r io.Reader, n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic(fmt.Sprintf("hasstest: random source failed: %v", err))
	}
	return hex.EncodeToString(b)
}
