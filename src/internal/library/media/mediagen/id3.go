package mediagen

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"segue/internal/library/media"
)

// id3Writer builds an ID3v2.3 or ID3v2.4 tag.
type id3Writer struct {
	ver  byte
	body []byte
}

// text encodes strings in the version's Unicode encoding, NUL-separated.
func (w *id3Writer) text(values ...string) []byte {
	if w.ver == 4 {
		b := []byte{3}
		for i, v := range values {
			if i > 0 {
				b = append(b, 0)
			}
			b = append(b, v...)
		}
		return b
	}
	b := []byte{1}
	for i, v := range values {
		if i > 0 {
			b = append(b, 0, 0)
		}
		b = append(b, 0xff, 0xfe)
		for _, u := range utf16.Encode([]rune(v)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
	}
	return b
}

func (w *id3Writer) term() []byte {
	if w.ver == 4 {
		return []byte{0}
	}
	return []byte{0, 0}
}

func (w *id3Writer) frame(id string, data []byte) {
	w.body = append(w.body, id...)
	if w.ver == 4 {
		w.body = append(w.body, synchsafe(len(data))...)
	} else {
		w.body = binary.BigEndian.AppendUint32(w.body, uint32(len(data)))
	}
	w.body = append(w.body, 0, 0)
	w.body = append(w.body, data...)
}

func (w *id3Writer) textFrame(id string, values ...string) {
	if len(values) == 0 || values[0] == "" {
		return
	}
	w.frame(id, w.text(values...))
}

func (w *id3Writer) txxx(desc string, values ...string) {
	if len(values) == 0 || values[0] == "" {
		return
	}
	b := w.text(desc)
	b = append(b, w.term()...)
	b = append(b, w.text(values...)[1:]...)
	w.frame("TXXX", b)
}

// langText writes COMM/USLT: encoding, language, empty description, text.
func (w *id3Writer) langText(id, text string) {
	if text == "" {
		return
	}
	b := w.langHeader()
	b = append(b, w.text(text)[1:]...)
	w.frame(id, b)
}

// langHeader starts COMM, USLT and SYLT: encoding, language, and (for COMM and
// USLT) an empty description, which in UTF-16 still carries its byte-order mark.
func (w *id3Writer) langHeader() []byte {
	b := append(w.text()[:1], "eng"...)
	b = append(b, w.text("")[1:]...)
	return append(b, w.term()...)
}

func (w *id3Writer) bytes(padding int) []byte {
	out := append([]byte("ID3"), w.ver, 0, 0)
	out = append(out, synchsafe(len(w.body)+padding)...)
	out = append(out, w.body...)
	return append(out, make([]byte, padding)...)
}

func synchsafe(n int) []byte {
	return []byte{byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
}

func pair(n, total int) string {
	if n == 0 {
		return ""
	}
	if total == 0 {
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%d/%d", n, total)
}

// writeID3v2 returns the tag and the Tags Probe will read back from it.
func writeID3v2(ver byte, t media.Tags, cover *Image) ([]byte, media.Tags) {
	w := &id3Writer{ver: ver}
	want := t
	w.textFrame("TIT2", t.Title)
	w.textFrame("TPE1", t.Artist)
	if !slices.Equal(t.Artists, []string{t.Artist}) {
		w.txxx("ARTISTS", t.Artists...)
	}
	w.textFrame("TALB", t.Album)
	w.textFrame("TPE2", t.AlbumArtist)
	if !slices.Equal(t.AlbumArtists, []string{t.AlbumArtist}) {
		w.txxx("ALBUMARTISTS", t.AlbumArtists...)
	}
	w.textFrame("TRCK", pair(t.TrackNumber, t.TrackTotal))
	w.textFrame("TPOS", pair(t.DiscNumber, t.DiscTotal))
	if ver == 4 {
		w.textFrame("TDRC", t.Date)
		w.textFrame("TDOR", t.OriginalDate)
	} else {
		if t.Year > 0 {
			w.textFrame("TYER", strconv.Itoa(t.Year))
			want.Date = strconv.Itoa(t.Year)
		}
		if t.OriginalYear > 0 {
			w.textFrame("TORY", strconv.Itoa(t.OriginalYear))
			want.OriginalDate = strconv.Itoa(t.OriginalYear)
		}
	}
	w.textFrame("TCON", t.Genres...)
	if t.Compilation {
		w.textFrame("TCMP", "1")
	}
	w.textFrame("TCOM", t.Composer)
	w.langText("COMM", t.Comment)
	w.langText("USLT", t.Lyrics)
	if len(t.SyncedLyrics) > 0 {
		b := w.langHeader()
		b = append(b[:4], 2, 1) // milliseconds, lyrics
		b = append(b, w.text("")[1:]...)
		b = append(b, w.term()...)
		for _, l := range t.SyncedLyrics {
			b = append(b, w.text(l.Text)[1:]...)
			b = append(b, w.term()...)
			b = binary.BigEndian.AppendUint32(b, uint32(l.At.Milliseconds()))
		}
		w.frame("SYLT", b)
	}
	mb := t.MusicBrainz
	if mb.TrackID != "" {
		w.frame("UFID", append([]byte("http://musicbrainz.org\x00"), mb.TrackID...))
	}
	w.txxx("MusicBrainz Release Track Id", mb.ReleaseTrackID)
	w.txxx("MusicBrainz Album Id", mb.AlbumID)
	w.txxx("MusicBrainz Artist Id", mb.ArtistIDs...)
	w.txxx("MusicBrainz Album Artist Id", mb.AlbumArtistIDs...)
	w.txxx("MusicBrainz Release Group Id", mb.ReleaseGroupID)
	rg := t.ReplayGain
	if rg.HasTrack {
		w.txxx("REPLAYGAIN_TRACK_GAIN", gain(rg.TrackGain))
		w.txxx("REPLAYGAIN_TRACK_PEAK", peak(rg.TrackPeak))
	}
	if rg.HasAlbum {
		w.txxx("REPLAYGAIN_ALBUM_GAIN", gain(rg.AlbumGain))
		w.txxx("REPLAYGAIN_ALBUM_PEAK", peak(rg.AlbumPeak))
	}
	if cover != nil {
		b := append([]byte{0}, cover.MIME...)
		b = append(b, 0, 3, 0) // terminator, front cover, empty Latin-1 description
		w.frame("APIC", append(b, cover.Data...))
	}
	return w.bytes(256), want
}

func gain(db float64) string { return strconv.FormatFloat(db, 'f', 2, 64) + " dB" }
func peak(p float64) string  { return strconv.FormatFloat(p, 'f', 6, 64) }

// writeID3v1 returns the 128-byte tag and what survives of t in it.
func writeID3v1(t media.Tags) ([]byte, media.Tags) {
	b := make([]byte, 128)
	copy(b, "TAG")
	var want media.Tags
	put := func(dst []byte, s string) string {
		l := toLatin1(s)
		if len(l) > len(dst) {
			l = l[:len(dst)]
		}
		copy(dst, l)
		return strings.TrimSpace(fromLatin1(l))
	}
	want.Title = put(b[3:33], t.Title)
	want.Artist = put(b[33:63], t.Artist)
	if want.Artist != "" {
		want.Artists = []string{want.Artist}
	}
	want.Album = put(b[63:93], t.Album)
	if t.Year > 0 {
		want.Date = put(b[93:97], strconv.Itoa(t.Year))
		want.Year = t.Year
	}
	want.Comment = put(b[97:125], t.Comment)
	if t.TrackNumber > 0 && t.TrackNumber < 256 {
		b[126] = byte(t.TrackNumber)
		want.TrackNumber = t.TrackNumber
	}
	b[127] = 255
	if len(t.Genres) > 0 {
		if i := id3v1GenreIndex(t.Genres[0]); i >= 0 {
			b[127] = byte(i)
			want.Genres = []string{t.Genres[0]}
		}
	}
	return b, want
}

func toLatin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			r = '?'
		}
		out = append(out, byte(r))
	}
	return out
}

func fromLatin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
