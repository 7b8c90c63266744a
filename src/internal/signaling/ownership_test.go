package signaling

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
)

// dtlsIdentity is a gateway's certificate and key; its remote ID is the fingerprint.
type dtlsIdentity struct {
	der []byte
	key *ecdsa.PrivateKey
	rid string
}

func newDTLSIdentity(t *testing.T) dtlsIdentity {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Segue WebRTC"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return dtlsIdentity{der: der, key: key, rid: RemoteIDFromDER(der)}
}

func challengeOf(t *testing.T, m Message) []byte {
	t.Helper()
	var d registeredData
	if len(m.Data) > 0 {
		if err := json.Unmarshal(m.Data, &d); err != nil {
			t.Fatal(err)
		}
	}
	return d.Challenge
}

// registerProven registers id on a new socket and proves it, as Segue's gateway does.
func registerProven(t *testing.T, url, ip string, id dtlsIdentity) *wsc {
	t.Helper()
	g := dialAs(t, url, ip)
	g.send(Message{Type: TypeRegisterServer, RemoteID: id.rid, ICEServers: testICE})
	reg := g.expect(TypeRegistered)
	if len(challengeOf(t, reg)) != challengeBytes {
		t.Fatalf("registered without a challenge: %+v", reg)
	}
	proof, ok, err := ProveOwnership(reg, nil, id.der, id.key)
	if err != nil || !ok {
		t.Fatalf("prove: %v %v", ok, err)
	}
	g.send(proof)
	if again := g.expect(TypeRegistered); again.Data != nil {
		t.Fatalf("a proven registration was challenged again: %+v", again)
	}
	return g
}

// TestForgedRegistrationCannotDisplaceProven (issue 11 item 7): whatever an attacker
// sends for a remote ID held by a proven gateway, the gateway keeps its socket and its
// clients, and the attacker receives nothing of theirs.
func TestForgedRegistrationCannotDisplaceProven(t *testing.T) {
	owner := newDTLSIdentity(t)
	other := newDTLSIdentity(t)
	cases := []struct {
		name   string
		attack func(t *testing.T, x *wsc, ownerProof Message)
		// wantErr is the error the attacker's last message earns ("" = registered).
		wantErr string
	}{
		{name: "plain register-server", attack: func(t *testing.T, x *wsc, _ Message) {
			x.send(Message{Type: TypeRegisterServer, RemoteID: owner.rid})
		}},
		{name: "lower-case id", attack: func(t *testing.T, x *wsc, _ Message) {
			x.sendRaw(`{"type":"register-server","remoteId":"` + strings.ToLower(owner.rid) + `"}`)
		}},
		{name: "proof signed by another key", wantErr: ErrTextProofRejected, attack: func(t *testing.T, x *wsc, _ Message) {
			x.send(Message{Type: TypeRegisterServer, RemoteID: owner.rid})
			reg := x.expect(TypeRegistered)
			forged, _, _ := ProveOwnership(reg, nil, other.der, other.key)
			x.send(forged)
		}},
		{name: "owner's certificate, another key's signature", wantErr: ErrTextProofRejected, attack: func(t *testing.T, x *wsc, _ Message) {
			x.send(Message{Type: TypeRegisterServer, RemoteID: owner.rid})
			reg := x.expect(TypeRegistered)
			forged, _, _ := ProveOwnership(reg, nil, other.der, other.key)
			var p ownershipProof
			json.Unmarshal(forged.Data, &p)
			p.Certificate = owner.der
			forged.Data = mustData(p)
			x.send(forged)
		}},
		{name: "replay of the owner's proof", wantErr: ErrTextProofRejected, attack: func(t *testing.T, x *wsc, ownerProof Message) {
			x.send(Message{Type: TypeRegisterServer, RemoteID: owner.rid})
			x.expect(TypeRegistered)
			x.send(ownerProof)
		}},
		{name: "proof without a challenge", wantErr: ErrTextProofRejected, attack: func(t *testing.T, x *wsc, ownerProof Message) {
			x.send(ownerProof)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, testConfig())
			// The owner registers and proves; keep its proof for the replay case.
			g := dialAs(t, ts.wsURL, "10.0.0.1")
			g.send(Message{Type: TypeRegisterServer, RemoteID: owner.rid})
			ownerProof, _, _ := ProveOwnership(g.expect(TypeRegistered), nil, owner.der, owner.key)
			g.send(ownerProof)
			g.expect(TypeRegistered)

			x := dialAs(t, ts.wsURL, "10.6.6.6")
			tc.attack(t, x, ownerProof)
			if tc.wantErr != "" {
				x.expectError(tc.wantErr)
			} else {
				x.expect(TypeRegistered) // MA's answer, but the registration is not installed
			}
			// The owner is still registered and gets the next client; the attacker
			// hears nothing of it.
			c := dialAs(t, ts.wsURL, "10.0.0.2")
			connectVia(t, g, c, owner.rid)
			x.barrier()
			g.barrier()
		})
	}
}

// TestProvenGatewayReconnects: the owner's new socket (after a network change, while
// the old one still looks alive) proves and takes the ID over; the old socket is closed
// with 4000 as MA's server does.
func TestProvenGatewayReconnects(t *testing.T) {
	id := newDTLSIdentity(t)
	ts := startServer(t, testConfig())
	old := registerProven(t, ts.wsURL, "10.0.0.1", id)
	registerProven(t, ts.wsURL, "10.0.0.9", id)
	old.expectClose(CloseReplaced)
}

// TestMAGatewayWithoutProof: a gateway that ignores the challenge (MA's) registers and
// pairs as before, and an unproven registration still replaces an unproven one.
func TestMAGatewayWithoutProof(t *testing.T) {
	ts := startServer(t, testConfig())
	g := registerGateway(t, ts.wsURL, testRID)
	c := dialAs(t, ts.wsURL, "10.0.0.2")
	connectVia(t, g, c, testRID)
	g2 := registerGateway(t, ts.wsURL, testRID)
	g.expectClose(CloseReplaced)
	c.expect(TypePeerDisconnected)
	c2 := dialAs(t, ts.wsURL, "10.0.0.3")
	connectVia(t, g2, c2, testRID)
}

// TestClusterForgedRegistration: a proven gateway on node B is not displaced by an
// unproven registration on node A, and clients on A still reach B's gateway.
func TestClusterForgedRegistration(t *testing.T) {
	rd := startRedis(t, false)
	a := startNode(t, rd.URL(), "nodeA", nil)
	b := startNode(t, rd.URL(), "nodeB", nil)
	id := newDTLSIdentity(t)
	g := registerProven(t, b.wsURL, "10.0.0.1", id)
	x := dialAs(t, a.wsURL, "10.6.6.6")
	x.send(Message{Type: TypeRegisterServer, RemoteID: id.rid})
	x.expect(TypeRegistered)
	c := dialAs(t, a.wsURL, "10.0.0.2")
	connectVia(t, g, c, id.rid)
	x.barrier()
	g.barrier()
}
