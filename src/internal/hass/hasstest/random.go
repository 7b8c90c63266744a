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

func randomUint16(r io.Reader) uint16 {
	var b [2]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		panic(fmt.Sprintf("hasstest: random source failed: %v", err))
	}
	return uint16(b[0])<<8 | uint16(b[1])
}
