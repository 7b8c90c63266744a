package mediagen

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// Generate plans a library and writes it under dir.
func Generate(dir string, opts Options) (Library, error) {
	lib := Plan(opts)
	return lib, Write(dir, lib)
}

// Write writes a planned library under dir, encoding on every core.
func Write(dir string, lib Library) error {
	abs := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	made := map[string]bool{}
	for _, t := range lib.Tracks {
		d := filepath.Dir(abs(t.Path))
		if !made[d] {
			made[d] = true
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
	}
	for _, c := range lib.FolderCovers {
		if err := os.MkdirAll(filepath.Dir(abs(c.Path)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(abs(c.Path), c.Image.Data, 0o644); err != nil {
			return err
		}
	}
	jobs := make(chan Track)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for t := range jobs {
				enc, err := Encode(t)
				if err == nil {
					err = os.WriteFile(abs(t.Path), enc.Data, 0o644)
				}
				if err != nil {
					select {
					case errs <- fmt.Errorf("%s: %w", t.Path, err):
					default:
					}
				}
			}
		})
	}
	for _, t := range lib.Tracks {
		jobs <- t
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}
