package signaling

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"segue/internal/testutil"
)

// redisServer is a throwaway real redis-server on a loopback port, plain or TLS-only.
type redisServer struct {
	addr string
	tls  *tls.Config // client side for rediss://; nil for plain
	args []string
	bin  string
	dir  string
	cmd  *exec.Cmd
	done chan error // receives the process's exit
}

// URL is redis:// or, for a TLS server, rediss://.
func (s *redisServer) URL() string {
	if s.tls != nil {
		return "rediss://" + s.addr
	}
	return "redis://" + s.addr
}

// startRedis launches redis-server without persistence; withTLS serves only TLS on
// --tls-port with a certificate made for this test. It skips when redis-server is
// missing (fails under SEGUE_REQUIRE_ALL=1). The wait for the child process to accept
// connections is the one place these tests wait on something real starting.
func startRedis(t testing.TB, withTLS bool) *redisServer {
	t.Helper()
	bin := testutil.RequireTool(t, "redis-server")
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		s := &redisServer{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), bin: bin, dir: t.TempDir()}
		s.args = []string{"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", s.dir,
			"--protected-mode", "yes", "--loglevel", "warning"}
		if withTLS {
			s.tls = writeTLSFiles(t, s.dir)
			s.args = append(s.args, "--port", "0", "--tls-port", strconv.Itoa(port),
				"--tls-cert-file", filepath.Join(s.dir, "server.crt"), "--tls-key-file", filepath.Join(s.dir, "server.key"),
				"--tls-ca-cert-file", filepath.Join(s.dir, "ca.crt"), "--tls-auth-clients", "no")
		} else {
			s.args = append(s.args, "--port", strconv.Itoa(port))
		}
		if err := s.launch(); err != nil {
			lastErr = err
			continue // the port was taken between probe and bind; try another
		}
		t.Cleanup(s.stop)
		return s
	}
	t.Fatalf("redis-server did not start: %v", lastErr)
	return nil
}

func (s *redisServer) launch() error {
	cmd := exec.Command(s.bin, s.args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	opts, err := redisOptions(Config{RedisURL: s.URL(), RedisTLS: s.tls})
	if err != nil {
		cmd.Process.Kill()
		<-exited
		return err
	}
	opts.MaxRetries = -1
	c := redis.NewClient(opts)
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("redis-server exited: %v", err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err = c.Ping(ctx).Err()
		cancel()
		if err == nil {
			s.cmd, s.done = cmd, exited
			return nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server not answering: %w", err)
		}
		time.Sleep(20 * time.Millisecond) // a real process starting (see startRedis)
	}
}

// restart kills the server and starts a fresh one (empty data) on the same address.
func (s *redisServer) restart(t testing.TB) {
	t.Helper()
	s.stop()
	var err error
	for i := 0; i < 20; i++ {
		if err = s.launch(); err == nil {
			return
		}
	}
	t.Fatalf("restart redis-server: %v", err)
}

// stop kills the server (idempotent) and waits for it to exit.
func (s *redisServer) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// writeTLSFiles makes a CA and a server certificate for 127.0.0.1 in dir and returns
// the client configuration that trusts that CA.
func writeTLSFiles(t testing.TB, dir string) *tls.Config {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "segue test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("ca.crt", "CERTIFICATE", caDER)
	write("server.crt", "CERTIFICATE", leafDER)
	write("server.key", "PRIVATE KEY", keyDER)
	roots := x509.NewCertPool()
	roots.AddCert(caCert)
	return &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
}
