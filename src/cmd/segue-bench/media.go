package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"segue/internal/library/media"
	"segue/internal/library/media/mediagen"
)

// runMediaCommand runs the library generator and the probe; false when cmd is
// neither.
func runMediaCommand(cmd string, args []string) bool {
	switch cmd {
	case "gen-library":
		genLibrary(args)
	case "probe":
		probeFiles(args)
	default:
		return false
	}
	return true
}

// genLibrary writes a generated library of valid tagged files for scan tests
// and benchmarks.
func genLibrary(args []string) {
	fs := flag.NewFlagSet("gen-library", flag.ExitOnError)
	n := fs.Int("n", 1000, "number of tracks")
	out := fs.String("out", "", "directory to write into (created)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same library")
	formats := fs.String("formats", "", "comma-separated variants (default all): "+variantNames())
	minDur := fs.Duration("min-duration", time.Second, "shortest track")
	maxDur := fs.Duration("max-duration", 3*time.Second, "longest track")
	_ = fs.Parse(args)
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen-library: -out is required")
		os.Exit(2)
	}
	opts := mediagen.Options{Tracks: *n, Seed: *seed, MinDuration: *minDur, MaxDuration: *maxDur}
	if *formats != "" {
		for f := range strings.SplitSeq(*formats, ",") {
			opts.Variants = append(opts.Variants, mediagen.Variant(strings.TrimSpace(f)))
		}
	}
	start := time.Now()
	lib, err := mediagen.Generate(*out, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-library:", err)
		os.Exit(1)
	}
	var bytes int64
	_ = filepath.WalkDir(*out, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				bytes += fi.Size()
			}
		}
		return nil
	})
	fmt.Printf("tracks=%d folder_covers=%d bytes=%d seconds=%.2f\n", len(lib.Tracks), len(lib.FolderCovers), bytes, time.Since(start).Seconds())
}

func variantNames() string {
	var names []string
	for _, v := range mediagen.AllVariants {
		names = append(names, string(v))
	}
	return strings.Join(names, ",")
}

// probeFiles prints what media.Probe reads from each file, one JSON line each.
func probeFiles(paths []string) {
	enc := json.NewEncoder(os.Stdout)
	failed := false
	for _, p := range paths {
		info, err := probeFile(p)
		line := map[string]any{"path": p}
		if err != nil {
			line["error"], failed = err.Error(), true
		} else {
			line["info"] = info
		}
		_ = enc.Encode(line)
	}
	if failed {
		os.Exit(1)
	}
}

func probeFile(path string) (media.Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return media.Info{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return media.Info{}, err
	}
	return media.Probe(f, st.Size(), path)
}
