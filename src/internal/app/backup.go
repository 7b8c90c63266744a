package app

import (
	"context"
	"path/filepath"

	"segue/internal/store"
)

// prepareFromBackup restores the database from a backup snapshot when a restore left
// only the snapshot, and deletes a stale snapshot otherwise (store.PrepareFromSnapshot).
func (a *App) prepareFromBackup(ctx context.Context) error {
	snap := filepath.Join(a.Cfg.DataDir, store.SnapshotFile)
	outcome, err := store.PrepareFromSnapshot(ctx, a.Cfg.DBPath(), snap)
	switch outcome {
	case store.Restored:
		a.Log.WithField("snapshot", snap).Info("database restored from the backup's snapshot")
	case store.StaleDiscarded:
		a.Log.WithField("snapshot", snap).Info("deleted a backup snapshot left by an unfinished backup")
	}
	return err
}
