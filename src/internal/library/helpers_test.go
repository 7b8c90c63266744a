package library

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock/clocktest"
	"segue/internal/library/media"
	"segue/internal/library/media/mediagen"
	"segue/internal/store"
)

type fixture struct {
	t     testing.TB
	ctx   context.Context
	db    *store.DB
	lib   *Library
	clock *clocktest.Fake
	dirs  []string
}

func newFixture(t testing.TB, nFolders int) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "segue.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, ctx: ctx, db: db, clock: clocktest.NewFake(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))}
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
	var res writeResult
	if err := f.db.Tx(f.ctx, func(tx dbtx) error {
		var err error
		if res, err = f.lib.writeFiles(f.ctx, tx, batch); err != nil {
			return err
		}
		if err := refreshAlbums(f.ctx, tx, uniqueIDs(res.albums), 0); err != nil {
			return err
		}
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
	// Facts as a probe would return them, for tests of the query layer.
	return fileFacts{dir: dir, file: file, title: title, artists: []string{artist}, album: album, trackNo: no,
		size: 1000 + int64(no), mtime: 1, duration: 3 * time.Minute, bitRate: 320, sampleRate: 44100, channels: 2, codec: "mp3"}
}

// scan runs one full scan of every folder, as the background loop does.
func (f *fixture) scan() ScanStatus {
	f.t.Helper()
	st := f.lib.Scan(f.ctx, true)
	if st.LastError != "" {
		f.t.Fatalf("scan: %s", st.LastError)
	}
	return st
}

// write encodes one generated track at rel beneath dir.
func writeTrack(t *testing.T, dir, rel string, tags media.Tags, cover bool) {
	t.Helper()
	tr := mediagen.Track{Path: rel, Variant: mediagen.MP3CBR, Tags: tags,
		Audio: media.Audio{SampleRate: 44100, Channels: 2, BitRate: 64000, Duration: 2 * time.Second}}
	if strings.HasSuffix(rel, ".flac") {
		tr.Variant, tr.Audio.BitRate, tr.Audio.BitDepth = mediagen.FLAC, 0, 16
	}
	if cover {
		tr.Cover = &mediagen.Image{MIME: "image/png", Data: pngBytes(t, 64)}
	}
	enc, err := mediagen.Encode(tr)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, enc.Data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func tags(title, artist, album string, no int) media.Tags {
	return media.Tags{Title: title, Artist: artist, Artists: []string{artist}, Album: album, TrackNumber: no}
}

func pngBytes(t *testing.T, size int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 4), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (f *fixture) albums(v Viewer) []Album {
	f.t.Helper()
	as, err := f.lib.Albums(f.ctx, v, AlbumQuery{Sort: Sort{By: OrderSortName}, Page: Page{Limit: MaxLimit}})
	if err != nil {
		f.t.Fatal(err)
	}
	return as
}

func (f *fixture) tracks(v Viewer, q TrackQuery) []Track {
	f.t.Helper()
	q.Page.Limit = MaxLimit
	ts, err := f.lib.Tracks(f.ctx, v, q)
	if err != nil {
		f.t.Fatal(err)
	}
	return ts
}
