package library

import (
	"bytes"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func decodeSize(t *testing.T, p *Picture) (int, int) {
	t.Helper()
	defer p.Close()
	b, err := io.ReadAll(p)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height
}

func TestCoversEmbeddedFirstThenFolderImages(t *testing.T) {
	f := newFixture(t, 1)
	f.lib.thumbs = newThumbCache(filepath.Join(t.TempDir(), "cache", "art"), DefaultCacheBytes, f.clock.Now)
	v := f.user("u")
	dir := f.dirs[0]
	writeTrack(t, dir, "Emb/01.mp3", tags("E1", "A", "Embedded", 1), true)
	writeTrack(t, dir, "Emb/02.mp3", tags("E2", "A", "Embedded", 2), false)
	if err := os.WriteFile(filepath.Join(dir, "Emb", "folder.png"), pngBytes(t, 20), 0o644); err != nil {
		t.Fatal(err)
	}
	writeTrack(t, dir, "Dir/01.mp3", tags("D1", "B", "Folder", 1), false)
	for name, size := range map[string]int{"front.png": 30, "cover.png": 40} {
		if err := os.WriteFile(filepath.Join(dir, "Dir", name), pngBytes(t, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeTrack(t, dir, "None/01.mp3", tags("N1", "C", "Bare", 1), false)
	f.scan()
	albums := map[string]Album{}
	for _, a := range f.albums(v) {
		albums[a.Name] = a
	}
	p, err := f.lib.CoverArt(f.ctx, v, albums["Embedded"].CoverID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := decodeSize(t, p); w != 64 {
		t.Fatalf("album cover is %dpx, want the embedded 64px one", w)
	}
	p, err = f.lib.CoverArt(f.ctx, v, albums["Folder"].CoverID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := decodeSize(t, p); w != 40 {
		t.Fatalf("folder cover is %dpx, want cover.png (40px)", w)
	}
	if albums["Bare"].CoverID != 0 {
		t.Fatalf("an album without art has cover %d", albums["Bare"].CoverID)
	}
	// A thumbnail at the asked size, then from the cache.
	for range 2 {
		p, err = f.lib.CoverArt(f.ctx, v, albums["Embedded"].CoverID, 32)
		if err != nil {
			t.Fatal(err)
		}
		if w, h := decodeSize(t, p); w != 32 || h != 32 || p.ContentType != "image/jpeg" {
			t.Fatalf("thumbnail %dx%d %s", w, h, p.ContentType)
		}
	}
	if files := f.lib.thumbs.list(); len(files) != 1 {
		t.Fatalf("cache holds %d files", len(files))
	}
	// Asking for more than the original gives the original.
	p, err = f.lib.CoverArt(f.ctx, v, albums["Folder"].CoverID, 500)
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := decodeSize(t, p); w != 40 {
		t.Fatalf("upscaled to %d", w)
	}
	// A cover added later reaches the unchanged tracks.
	if err := os.WriteFile(filepath.Join(dir, "None", "cover.png"), pngBytes(t, 24), 0o644); err != nil {
		t.Fatal(err)
	}
	f.scan()
	for _, a := range f.albums(v) {
		if a.Name == "Bare" && a.CoverID == 0 {
			t.Fatal("new folder cover not picked up")
		}
	}
}

func TestThumbnailCacheIsBounded(t *testing.T) {
	f := newFixture(t, 1)
	cache := filepath.Join(t.TempDir(), "cache", "art")
	v := f.user("u")
	for i := range 12 {
		writeTrack(t, f.dirs[0], fmt.Sprintf("A%d/01.mp3", i), tags("T", fmt.Sprint("Art", i), fmt.Sprint("Alb", i), 1), true)
	}
	f.scan()
	one := func() int64 {
		l := newThumbCache(filepath.Join(t.TempDir(), "probe"), DefaultCacheBytes, f.clock.Now)
		f.lib.thumbs = l
		a := f.albums(v)[0]
		p, err := f.lib.CoverArt(f.ctx, v, a.CoverID, 20)
		if err != nil {
			t.Fatal(err)
		}
		p.Close()
		return l.measure()
	}()
	limit := one * 5
	f.lib.thumbs = newThumbCache(cache, limit, f.clock.Now)
	for _, a := range f.albums(v) {
		for _, size := range []int{20, 30} {
			p, err := f.lib.CoverArt(f.ctx, v, a.CoverID, size)
			if err != nil {
				t.Fatal(err)
			}
			p.Close()
		}
	}
	if got := f.lib.thumbs.measure(); got > limit || got == 0 {
		t.Fatalf("cache holds %d bytes, bound %d", got, limit)
	}
}
