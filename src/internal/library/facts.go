package library

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// fileFacts is what the scanner learned about one audio file: where it is, its
// stat, and its tags and audio facts as the media parser read them.
type fileFacts struct {
	folderID int64
	dir      string // relative, '/'-separated
	file     string
	size     int64
	mtime    int64 // unix ns

	title            string
	artist           string // the display artist as tagged; the joined artists when empty
	artists          []string
	album            string
	albumArtist      string
	albumArtists     []string
	trackNo          int
	discNo           int
	year             int
	date             string
	genres           []string
	compilation      bool
	mbid             string // recording
	releaseTrack     string
	albumMBID        string
	artistMBIDs      []string
	albumArtistMBIDs []string
	rg               ReplayGain
	lyrics           Lyrics

	format     string
	codec      string
	duration   time.Duration
	bitRate    int // kbit/s
	sampleRate int
	bitDepth   int
	channels   int
	hasPicture bool
}

// Names for what the tags leave out.
const (
	UnknownArtist  = "Unknown Artist"
	UnknownAlbum   = "Unknown Album"
	VariousArtists = "Various Artists"
)

// normalize fills what the tags leave out: the title from the file name, the
// artist and album as "Unknown …", the album artist from the track artist (or
// Various Artists for a compilation).
func (f *fileFacts) normalize() {
	if strings.TrimSpace(f.title) == "" {
		f.title = strings.TrimSuffix(f.file, extOf(f.file))
	}
	f.artists = cleanNames(f.artists)
	if len(f.artists) == 0 {
		f.artists = []string{UnknownArtist}
	}
	f.albumArtists = cleanNames(f.albumArtists)
	if len(f.albumArtists) == 0 {
		if f.compilation {
			f.albumArtists = []string{VariousArtists}
		} else {
			f.albumArtists = f.artists[:1]
		}
	}
	f.genres = cleanNames(f.genres)
	if f.discNo <= 0 {
		f.discNo = 1
	}
}

func cleanNames(in []string) []string {
	out := in[:0:0]
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		k := foldKey(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

// foldKey compares names: case and runs of spaces do not matter.
func foldKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// albumKey groups tracks into albums within a folder: album artist + album name
// (+ MusicBrainz album id). An untagged album is grouped by its directory, so
// loose files of different folders do not become one giant "Unknown Album".
func (f *fileFacts) albumKey() (key, name string) {
	name = strings.TrimSpace(f.album)
	artist := foldKey(strings.Join(f.albumArtists, "; "))
	if name == "" {
		return artist + "\x00\x00dir:" + f.dir, UnknownAlbum
	}
	return artist + "\x00" + foldKey(name) + "\x00" + strings.ToLower(f.albumMBID), name
}

// identity is how a moved file is recognised: the same size, format, duration
// and main tags. A file both moved and retagged in one go is a new file.
func (f *fileFacts) identity() string {
	h := sha256.New()
	for _, s := range []string{strconv.FormatInt(f.size, 10), f.format, strconv.FormatInt(f.duration.Milliseconds(), 10),
		f.title, strings.Join(f.artists, "\x01"), f.album, strings.Join(f.albumArtists, "\x01"),
		strconv.Itoa(f.trackNo), strconv.Itoa(f.discNo), f.mbid} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

func (f *fileFacts) displayArtist() string {
	if a := strings.TrimSpace(f.artist); a != "" {
		return a
	}
	return strings.Join(f.artists, "; ")
}

func (f *fileFacts) displayAlbumArtist() string {
	if a := strings.TrimSpace(f.albumArtist); a != "" && len(cleanNames([]string{f.albumArtist})) > 0 {
		return a
	}
	return strings.Join(f.albumArtists, "; ")
}
