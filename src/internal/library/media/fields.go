package media

import (
	"strconv"
	"strings"
)

// fields collects tag values under Vorbis-comment style names (upper case), the
// common vocabulary every format's reader maps its own names to.
type fields struct {
	m      map[string][]string
	count  int
	bytes  int         // total bytes kept, bounded by maxFieldTotal
	synced []LyricLine // ID3v2 SYLT, which has no text form
}

func (f *fields) add(key string, values ...string) {
	if f.m == nil {
		f.m = make(map[string][]string, 16)
	}
	for _, v := range values {
		if f.count >= maxFields || f.bytes+len(v) > maxFieldTotal {
			return
		}
		v = strings.TrimRight(v, "\x00")
		if strings.TrimSpace(v) == "" {
			continue
		}
		f.m[key] = append(f.m[key], v)
		f.count++
		f.bytes += len(v)
	}
}

func (f *fields) first(keys ...string) string {
	for _, k := range keys {
		if v := f.m[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
	}
	return ""
}

func (f *fields) all(keys ...string) []string {
	for _, k := range keys {
		if v := f.m[k]; len(v) > 0 {
			out := make([]string, 0, len(v))
			for _, s := range v {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
			return out
		}
	}
	return nil
}

// ids returns MusicBrainz ids; some taggers join several with "/" or ";" in one
// value (ids themselves never contain either).
func (f *fields) ids(key string) []string {
	var out []string
	for _, v := range f.m[key] {
		for _, id := range strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == ';' || r == ',' }) {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

func (f *fields) tags() Tags {
	var t Tags
	t.Title = f.first("TITLE")
	t.Artist = strings.Join(f.all("ARTIST"), "; ")
	t.Artists = f.all("ARTISTS", "ARTIST")
	t.Album = f.first("ALBUM")
	t.AlbumArtist = strings.Join(f.all("ALBUMARTIST", "ALBUM ARTIST"), "; ")
	t.AlbumArtists = f.all("ALBUMARTISTS", "ALBUMARTIST", "ALBUM ARTIST")
	t.TrackNumber, t.TrackTotal = numberPair(f.first("TRACKNUMBER"))
	if n := atoi(f.first("TRACKTOTAL", "TOTALTRACKS")); n > 0 {
		t.TrackTotal = n
	}
	t.DiscNumber, t.DiscTotal = numberPair(f.first("DISCNUMBER"))
	if n := atoi(f.first("DISCTOTAL", "TOTALDISCS")); n > 0 {
		t.DiscTotal = n
	}
	t.Date = f.first("DATE", "YEAR")
	t.Year = yearOf(t.Date)
	t.OriginalDate = f.first("ORIGINALDATE", "ORIGINALYEAR")
	t.OriginalYear = yearOf(t.OriginalDate)
	t.Genres = f.all("GENRE")
	switch strings.ToLower(f.first("COMPILATION")) {
	case "1", "true", "yes":
		t.Compilation = true
	}
	t.Composer = strings.Join(f.all("COMPOSER"), "; ")
	t.Comment = f.first("COMMENT", "DESCRIPTION")
	t.Lyrics = f.first("LYRICS", "UNSYNCEDLYRICS")
	t.SyncedLyrics = f.synced
	if t.SyncedLyrics == nil && t.Lyrics != "" {
		t.SyncedLyrics = parseLRC(t.Lyrics)
	}
	t.MusicBrainz = MusicBrainz{
		TrackID:        f.first("MUSICBRAINZ_TRACKID"),
		ReleaseTrackID: f.first("MUSICBRAINZ_RELEASETRACKID"),
		AlbumID:        f.first("MUSICBRAINZ_ALBUMID"),
		ArtistIDs:      f.ids("MUSICBRAINZ_ARTISTID"),
		AlbumArtistIDs: f.ids("MUSICBRAINZ_ALBUMARTISTID"),
		ReleaseGroupID: f.first("MUSICBRAINZ_RELEASEGROUPID"),
	}
	rg := &t.ReplayGain
	rg.TrackGain, rg.HasTrack = decibels(f.first("REPLAYGAIN_TRACK_GAIN"))
	rg.AlbumGain, rg.HasAlbum = decibels(f.first("REPLAYGAIN_ALBUM_GAIN"))
	rg.TrackPeak, _ = parseFloat(f.first("REPLAYGAIN_TRACK_PEAK"))
	rg.AlbumPeak, _ = parseFloat(f.first("REPLAYGAIN_ALBUM_PEAK"))
	return t
}

// numberPair reads "3", "3/12" or "03 of 12".
func numberPair(s string) (n, total int) {
	a, b, found := strings.Cut(s, "/")
	if !found {
		a, b, _ = strings.Cut(s, " of ")
	}
	return atoi(a), atoi(b)
}

func atoi(s string) int {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && end < 9 && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}

func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y := atoi(date[:4])
	if y < 1000 {
		return 0
	}
	return y
}

// decibels reads "-6.50 dB".
func decibels(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "dB"), "DB")
	return parseFloat(s)
}

func parseFloat(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v != v { // NaN
		return 0, false
	}
	return v, true
}
