package library

import (
	"errors"
	"os"
	"strings"

	"segue/internal/library/media"
)

// isAudio says whether the scanner probes a file, by its suffix.
func isAudio(name string) bool {
	switch strings.ToLower(extOf(name)) {
	case ".mp3", ".flac", ".m4a", ".mp4", ".m4b", ".ogg", ".oga", ".opus":
		return true
	}
	return false
}

// coverRank orders folder images: cover.*, then folder.*, then front.*; 0 is not a cover.
func coverRank(name string) int {
	lower := strings.ToLower(name)
	switch strings.ToLower(extOf(lower)) {
	case ".jpg", ".jpeg", ".png", ".webp", ".gif":
	default:
		return 0
	}
	switch strings.TrimSuffix(lower, extOf(lower)) {
	case "cover":
		return 3
	case "folder":
		return 2
	case "front":
		return 1
	}
	return 0
}

// probeFile reads one file's tags and audio facts into f. The error's text is
// what the failure list shows.
func probeFile(file *os.File, f *fileFacts) error {
	info, err := media.Probe(file, f.size, f.file)
	if err != nil {
		var ce *media.CorruptError
		switch {
		case errors.As(err, &ce):
			return errors.New(ce.Reason)
		case errors.Is(err, media.ErrUnsupported):
			return errors.New("not a supported audio format")
		}
		return errors.New("could not be read")
	}
	t, a := info.Tags, info.Audio
	f.title, f.artist, f.artists = t.Title, t.Artist, t.Artists
	f.album, f.albumArtist, f.albumArtists = t.Album, t.AlbumArtist, t.AlbumArtists
	f.trackNo, f.discNo, f.year, f.date = t.TrackNumber, t.DiscNumber, t.Year, t.Date
	f.genres, f.compilation = t.Genres, t.Compilation
	mb := t.MusicBrainz
	f.mbid, f.releaseTrack, f.albumMBID = mb.TrackID, mb.ReleaseTrackID, mb.AlbumID
	f.artistMBIDs, f.albumArtistMBIDs = mb.ArtistIDs, mb.AlbumArtistIDs
	rg := t.ReplayGain
	if rg.HasTrack {
		f.rg.TrackGain, f.rg.TrackPeak = ptr(rg.TrackGain), ptr(rg.TrackPeak)
	}
	if rg.HasAlbum {
		f.rg.AlbumGain, f.rg.AlbumPeak = ptr(rg.AlbumGain), ptr(rg.AlbumPeak)
	}
	switch {
	case len(t.SyncedLyrics) > 0:
		f.lyrics.Synced = true
		for _, ln := range t.SyncedLyrics {
			f.lyrics.Lines = append(f.lyrics.Lines, LyricLine{Start: ln.At, Text: ln.Text})
		}
	case strings.TrimSpace(t.Lyrics) != "":
		for _, ln := range strings.Split(strings.ReplaceAll(t.Lyrics, "\r\n", "\n"), "\n") {
			f.lyrics.Lines = append(f.lyrics.Lines, LyricLine{Text: ln})
		}
	}
	f.format = strings.TrimPrefix(strings.ToLower(extOf(f.file)), ".")
	f.codec = string(a.Codec)
	f.duration = a.Duration
	f.bitRate = (a.BitRate + 500) / 1000
	f.sampleRate, f.bitDepth, f.channels = a.SampleRate, a.BitDepth, a.Channels
	f.hasPicture = info.Picture != nil
	return nil
}

func ptr(v float64) *float64 { return &v }
