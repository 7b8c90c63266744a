package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
)

// ErrDecrypt means a ciphertext did not open: wrong key, wrong row, or tampering.
var ErrDecrypt = errors.New("ciphertext does not open with this key and context")

// DeriveKey derives a 32-byte subkey of master for one purpose (HKDF-SHA256).
func DeriveKey(master []byte, label string) ([]byte, error) {
	if len(master) < MinKeyBytes {
		return nil, fmt.Errorf("master key too short")
	}
	return hkdf.Key(sha256.New, master, nil, label, 32)
}

// Sealer is AES-256-GCM with random nonces; associated data binds a ciphertext to its row.
type Sealer struct {
	aead cipher.AEAD
	rand io.Reader
}

// NewSealer builds a sealer from a 32-byte key.
func NewSealer(key []byte, rand io.Reader) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("AES-256 key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, rand: rand}, nil
}

// Seal encrypts plaintext bound to aad; the nonce is prepended.
func (s *Sealer) Seal(plaintext, aad []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return s.aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Open decrypts a Seal output; any mismatch is ErrDecrypt.
func (s *Sealer) Open(ciphertext, aad []byte) ([]byte, error) {
	ns := s.aead.NonceSize()
	if len(ciphertext) < ns+s.aead.Overhead() {
		return nil, ErrDecrypt
	}
	pt, err := s.aead.Open(nil, ciphertext[:ns], ciphertext[ns:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}
