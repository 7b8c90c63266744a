// Package secrets holds key files, random secrets, password hashing and
// authenticated encryption. Nothing here logs or returns secret material in errors.
package secrets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// MinKeyBytes is the shortest key accepted from a key file (256 bits, as HS256 needs).
const MinKeyBytes = 32

// LoadOrCreateKey reads a raw key file, creating it with n random bytes (mode 0600) if absent.
// A short, all-zero or unreadable file is an error: it is never replaced silently.
func LoadOrCreateKey(path string, n int, rand io.Reader) ([]byte, error) {
	if n < MinKeyBytes {
		n = MinKeyBytes
	}
	key, err := os.ReadFile(path)
	switch {
	case err == nil:
		if len(key) < MinKeyBytes {
			return nil, fmt.Errorf("key file %s holds %d bytes, at least %d are required; restore it from a backup or remove it to make a new one (all tokens become invalid)", path, len(key), MinKeyBytes)
		}
		if bytes.Count(key, []byte{0}) == len(key) {
			return nil, fmt.Errorf("key file %s is all zero bytes; restore it from a backup or remove it to make a new one", path)
		}
		if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(path, 0o600); err != nil {
				return nil, fmt.Errorf("key file %s: tighten permissions: %w", path, err)
			}
		}
		return key, nil
	case errors.Is(err, fs.ErrNotExist):
		key = make([]byte, n)
		if _, err := io.ReadFull(rand, key); err != nil {
			return nil, fmt.Errorf("generate key for %s: %w", path, err)
		}
		if err := WriteFileAtomic(path, key, 0o600); err != nil {
			return nil, err
		}
		return key, nil
	default:
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
}

// WriteFileAtomic writes data to path through a synced temporary file and a rename,
// refusing to overwrite an existing file.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Link fails if path exists, so a concurrent creator cannot be overwritten.
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
