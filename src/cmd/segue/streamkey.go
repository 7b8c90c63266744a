package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"

	"segue/internal/config"
	"segue/internal/players"
)

// rotateStreamKey replaces the key that signs speakers' stream URLs: every URL handed
// to a speaker so far stops working at once, also in a running server; sessions,
// tokens and passwords are untouched.
func rotateStreamKey(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rotate-stream-key", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", "", "data directory of the server (default: as serve)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir := config.DataDir(*dataDir, os.Getenv)
	if err := players.RotateStreamKey(dir, rand.Reader); err != nil {
		fmt.Fprintf(stderr, "segue rotate-stream-key: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "stream key rotated: every stream URL handed to a speaker is now invalid")
	return 0
}
