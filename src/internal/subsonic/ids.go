package subsonic

import (
	"strconv"
	"strings"

	"segue/internal/library"
)

// Subsonic ids are opaque strings: a kind prefix and a database id. Paths never
// appear in an id, so no id ("..", "/etc/passwd", …) can name a file.
const (
	prefixArtist   = "ar-"
	prefixAlbum    = "al-"
	prefixTrack    = "tr-"
	prefixPlaylist = "pl-"
)

var kindPrefix = map[library.Kind]string{
	library.KindArtist:   prefixArtist,
	library.KindAlbum:    prefixAlbum,
	library.KindTrack:    prefixTrack,
	library.KindPlaylist: prefixPlaylist,
}

func itemID(kind library.Kind, id int64) string {
	if id == 0 {
		return ""
	}
	return kindPrefix[kind] + strconv.FormatInt(id, 10)
}

func artistID(id int64) string   { return itemID(library.KindArtist, id) }
func albumID(id int64) string    { return itemID(library.KindAlbum, id) }
func trackID(id int64) string    { return itemID(library.KindTrack, id) }
func playlistID(id int64) string { return itemID(library.KindPlaylist, id) }

// parseItemID reads any id this edge hands out. Bare numbers are songs (some
// clients strip what they believe is a prefix); anything else is not found.
func parseItemID(s string) (library.Kind, int64, bool) {
	for kind, p := range kindPrefix {
		if rest, ok := strings.CutPrefix(s, p); ok {
			n, ok := positiveID(rest)
			return kind, n, ok
		}
	}
	n, ok := positiveID(s)
	return library.KindTrack, n, ok
}

func positiveID(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// parseKindID reads an id that must be of one kind.
func parseKindID(s string, want library.Kind) (int64, bool) {
	kind, n, ok := parseItemID(s)
	return n, ok && kind == want
}
