package signaling

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// Takeover protection. A remote ID is the gateway's DTLS certificate fingerprint, so a
// gateway can prove it owns the ID by signing a nonce with that certificate's key. The
// protocol stays MA's: the nonce rides in the data of registered (MA gateways ignore
// it), and the proof in the data of a repeated register-server (MA's server treats a
// repeat as an ICE-server update and answers registered). A proven registration is never
// displaced by an unproven one; unproven registrations (MA's gateways) work as before
// whenever no proven one holds the ID.

// challengeBytes is the nonce size; maxProofCert bounds the certificate we parse.
const (
	challengeBytes = 32
	maxProofCert   = 4096
	maxProofSig    = 512
)

// ownershipContext separates these signatures from any other use of the DTLS key.
const ownershipContext = "segue-signaling-ownership/1\n"

// registeredData is the data of registered: the challenge for this socket.
type registeredData struct {
	Challenge []byte `json:"challenge"`
}

// ownershipProof is the data of a proving register-server.
type ownershipProof struct {
	Certificate []byte `json:"certificate"` // DER
	Signature   []byte `json:"signature"`
}

var remoteIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// RemoteIDFromDER derives the remote ID exactly as Music Assistant does: SHA-256 of the
// DER certificate (its DTLS fingerprint), first 16 bytes, base32 without padding, and
// every '2' replaced by '9'. The ID is therefore a pin of the gateway's certificate.
func RemoteIDFromDER(der []byte) string {
	sum := sha256.Sum256(der)
	return RemoteIDFromFingerprint(sum[:16])
}

// RemoteIDFromFingerprint encodes the first 16 bytes of a sha-256 fingerprint.
func RemoteIDFromFingerprint(prefix []byte) string {
	return strings.ReplaceAll(remoteIDEncoding.EncodeToString(prefix), "2", "9")
}

func ownershipDigest(rid string, challenge []byte) []byte {
	h := sha256.New()
	h.Write([]byte(ownershipContext + rid + "\n"))
	h.Write(challenge)
	return h.Sum(nil)
}

// ProveOwnership answers a registered message that carries a challenge: it returns the
// register-server to send (same ID and ICE servers, plus the proof made with the DTLS
// certificate and its key), or ok=false when the server asked for nothing (MA's server).
func ProveOwnership(registered Message, ice []ICEServer, certDER []byte, key crypto.Signer) (m Message, ok bool, err error) {
	var d registeredData
	if len(registered.Data) == 0 || json.Unmarshal(registered.Data, &d) != nil || len(d.Challenge) != challengeBytes {
		return Message{}, false, nil
	}
	sig, err := key.Sign(rand.Reader, ownershipDigest(registered.RemoteID, d.Challenge), crypto.SHA256)
	if err != nil {
		return Message{}, false, err
	}
	return Message{Type: TypeRegisterServer, RemoteID: registered.RemoteID, ICEServers: ice,
		Data: mustData(ownershipProof{Certificate: certDER, Signature: sig})}, true, nil
}

// hasProof reports whether a register-server carries a proof at all.
func hasProof(m Message) bool { return len(m.Data) > 0 }

var errBadProof = errors.New("ownership proof rejected")

// verifyOwnership checks a proof against the challenge this socket was given: the
// certificate's fingerprint must be the remote ID and the signature must verify with
// the certificate's key.
func verifyOwnership(rid string, challenge []byte, data json.RawMessage) error {
	var p ownershipProof
	if len(challenge) == 0 || json.Unmarshal(data, &p) != nil ||
		len(p.Certificate) == 0 || len(p.Certificate) > maxProofCert || len(p.Signature) == 0 || len(p.Signature) > maxProofSig {
		return errBadProof
	}
	if RemoteIDFromDER(p.Certificate) != rid {
		return errBadProof
	}
	cert, err := x509.ParseCertificate(p.Certificate)
	if err != nil {
		return errBadProof
	}
	digest := ownershipDigest(rid, challenge)
	switch pub := cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		if ecdsa.VerifyASN1(pub, digest, p.Signature) {
			return nil
		}
	}
	return errBadProof
}

func newChallenge(r io.Reader) ([]byte, error) {
	b := make([]byte, challengeBytes)
	_, err := io.ReadFull(r, b)
	return b, err
}
