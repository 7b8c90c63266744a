package remote

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/pion/webrtc/v4"

	"segue/internal/signaling"
)

// File names in the data dir; the same names as Music Assistant so an imported MA data
// dir keeps its remote ID.
const (
	CertFile = "webrtc_certificate.pem"
	KeyFile  = "webrtc_private_key.pem"
)

const (
	certValidity = 3650 * 24 * time.Hour
	certCN       = "Segue WebRTC"
)

// Identity is the gateway's persistent DTLS identity. Every peer connection presents this
// certificate, so its fingerprint — and therefore the remote ID — stays stable.
type Identity struct {
	cert     webrtc.Certificate
	x509     *x509.Certificate
	key      *ecdsa.PrivateKey
	remoteID string
	// Created is true when this start made a new pair (first start).
	Created bool
}

// RemoteID is the canonical 26-character ID.
func (i *Identity) RemoteID() string { return i.remoteID }

// Certificate is the DTLS certificate for webrtc.Configuration.Certificates.
func (i *Identity) Certificate() webrtc.Certificate { return i.cert }

// proveOwnership answers a registered message that carries a challenge with a
// register-server proving we hold the remote ID's DTLS key (signaling/ownership.go).
func (i *Identity) proveOwnership(registered signaling.Message) (signaling.Message, bool, error) {
	return signaling.ProveOwnership(registered, nil, i.x509.Raw, i.key)
}

// NotAfter is the certificate's expiry.
func (i *Identity) NotAfter() time.Time { return i.x509.NotAfter }

// identityPresent reports whether either identity file exists (or cannot be checked),
// so loading it now either succeeds or reports the damage.
func identityPresent(dir string) bool {
	for _, name := range []string{CertFile, KeyFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// LoadOrCreateIdentity reads the certificate and key from dir, or makes a new pair when
// neither file exists. A half-present, unreadable, expired or mismatched pair is an error:
// silently replacing it would change the remote ID and break every paired client, so a
// human must decide (delete both files to start over).
func LoadOrCreateIdentity(dir string, now time.Time, rnd io.Reader) (*Identity, error) {
	certPath, keyPath := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	certPEM, certErr := os.ReadFile(certPath)
	keyPEM, keyErr := os.ReadFile(keyPath)
	certMissing, keyMissing := errors.Is(certErr, fs.ErrNotExist), errors.Is(keyErr, fs.ErrNotExist)
	switch {
	case certMissing && keyMissing:
		return createIdentity(dir, certPath, keyPath, now, rnd)
	case certErr != nil:
		return nil, fmt.Errorf("remote: DTLS certificate %s: %w (delete %s and %s to create a new identity; the remote ID will change)", certPath, certErr, CertFile, KeyFile)
	case keyErr != nil:
		return nil, fmt.Errorf("remote: DTLS key %s: %w (delete %s and %s to create a new identity; the remote ID will change)", keyPath, keyErr, CertFile, KeyFile)
	}
	if fi, err := os.Stat(keyPath); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("remote: DTLS key %s is readable by others (mode %o); chmod 600 it", keyPath, fi.Mode().Perm())
	}
	id, err := parseIdentity(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("remote: damaged DTLS identity in %s: %w (delete %s and %s to create a new one; the remote ID will change)", dir, err, CertFile, KeyFile)
	}
	if now.After(id.x509.NotAfter) {
		return nil, fmt.Errorf("remote: DTLS certificate %s expired on %s (delete both files to create a new one; the remote ID will change)", certPath, id.x509.NotAfter.Format(time.DateOnly))
	}
	return id, nil
}

func parseIdentity(certPEM, keyPEM []byte) (*Identity, error) {
	cb, rest := pem.Decode(certPEM)
	if cb == nil || cb.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("certificate file is not one PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	kb, rest := pem.Decode(keyPEM)
	if kb == nil || kb.Type != "PRIVATE KEY" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("key file is not one PEM PRIVATE KEY (PKCS#8) block")
	}
	anyKey, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	key, ok := anyKey.(*ecdsa.PrivateKey)
	if !ok || key.Curve != elliptic.P256() {
		return nil, errors.New("key is not ECDSA P-256")
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !pub.Equal(&key.PublicKey) {
		return nil, errors.New("certificate and key do not belong together")
	}
	return &Identity{
		cert:     webrtc.CertificateFromX509(key, cert),
		x509:     cert,
		key:      key,
		remoteID: signaling.RemoteIDFromDER(cert.Raw),
	}, nil
}

func createIdentity(dir, certPath, keyPath string, now time.Time, rnd io.Reader) (*Identity, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rnd)
	if err != nil {
		return nil, fmt.Errorf("remote: generate DTLS key: %w", err)
	}
	serialBytes := make([]byte, 16)
	if _, err := io.ReadFull(rnd, serialBytes); err != nil {
		return nil, fmt.Errorf("remote: serial: %w", err)
	}
	tpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetBytes(serialBytes),
		Subject:               pkix.Name{CommonName: certCN},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rnd, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("remote: create DTLS certificate: %w", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("remote: encode DTLS key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("remote: data dir: %w", err)
	}
	// Key first: a crash between the two writes leaves "key without certificate", which
	// the next start reports instead of silently making a different ID.
	if err := writeFileAtomic(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Identity{cert: webrtc.CertificateFromX509(key, cert), x509: cert, key: key, remoteID: signaling.RemoteIDFromDER(der), Created: true}, nil
}

// writeFileAtomic writes via a temp file, fsync and rename, so a crash never leaves a
// half-written key.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after a successful rename
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	return nil
}
