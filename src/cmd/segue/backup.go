package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"segue/internal/config"
	"segue/internal/store"
)

const backupUsage = `Usage: segue backup <pre|post> [--data-dir DIR]

  pre   write a consistent snapshot of the database to DIR/` + store.SnapshotFile + `
        (the add-on's backup_pre; the server keeps running and writing)
  post  delete the snapshot (the add-on's backup_post)

The data directory is found as "segue serve" finds it (/data in the add-on).
After a restore, the server puts the snapshot in place of the missing database
when it starts.
`

// backup is the add-on's backup_pre/backup_post. It opens only the database file:
// no keys, no migrations, no server.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "pre" && args[0] != "post") {
		fmt.Fprint(stderr, backupUsage)
		return 2
	}
	action := args[0]
	fs := flag.NewFlagSet("backup "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDirFlag := fs.String("data-dir", "", "data directory (default: the one segue serve uses)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg := config.Defaults()
	cfg.DataDir = config.DataDir(*dataDirFlag, os.Getenv)
	snap := filepath.Join(cfg.DataDir, store.SnapshotFile)
	if action == "post" {
		if err := store.RemoveSnapshot(snap); err != nil {
			fmt.Fprintf(stderr, "segue backup post: %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout, "backup snapshot removed")
		return 0
	}
	err := store.WriteSnapshot(ctx, cfg.DBPath(), snap)
	if errors.Is(err, store.ErrNoDatabase) {
		// Nothing to protect yet; a stale snapshot must not be archived either.
		_ = store.RemoveSnapshot(snap)
		fmt.Fprintln(stdout, "no database yet: nothing to snapshot")
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "segue backup pre: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backup snapshot written to %s\n", snap)
	return 0
}
