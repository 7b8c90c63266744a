package library

import (
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	xdraw "golang.org/x/image/draw"
)

func resample(dst *image.RGBA, src image.Image) {
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
}

// thumbCache keeps thumbnails as files under <data>/cache/art, at most maxBytes
// in all; the least recently used go first. Thumbnails are made one at a time,
// which bounds the memory decoding takes.
type thumbCache struct {
	dir      string
	maxBytes int64
	now      func() time.Time

	make_ sync.Mutex // one decode at a time

	mu     sync.Mutex
	loaded bool
	total  int64
}

func newThumbCache(dir string, maxBytes int64, now func() time.Time) *thumbCache {
	return &thumbCache{dir: dir, maxBytes: maxBytes, now: now}
}

// key names a thumbnail: the cover, its source's mtime (a changed cover makes a
// new name) and the size.
func (c *thumbCache) key(a artRow, size int) string {
	return filepath.Join(c.dir, fmt.Sprintf("%d-%x-%d.jpg", a.id, a.mtime, size))
}

func (c *thumbCache) get(a artRow, size int) (*Picture, bool) {
	name := c.key(a, size)
	f, err := os.Open(name)
	if err != nil {
		return nil, false
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, false
	}
	now := c.now()
	_ = os.Chtimes(name, now, now) // recently used
	return &Picture{ReadSeekCloser: f, ContentType: "image/jpeg", ModTime: time.Unix(0, a.mtime).UTC(), Size: st.Size()}, true
}

func (c *thumbCache) make(a artRow, size int, data []byte) (*Picture, error) {
	c.make_.Lock()
	defer c.make_.Unlock()
	if p, ok := c.get(a, size); ok { // made meanwhile
		return p, nil
	}
	out, smaller, err := scale(data, size)
	if err != nil {
		return nil, err
	}
	if !smaller {
		return bytesPicture(data, time.Unix(0, a.mtime).UTC()), nil
	}
	if err := c.store(c.key(a, size), out); err != nil {
		return nil, err
	}
	p := bytesPicture(out, time.Unix(0, a.mtime).UTC())
	p.ContentType = "image/jpeg"
	return p, nil
}

func (c *thumbCache) store(name string, data []byte) error {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write thumbnail: %v %v", werr, cerr)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		c.total = c.measure()
		c.loaded = true
	} else {
		c.total += int64(len(data))
	}
	if c.total > c.maxBytes {
		c.total = c.evict(c.maxBytes * 9 / 10)
	}
	return nil
}

type cached struct {
	name  string
	size  int64
	mtime time.Time
}

func (c *thumbCache) list() []cached {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil
	}
	out := make([]cached, 0, len(entries))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			out = append(out, cached{name: filepath.Join(c.dir, e.Name()), size: info.Size(), mtime: info.ModTime()})
		}
	}
	return out
}

func (c *thumbCache) measure() int64 {
	var n int64
	for _, f := range c.list() {
		n += f.size
	}
	return n
}

// evict removes the least recently used thumbnails until at most target bytes stay.
func (c *thumbCache) evict(target int64) int64 {
	files := c.list()
	sort.Slice(files, func(i, j int) bool { return files[i].mtime.Before(files[j].mtime) })
	var total int64
	for _, f := range files {
		total += f.size
	}
	for _, f := range files {
		if total <= target {
			break
		}
		if os.Remove(f.name) == nil {
			total -= f.size
		}
	}
	return total
}
