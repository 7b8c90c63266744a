package library

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock"
	"segue/internal/store"
)

type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	lib   *Library
	clock *clock.Fake
	dirs  []string
}

func newFixture(t *testing.T, nFolders int) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "segue.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, ctx: ctx, db: db, clock: clock.NewFake(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))}
	for range nFolders {
		f.dirs = append(f.dirs, t.TempDir())
	}
	log := logrus.New()
	log.SetLevel(logrus.WarnLevel)
	f.lib, err = Open(ctx, Deps{DB: db, Clock: f.clock, Log: log, Folders: f.dirs})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// user adds a row to the core users table.
func (f *fixture) user(id string) Viewer {
	f.t.Helper()
	if _, err := f.db.W.Exec(`INSERT INTO users(user_id, username, role, created_at) VALUES(?, ?, 'user', 0)`, id, id); err != nil {
		f.t.Fatal(err)
	}
	return Viewer{UserID: id}
}

// ingest writes facts straight to the store, as a scan would, with every folder online.
func (f *fixture) ingest(facts ...fileFacts) writeResult {
	f.t.Helper()
	var batch []pendingFile
	for _, ff := range facts {
		if ff.folderID == 0 {
			ff.folderID = f.lib.folders[0].ID
		}
		if ff.format == "" {
			ff.format = "mp3"
		}
		batch = append(batch, pendingFile{facts: ff})
	}
	res, err := f.lib.writeBatch(f.ctx, batch)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.Tx(f.ctx, func(tx dbtx) error {
		if _, err := tx.Exec("UPDATE lib_folders SET online = 1, problem = ''"); err != nil {
			return err
		}
		return refreshArtistStats(f.ctx, tx)
	}); err != nil {
		f.t.Fatal(err)
	}
	if err := f.lib.reloadFolders(f.ctx); err != nil {
		f.t.Fatal(err)
	}
	return res
}

func song(dir, file, title, artist, album string, no int) fileFacts {
	return fileFacts{dir: dir, file: file, title: title, artists: []string{artist}, album: album, trackNo: no,
		size: 1000 + int64(no), mtime: 1, duration: 3 * time.Minute, bitRate: 320, sampleRate: 44100, channels: 2, codec: "mp3"}
}
