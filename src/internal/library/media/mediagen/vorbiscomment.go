package mediagen

import (
	"encoding/binary"
	"slices"
	"strconv"
	"strings"

	"segue/internal/library/media"
)

// vorbisComment builds a Vorbis comment block (without framing) and returns the
// Tags Probe reads back. Synchronised lyrics are written in LRC form.
func vorbisComment(t media.Tags, extra ...string) ([]byte, media.Tags) {
	want := t
	var c []string
	add := func(k string, values ...string) {
		for _, v := range values {
			if v != "" {
				c = append(c, k+"="+v)
			}
		}
	}
	add("TITLE", t.Title)
	add("ARTIST", t.Artist)
	if !slices.Equal(t.Artists, []string{t.Artist}) {
		add("ARTISTS", t.Artists...)
	}
	add("ALBUM", t.Album)
	add("ALBUMARTIST", t.AlbumArtist)
	if !slices.Equal(t.AlbumArtists, []string{t.AlbumArtist}) {
		add("ALBUMARTISTS", t.AlbumArtists...)
	}
	if t.TrackNumber > 0 {
		add("TRACKNUMBER", strconv.Itoa(t.TrackNumber))
	}
	if t.TrackTotal > 0 {
		add("TRACKTOTAL", strconv.Itoa(t.TrackTotal))
	}
	if t.DiscNumber > 0 {
		add("DISCNUMBER", strconv.Itoa(t.DiscNumber))
	}
	if t.DiscTotal > 0 {
		add("DISCTOTAL", strconv.Itoa(t.DiscTotal))
	}
	add("DATE", t.Date)
	add("ORIGINALDATE", t.OriginalDate)
	add("GENRE", t.Genres...)
	if t.Compilation {
		add("COMPILATION", "1")
	}
	add("COMPOSER", t.Composer)
	add("COMMENT", t.Comment)
	if len(t.SyncedLyrics) > 0 {
		want.Lyrics = lrc(t.SyncedLyrics)
		add("LYRICS", want.Lyrics)
	} else {
		add("LYRICS", t.Lyrics)
	}
	mb := t.MusicBrainz
	add("MUSICBRAINZ_TRACKID", mb.TrackID)
	add("MUSICBRAINZ_RELEASETRACKID", mb.ReleaseTrackID)
	add("MUSICBRAINZ_ALBUMID", mb.AlbumID)
	add("MUSICBRAINZ_ARTISTID", mb.ArtistIDs...)
	add("MUSICBRAINZ_ALBUMARTISTID", mb.AlbumArtistIDs...)
	add("MUSICBRAINZ_RELEASEGROUPID", mb.ReleaseGroupID)
	rg := t.ReplayGain
	if rg.HasTrack {
		add("REPLAYGAIN_TRACK_GAIN", gain(rg.TrackGain))
		add("REPLAYGAIN_TRACK_PEAK", peak(rg.TrackPeak))
	}
	if rg.HasAlbum {
		add("REPLAYGAIN_ALBUM_GAIN", gain(rg.AlbumGain))
		add("REPLAYGAIN_ALBUM_PEAK", peak(rg.AlbumPeak))
	}
	c = append(c, extra...)
	const vendor = "segue mediagen"
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(vendor)))
	b = append(b, vendor...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(c)))
	for _, s := range c {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b, want
}

func lrc(lines []media.LyricLine) string {
	var sb strings.Builder
	for i, l := range lines {
		if i > 0 {
			sb.WriteByte('\n')
		}
		ms := l.At.Milliseconds()
		sb.WriteString("[" + two(ms/60000) + ":" + two(ms/1000%60) + "." + two(ms/10%100) + "]" + l.Text)
	}
	return sb.String()
}

func two(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// flacPicture builds a FLAC PICTURE block body (also base64'd into Ogg comments).
func flacPicture(img *Image) []byte {
	b := binary.BigEndian.AppendUint32(nil, 3) // front cover
	b = binary.BigEndian.AppendUint32(b, uint32(len(img.MIME)))
	b = append(b, img.MIME...)
	b = binary.BigEndian.AppendUint32(b, 0) // description
	b = append(b, make([]byte, 16)...)      // width, height, depth, colours: unknown
	b = binary.BigEndian.AppendUint32(b, uint32(len(img.Data)))
	return append(b, img.Data...)
}
