package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"segue/internal/players"
)

// Issue 15: `segue rotate-stream-key` replaces the stream key (the players test shows
// that a running server then refuses every old URL) and leaves the JWT key alone.
func TestRotateStreamKeyCommand(t *testing.T) {
	dir := t.TempDir()
	jwt := filepath.Join(dir, "jwt.key")
	if err := os.WriteFile(jwt, bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	var keys [][]byte
	for i := 0; i < 2; i++ {
		var out, errOut bytes.Buffer
		if rc := run([]string{"rotate-stream-key", "--data-dir", dir}, strings.NewReader(""), &out, &errOut); rc != 0 {
			t.Fatalf("rc %d: %s", rc, errOut.String())
		}
		key, err := os.ReadFile(filepath.Join(dir, players.StreamKeyFile))
		if err != nil || len(key) != 32 {
			t.Fatalf("stream key %d bytes, %v", len(key), err)
		}
		keys = append(keys, key)
	}
	if bytes.Equal(keys[0], keys[1]) {
		t.Fatal("rotation kept the key")
	}
	if b, _ := os.ReadFile(jwt); !bytes.Equal(b, bytes.Repeat([]byte{7}, 32)) {
		t.Fatal("rotation touched the JWT key")
	}
}
