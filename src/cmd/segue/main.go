// Command segue is the Segue server. It parses the command line and calls the
// internal packages; it holds no logic of its own.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"segue/internal/remote/client"
)

const usage = `Usage: segue <command> [flags]

Commands:
  serve       run the server (default)
  user        manage accounts from the shell (create, reset-password, list)
  backup      the add-on's backup_pre/backup_post: a consistent database snapshot
  signaling   run a Music Assistant compatible signaling server for remote access
  remote      reach a server by its remote ID: login, call a command, or open a local tunnel
  rotate-stream-key
              invalidate every stream URL handed to a speaker (a new key signs new ones)

Run "segue <command> -h" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	switch cmd {
	case "serve":
		return serve(ctx, args, stderr)
	case "user":
		return user(ctx, args, stdin, stdout, stderr)
	case "backup":
		return backup(ctx, args, stdout, stderr)
	case "signaling":
		return signalingServer(ctx, args, stderr)
	case "remote":
		return client.CLI(ctx, args, stdout, stderr)
	case "rotate-stream-key":
		return rotateStreamKey(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "segue: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
