package apppass

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"segue/internal/secrets"
	"segue/internal/store"
)

// KeyFile is the master key's file name in the data directory. It is separate
// from jwt.key: one key, one purpose.
const KeyFile = "subsonic.key"

// Labels of the HKDF subkeys. The check label yields a value that proves the
// key file is the one the ciphertexts were made with, without revealing it.
const (
	sealLabel    = "subsonic-app-password/v1"
	checkLabel   = "subsonic-app-password/key-check/v1"
	checkSetting = "subsonic_app_password_key_check"
)

// loadSealer reads (or creates) the master key file, verifies it against the
// stored check value and returns the sealer for app-passwords. A key that does
// not match the database is an error at start, never a silent replacement.
func loadSealer(ctx context.Context, db *store.DB, keyPath string, rnd io.Reader) (*secrets.Sealer, error) {
	master, err := secrets.LoadOrCreateKey(keyPath, 32, rnd)
	if err != nil {
		return nil, err
	}
	check, err := keyCheck(master)
	if err != nil {
		return nil, err
	}
	stored, err := db.SettingOrInit(ctx, checkSetting, func() string { return check })
	if err != nil {
		return nil, fmt.Errorf("read the app-password key check: %w", err)
	}
	if !secrets.Equal(stored, check) {
		return nil, fmt.Errorf("key file %s does not match the Subsonic app-passwords in the database "+
			"(it was replaced or restored from another install); restore the original file from a backup. "+
			"If it is lost, delete the rows of subsonic_app_passwords and the setting %s: every user then gets a new app-password",
			keyPath, checkSetting)
	}
	sub, err := secrets.DeriveKey(master, sealLabel)
	if err != nil {
		return nil, err
	}
	return secrets.NewSealer(sub, rnd)
}

// keyCheck is a public fingerprint of the master key (an HKDF output under its own label).
func keyCheck(master []byte) (string, error) {
	if len(master) < secrets.MinKeyBytes {
		return "", fmt.Errorf("master key too short")
	}
	b, err := hkdf.Key(sha256.New, master, nil, checkLabel, 16)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// randomReader lets secrets.Random feed APIs that want an io.Reader (key file, nonces).
type randomReader struct{ r *secrets.Random }

func (rr randomReader) Read(p []byte) (int, error) { return copy(p, rr.r.Bytes(len(p))), nil }
