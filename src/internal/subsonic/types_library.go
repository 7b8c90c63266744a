package subsonic

// Wire types of the library methods (Subsonic 1.16.1 + OpenSubsonic). XML
// attributes and JSON keys follow the spec; OpenSubsonic fields Segue
// supports are always present (empty when unknown), as the spec asks, so
// clients can tell what the server supports.

// MusicFolder is one configured music folder.
type MusicFolder struct {
	ID   int    `xml:"id,attr" json:"id"`
	Name string `xml:"name,attr" json:"name"`
}

// MusicFolders wraps getMusicFolders.
type MusicFolders struct {
	Folders []MusicFolder `xml:"musicFolder" json:"musicFolder"`
}

// ItemGenre is one genre of a song or album (OpenSubsonic).
type ItemGenre struct {
	Name string `xml:"name,attr" json:"name"`
}

// ArtistRef is the short ArtistID3 used inside songs and albums.
type ArtistRef struct {
	ID   string `xml:"id,attr" json:"id"`
	Name string `xml:"name,attr" json:"name"`
}

// ReplayGain carries the ReplayGain tags of a song.
type ReplayGain struct {
	TrackGain *float64 `xml:"trackGain,attr,omitempty" json:"trackGain,omitempty"`
	AlbumGain *float64 `xml:"albumGain,attr,omitempty" json:"albumGain,omitempty"`
	TrackPeak *float64 `xml:"trackPeak,attr,omitempty" json:"trackPeak,omitempty"`
	AlbumPeak *float64 `xml:"albumPeak,attr,omitempty" json:"albumPeak,omitempty"`
}

// Child is a song (or, in folder browsing, a directory).
type Child struct {
	ID                 string      `xml:"id,attr" json:"id"`
	Parent             string      `xml:"parent,attr,omitempty" json:"parent,omitempty"`
	IsDir              bool        `xml:"isDir,attr" json:"isDir"`
	Title              string      `xml:"title,attr" json:"title"`
	Name               string      `xml:"name,attr,omitempty" json:"name,omitempty"`
	Album              string      `xml:"album,attr,omitempty" json:"album,omitempty"`
	Artist             string      `xml:"artist,attr,omitempty" json:"artist,omitempty"`
	Track              int         `xml:"track,attr,omitempty" json:"track,omitempty"`
	Year               int         `xml:"year,attr,omitempty" json:"year,omitempty"`
	Genre              string      `xml:"genre,attr,omitempty" json:"genre,omitempty"`
	CoverArt           string      `xml:"coverArt,attr,omitempty" json:"coverArt,omitempty"`
	Size               int64       `xml:"size,attr,omitempty" json:"size,omitempty"`
	ContentType        string      `xml:"contentType,attr,omitempty" json:"contentType,omitempty"`
	Suffix             string      `xml:"suffix,attr,omitempty" json:"suffix,omitempty"`
	Duration           int         `xml:"duration,attr,omitempty" json:"duration,omitempty"`
	BitRate            int         `xml:"bitRate,attr,omitempty" json:"bitRate,omitempty"`
	BitDepth           int         `xml:"bitDepth,attr,omitempty" json:"bitDepth,omitempty"`
	SamplingRate       int         `xml:"samplingRate,attr,omitempty" json:"samplingRate,omitempty"`
	ChannelCount       int         `xml:"channelCount,attr,omitempty" json:"channelCount,omitempty"`
	Path               string      `xml:"path,attr,omitempty" json:"path,omitempty"`
	IsVideo            bool        `xml:"isVideo,attr" json:"isVideo"`
	UserRating         int         `xml:"userRating,attr,omitempty" json:"userRating,omitempty"`
	PlayCount          int64       `xml:"playCount,attr,omitempty" json:"playCount,omitempty"`
	DiscNumber         int         `xml:"discNumber,attr,omitempty" json:"discNumber,omitempty"`
	Created            string      `xml:"created,attr,omitempty" json:"created,omitempty"`
	Starred            string      `xml:"starred,attr,omitempty" json:"starred,omitempty"`
	AlbumID            string      `xml:"albumId,attr,omitempty" json:"albumId,omitempty"`
	ArtistID           string      `xml:"artistId,attr,omitempty" json:"artistId,omitempty"`
	Type               string      `xml:"type,attr,omitempty" json:"type,omitempty"`
	MediaType          string      `xml:"mediaType,attr,omitempty" json:"mediaType,omitempty"`
	Played             string      `xml:"played,attr,omitempty" json:"played,omitempty"`
	SortName           string      `xml:"sortName,attr,omitempty" json:"sortName,omitempty"`
	MusicBrainzID      string      `xml:"musicBrainzId,attr,omitempty" json:"musicBrainzId,omitempty"`
	DisplayArtist      string      `xml:"displayArtist,attr,omitempty" json:"displayArtist,omitempty"`
	DisplayAlbumArtist string      `xml:"displayAlbumArtist,attr,omitempty" json:"displayAlbumArtist,omitempty"`
	Genres             []ItemGenre `xml:"genres,omitempty" json:"genres,omitempty"`
	Artists            []ArtistRef `xml:"artists,omitempty" json:"artists,omitempty"`
	AlbumArtists       []ArtistRef `xml:"albumArtists,omitempty" json:"albumArtists,omitempty"`
	ReplayGain         *ReplayGain `xml:"replayGain,omitempty" json:"replayGain,omitempty"`
}

// AlbumID3 is an album of the tag-based (ID3) browsing.
type AlbumID3 struct {
	ID            string      `xml:"id,attr" json:"id"`
	Name          string      `xml:"name,attr" json:"name"`
	Artist        string      `xml:"artist,attr,omitempty" json:"artist,omitempty"`
	ArtistID      string      `xml:"artistId,attr,omitempty" json:"artistId,omitempty"`
	CoverArt      string      `xml:"coverArt,attr,omitempty" json:"coverArt,omitempty"`
	SongCount     int         `xml:"songCount,attr" json:"songCount"`
	Duration      int         `xml:"duration,attr" json:"duration"`
	PlayCount     int64       `xml:"playCount,attr,omitempty" json:"playCount,omitempty"`
	Created       string      `xml:"created,attr" json:"created"`
	Starred       string      `xml:"starred,attr,omitempty" json:"starred,omitempty"`
	Year          int         `xml:"year,attr,omitempty" json:"year,omitempty"`
	Genre         string      `xml:"genre,attr,omitempty" json:"genre,omitempty"`
	Played        string      `xml:"played,attr,omitempty" json:"played,omitempty"`
	UserRating    int         `xml:"userRating,attr,omitempty" json:"userRating,omitempty"`
	MusicBrainzID string      `xml:"musicBrainzId,attr,omitempty" json:"musicBrainzId,omitempty"`
	DisplayArtist string      `xml:"displayArtist,attr,omitempty" json:"displayArtist,omitempty"`
	SortName      string      `xml:"sortName,attr,omitempty" json:"sortName,omitempty"`
	IsCompilation bool        `xml:"isCompilation,attr" json:"isCompilation"`
	Genres        []ItemGenre `xml:"genres,omitempty" json:"genres,omitempty"`
	Artists       []ArtistRef `xml:"artists,omitempty" json:"artists,omitempty"`
	Song          []Child     `xml:"song,omitempty" json:"song,omitempty"`
}

// ArtistID3 is an artist of the tag-based browsing; Album is set by getArtist.
type ArtistID3 struct {
	ID            string     `xml:"id,attr" json:"id"`
	Name          string     `xml:"name,attr" json:"name"`
	CoverArt      string     `xml:"coverArt,attr,omitempty" json:"coverArt,omitempty"`
	AlbumCount    int        `xml:"albumCount,attr" json:"albumCount"`
	Starred       string     `xml:"starred,attr,omitempty" json:"starred,omitempty"`
	UserRating    int        `xml:"userRating,attr,omitempty" json:"userRating,omitempty"`
	MusicBrainzID string     `xml:"musicBrainzId,attr,omitempty" json:"musicBrainzId,omitempty"`
	SortName      string     `xml:"sortName,attr,omitempty" json:"sortName,omitempty"`
	Album         []AlbumID3 `xml:"album,omitempty" json:"album,omitempty"`
}

// IndexID3 groups artists by first letter.
type IndexID3 struct {
	Name   string      `xml:"name,attr" json:"name"`
	Artist []ArtistID3 `xml:"artist" json:"artist"`
}

// ArtistsID3 is getArtists' answer.
type ArtistsID3 struct {
	IgnoredArticles string     `xml:"ignoredArticles,attr" json:"ignoredArticles"`
	Index           []IndexID3 `xml:"index" json:"index"`
}

// Indexes is getIndexes' answer (folder browsing: artists are directories).
type Indexes struct {
	IgnoredArticles string     `xml:"ignoredArticles,attr" json:"ignoredArticles"`
	LastModified    int64      `xml:"lastModified,attr" json:"lastModified"`
	Index           []IndexID3 `xml:"index" json:"index"`
}

// Directory is getMusicDirectory's answer.
type Directory struct {
	ID         string  `xml:"id,attr" json:"id"`
	Parent     string  `xml:"parent,attr,omitempty" json:"parent,omitempty"`
	Name       string  `xml:"name,attr" json:"name"`
	Starred    string  `xml:"starred,attr,omitempty" json:"starred,omitempty"`
	UserRating int     `xml:"userRating,attr,omitempty" json:"userRating,omitempty"`
	PlayCount  int64   `xml:"playCount,attr,omitempty" json:"playCount,omitempty"`
	Child      []Child `xml:"child" json:"child"`
}

// AlbumList is getAlbumList's answer (albums as directory Children).
type AlbumList struct {
	Album []Child `xml:"album" json:"album"`
}

// AlbumList2 is getAlbumList2's answer.
type AlbumList2 struct {
	Album []AlbumID3 `xml:"album" json:"album"`
}

// Songs wraps getRandomSongs and getSongsByGenre.
type Songs struct {
	Song []Child `xml:"song" json:"song"`
}

// Genre is one genre with its counts (the name is the element's text in XML).
type Genre struct {
	Value      string `xml:",chardata" json:"value"`
	SongCount  int    `xml:"songCount,attr" json:"songCount"`
	AlbumCount int    `xml:"albumCount,attr" json:"albumCount"`
}

// Genres is getGenres' answer.
type Genres struct {
	Genre []Genre `xml:"genre" json:"genre"`
}

// SearchResult2 is search2's answer (folder-style entries).
type SearchResult2 struct {
	Artist []ArtistID3 `xml:"artist" json:"artist"`
	Album  []Child     `xml:"album" json:"album"`
	Song   []Child     `xml:"song" json:"song"`
}

// SearchResult3 is search3's answer.
type SearchResult3 struct {
	Artist []ArtistID3 `xml:"artist" json:"artist"`
	Album  []AlbumID3  `xml:"album" json:"album"`
	Song   []Child     `xml:"song" json:"song"`
}

// Starred is getStarred's answer.
type Starred struct {
	Artist []ArtistID3 `xml:"artist" json:"artist"`
	Album  []Child     `xml:"album" json:"album"`
	Song   []Child     `xml:"song" json:"song"`
}

// Starred2 is getStarred2's answer.
type Starred2 struct {
	Artist []ArtistID3 `xml:"artist" json:"artist"`
	Album  []AlbumID3  `xml:"album" json:"album"`
	Song   []Child     `xml:"song" json:"song"`
}

// NowPlayingEntry is a song someone is playing.
type NowPlayingEntry struct {
	Child
	Username   string `xml:"username,attr" json:"username"`
	MinutesAgo int    `xml:"minutesAgo,attr" json:"minutesAgo"`
	PlayerID   int    `xml:"playerId,attr" json:"playerId"`
	PlayerName string `xml:"playerName,attr,omitempty" json:"playerName,omitempty"`
}

// NowPlaying is getNowPlaying's answer.
type NowPlaying struct {
	Entry []NowPlayingEntry `xml:"entry" json:"entry"`
}

// Playlist is a playlist header; Entry is set by getPlaylist.
type Playlist struct {
	ID        string  `xml:"id,attr" json:"id"`
	Name      string  `xml:"name,attr" json:"name"`
	Comment   string  `xml:"comment,attr,omitempty" json:"comment,omitempty"`
	Owner     string  `xml:"owner,attr" json:"owner"`
	Public    bool    `xml:"public,attr" json:"public"`
	SongCount int     `xml:"songCount,attr" json:"songCount"`
	Duration  int     `xml:"duration,attr" json:"duration"`
	Created   string  `xml:"created,attr" json:"created"`
	Changed   string  `xml:"changed,attr" json:"changed"`
	CoverArt  string  `xml:"coverArt,attr,omitempty" json:"coverArt,omitempty"`
	Readonly  bool    `xml:"readonly,attr" json:"readonly"`
	Entry     []Child `xml:"entry,omitempty" json:"entry,omitempty"`
}

// Playlists is getPlaylists' answer.
type Playlists struct {
	Playlist []Playlist `xml:"playlist" json:"playlist"`
}

// Lyrics is getLyrics' answer (plain text; the text is the element's content in XML).
type Lyrics struct {
	Artist string `xml:"artist,attr,omitempty" json:"artist,omitempty"`
	Title  string `xml:"title,attr,omitempty" json:"title,omitempty"`
	Value  string `xml:",chardata" json:"value"`
}

// LyricLine is one line of structured lyrics; Start (ms) is set when synced.
type LyricLine struct {
	Start *int64 `xml:"start,attr,omitempty" json:"start,omitempty"`
	Value string `xml:",chardata" json:"value"`
}

// StructuredLyrics is one set of lyrics of a song (songLyrics extension).
type StructuredLyrics struct {
	Lang          string      `xml:"lang,attr" json:"lang"`
	Synced        bool        `xml:"synced,attr" json:"synced"`
	DisplayArtist string      `xml:"displayArtist,attr,omitempty" json:"displayArtist,omitempty"`
	DisplayTitle  string      `xml:"displayTitle,attr,omitempty" json:"displayTitle,omitempty"`
	Line          []LyricLine `xml:"line" json:"line"`
}

// LyricsList is getLyricsBySongId's answer.
type LyricsList struct {
	StructuredLyrics []StructuredLyrics `xml:"structuredLyrics" json:"structuredLyrics"`
}

// ArtistInfo2 is getArtistInfo2's answer: what the files hold, no internet lookups.
type ArtistInfo2 struct {
	Biography     string      `xml:"biography,omitempty" json:"biography,omitempty"`
	MusicBrainzID string      `xml:"musicBrainzId,omitempty" json:"musicBrainzId,omitempty"`
	SimilarArtist []ArtistID3 `xml:"similarArtist,omitempty" json:"similarArtist,omitempty"`
}

// AlbumInfo is getAlbumInfo2's answer.
type AlbumInfo struct {
	Notes         string `xml:"notes,omitempty" json:"notes,omitempty"`
	MusicBrainzID string `xml:"musicBrainzId,omitempty" json:"musicBrainzId,omitempty"`
}

// ScanStatus is getScanStatus' and startScan's answer.
type ScanStatus struct {
	Scanning    bool   `xml:"scanning,attr" json:"scanning"`
	Count       int64  `xml:"count,attr" json:"count"`
	FolderCount int    `xml:"folderCount,attr" json:"folderCount"`
	LastScan    string `xml:"lastScan,attr,omitempty" json:"lastScan,omitempty"`
}
