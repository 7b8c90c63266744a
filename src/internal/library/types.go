package library

import "time"

// Kind names what an id refers to in per-user data, changes and artwork.
type Kind int

const (
	KindArtist   Kind = 1
	KindAlbum    Kind = 2
	KindTrack    Kind = 3
	KindPlaylist Kind = 4
)

func (k Kind) String() string {
	switch k {
	case KindArtist:
		return "artist"
	case KindAlbum:
		return "album"
	case KindTrack:
		return "track"
	case KindPlaylist:
		return "playlist"
	}
	return "unknown"
}

// Folder is one music folder: one Subsonic music folder and one MA provider instance.
type Folder struct {
	ID   int64
	Name string
	// Path is the folder as configured; for admins' eyes only, never an id.
	Path string
	// ProviderInstance is the stable MA provider instance id of this folder
	// ("filesystem_local--" + a hash of the path).
	ProviderInstance string
	// Online is false while the folder is missing, unreadable or suddenly empty;
	// its tracks then stay in the library as unavailable.
	Online bool
	// Problem says why the folder is offline ("" when online).
	Problem    string
	Configured bool
	LastScan   time.Time
	TrackCount int
}

// Annotation is one user's data on an item. Zero values mean "none".
type Annotation struct {
	Starred    time.Time // zero: not starred (an MA favourite is a star)
	Rating     int       // 0 (none) to 5
	PlayCount  int
	LastPlayed time.Time
}

// ArtistRef names an artist of a track or album.
type ArtistRef struct {
	ID   int64
	Name string
}

// Artist is a track or album artist.
type Artist struct {
	ID       int64
	Name     string
	SortName string
	MBID     string
	// AlbumCount counts albums with this artist as album artist, TrackCount tracks
	// by them, both within the folders the query could see.
	AlbumCount int
	TrackCount int
	// CoverID is artwork for the artist (an album cover of theirs), 0 if none.
	CoverID   int64
	Added     time.Time
	Available bool
	User      Annotation
}

// Album is a release: tracks grouped by album artist + album name (+ MusicBrainz
// album id), within one music folder; compilations and multi-disc sets are one album.
type Album struct {
	ID          int64
	FolderID    int64
	Name        string
	SortName    string
	ArtistID    int64 // the (first) album artist
	ArtistName  string
	Artists     []ArtistRef
	Compilation bool
	MBID        string
	Year        int
	Genre       string   // first genre
	Genres      []string // filled on single-album reads
	TrackCount  int
	DiscCount   int
	Duration    time.Duration
	Size        int64
	CoverID     int64
	Added       time.Time
	Modified    time.Time
	Available   bool
	User        Annotation
}

// ReplayGain values in dB and linear peaks; nil when the file has none.
type ReplayGain struct {
	TrackGain, TrackPeak, AlbumGain, AlbumPeak *float64
}

// AudioFormat is read from the audio headers.
type AudioFormat struct {
	// Format is the file suffix (mp3, flac, m4a, ogg, opus); Codec the coded stream
	// (mp3, flac, aac, alac, vorbis, opus); ContentType the MIME type.
	Format      string
	Codec       string
	ContentType string
	BitRate     int // kbit/s
	SampleRate  int // Hz
	BitDepth    int // 0 for lossy
	Channels    int
}

// Track is one audio file.
type Track struct {
	ID       int64
	FolderID int64
	// Path is relative to its music folder ('/'-separated), for display; files are
	// opened only through OpenTrack.
	Path        string
	Title       string
	SortTitle   string
	AlbumID     int64
	AlbumName   string
	ArtistID    int64 // the first track artist
	ArtistName  string
	Artists     []ArtistRef
	AlbumArtist string
	TrackNumber int
	DiscNumber  int
	Year        int
	Date        string
	Genre       string   // first genre
	Genres      []string // filled on single-track reads
	Compilation bool
	Duration    time.Duration
	Size        int64
	Audio       AudioFormat
	MBID        string // MusicBrainz recording id
	ReplayGain  ReplayGain
	HasLyrics   bool
	CoverID     int64
	Added       time.Time
	Modified    time.Time
	Available   bool
	User        Annotation
}

// Genre is a genre tag value.
type Genre struct {
	ID         int64
	Name       string
	AlbumCount int
	TrackCount int
}

// Playlist belongs to one user; others see it only when it is public.
type Playlist struct {
	ID        int64
	Name      string
	Comment   string
	OwnerID   string
	OwnerName string
	Public    bool
	// Editable is true when the viewer owns it.
	Editable   bool
	TrackCount int
	Duration   time.Duration
	CoverID    int64
	Created    time.Time
	Changed    time.Time
	User       Annotation
}

// PlaylistUpdate changes a playlist; nil fields stay as they are. Removals are
// positions (0-based) in the playlist before the change; additions are appended.
type PlaylistUpdate struct {
	Name    *string
	Comment *string
	Public  *bool
	Add     []int64
	Remove  []int
}

// NowPlaying is what a user is playing now (from a non-submission scrobble).
type NowPlaying struct {
	UserID   string
	Username string
	Player   string // the client name
	Track    Track
	Since    time.Time
}

// LyricLine is one line; Start is set for synced lyrics.
type LyricLine struct {
	Start time.Duration
	Text  string
}

// Lyrics are the lyrics embedded in a track.
type Lyrics struct {
	TrackID int64
	Artist  string
	Title   string
	Lang    string
	Synced  bool
	Lines   []LyricLine
}

// FileFailure is a file the scanner could not read, and why.
type FileFailure struct {
	FolderID int64
	Path     string // relative to the folder
	Reason   string
	At       time.Time
}

// Counts are the library totals a viewer can see.
type Counts struct {
	Artists, Albums, Tracks, Genres, Playlists int
}
