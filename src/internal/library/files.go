package library

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"

	"segue/internal/fail"
)

// TrackFile is an open audio file of the library.
type TrackFile struct {
	*os.File
	Track Track
	Info  fs.FileInfo
}

// OpenTrack opens a track's file for streaming or download. The file is opened
// beneath its music folder (os.Root: no symlink or ".." leads outside), only for
// a viewer allowed that folder, and only while the folder is online.
func (l *Library) OpenTrack(ctx context.Context, v Viewer, id int64) (*TrackFile, error) {
	t, err := l.Track(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if !t.Available {
		return nil, fail.NotFound("Song is not available (its music folder is offline)")
	}
	f, err := l.openInFolder(t.FolderID, t.Path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fail.NotFound("Song is not available")
	}
	return &TrackFile{File: f, Track: t, Info: st}, nil
}

// openInFolder opens rel beneath the folder's root; every failure is NotFound
// (the reason goes to the log, never to the client).
func (l *Library) openInFolder(folderID int64, rel string) (*os.File, error) {
	root, err := l.openRoot(folderID)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	if !safeRel(rel) {
		return nil, fail.NotFound("File not found")
	}
	f, err := root.Open(rel)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && l.log != nil {
			l.log.WithError(err).WithField("folder", folderID).Warn("library: could not open a file")
		}
		return nil, fail.Wrap(fail.KindNotFound, err, "File not found")
	}
	return f, nil
}

func (l *Library) openRoot(folderID int64) (*os.Root, error) {
	p, ok := l.folderPath(folderID)
	if !ok {
		return nil, fail.NotFound("File not found")
	}
	root, err := os.OpenRoot(p)
	if err != nil {
		return nil, fail.Wrap(fail.KindNotFound, err, "File not found")
	}
	return root, nil
}

func (l *Library) folderPath(id int64) (string, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, f := range l.folders {
		if f.ID == id {
			return f.Path, true
		}
	}
	return "", false
}

// safeRel accepts only clean, relative, slash-separated paths without "..".
func safeRel(rel string) bool {
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, "\\") || strings.ContainsRune(rel, 0) {
		return false
	}
	if path.Clean(rel) != rel {
		return false
	}
	for _, part := range strings.Split(rel, "/") {
		if part == ".." || part == "." {
			return false
		}
	}
	return true
}
