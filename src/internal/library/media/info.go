// Package media reads what the library needs from an audio file: its tags and
// the facts of its audio stream (duration, bit rate, sample rate, bit depth,
// channels), parsed from the container and codec headers of MP3, FLAC, M4A
// (AAC, ALAC) and Ogg (Vorbis, Opus). It knows no database and no HTTP.
//
// Every parser is bounded: it reads at most a fixed number of bytes per tag
// block and per header, and every loop advances through the file or stops, so a
// hostile file cannot make it allocate or spin without bound.
package media

import "time"

// Container names the file format that wraps the audio.
type Container string

// The containers Probe recognises.
const (
	ContainerMP3  Container = "mp3"
	ContainerFLAC Container = "flac"
	ContainerMP4  Container = "mp4"
	ContainerOgg  Container = "ogg"
)

// Codec names the audio coding inside the container.
type Codec string

// The codecs Probe recognises.
const (
	CodecMP3    Codec = "mp3"
	CodecFLAC   Codec = "flac"
	CodecAAC    Codec = "aac"
	CodecALAC   Codec = "alac"
	CodecVorbis Codec = "vorbis"
	CodecOpus   Codec = "opus"
)

// Info is everything Probe learned about one file.
type Info struct {
	Tags  Tags
	Audio Audio
	// Picture describes the embedded front cover (or, lacking one, the first
	// embedded picture); nil when the file holds none. Read its bytes with
	// EmbeddedPicture.
	Picture *PictureInfo
}

// Audio holds the facts of the audio stream, read from its headers.
type Audio struct {
	Container  Container
	Codec      Codec
	Duration   time.Duration
	BitRate    int // bits per second, averaged over the audio data
	SampleRate int // Hz
	BitDepth   int // bits per sample; 0 for lossy codecs
	Channels   int
	Lossless   bool
	VBR        bool // MP3 only: a Xing or VBRI header says the bit rate varies
}

// Tags are the text and numbers the file was tagged with. Absent tags are zero
// values: a file without tags probes fine with empty Tags.
type Tags struct {
	Title        string
	Artist       string   // the display artist as tagged (ARTIST / TPE1 / ©ART)
	Artists      []string // every track artist (ARTISTS when tagged, else the ARTIST values)
	Album        string
	AlbumArtist  string   // the display album artist as tagged
	AlbumArtists []string // every album artist
	TrackNumber  int
	TrackTotal   int
	DiscNumber   int
	DiscTotal    int
	Year         int    // from Date
	Date         string // as tagged: "2004", "2004-05" or "2004-05-17"
	OriginalDate string
	OriginalYear int
	Genres       []string
	Compilation  bool
	Composer     string
	Comment      string
	Lyrics       string      // unsynchronised lyrics as tagged
	SyncedLyrics []LyricLine // from ID3v2 SYLT, or lyrics written in LRC form
	MusicBrainz  MusicBrainz
	ReplayGain   ReplayGain
}

// MusicBrainz holds the MusicBrainz identifiers Picard writes.
type MusicBrainz struct {
	TrackID        string // the recording (MUSICBRAINZ_TRACKID, ID3 UFID)
	ReleaseTrackID string
	AlbumID        string // the release
	ArtistIDs      []string
	AlbumArtistIDs []string
	ReleaseGroupID string
}

// ReplayGain holds the gains (dB) and peaks (linear, 1.0 = full scale).
type ReplayGain struct {
	TrackGain, TrackPeak float64
	AlbumGain, AlbumPeak float64
	HasTrack, HasAlbum   bool // whether the gain was tagged at all
}

// LyricLine is one timed line of synchronised lyrics.
type LyricLine struct {
	At   time.Duration
	Text string
}

// PictureInfo describes an embedded picture without holding its bytes.
type PictureInfo struct {
	MIME  string // "image/jpeg", "image/png", …; sniffed when the tag lies or is empty
	Type  int    // the ID3/FLAC picture type: 3 = front cover, 0 = other
	Bytes int64  // size of the image data
}
