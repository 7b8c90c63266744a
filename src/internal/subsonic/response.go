package subsonic

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
)

// APIVersion is the Subsonic API version this server speaks.
const APIVersion = "1.16.1"

// ServerType is the OpenSubsonic "type" of this server.
const ServerType = "segue"

const xmlns = "http://subsonic.org/restapi"

// Response is the subsonic-response envelope; one payload field is set.
type Response struct {
	XMLName       xml.Name `xml:"subsonic-response" json:"-"`
	Xmlns         string   `xml:"xmlns,attr" json:"-"`
	Status        string   `xml:"status,attr" json:"status"`
	Version       string   `xml:"version,attr" json:"version"`
	Type          string   `xml:"type,attr" json:"type"`
	ServerVersion string   `xml:"serverVersion,attr" json:"serverVersion"`
	OpenSubsonic  bool     `xml:"openSubsonic,attr" json:"openSubsonic"`

	Error      *Error      `xml:"error,omitempty" json:"error,omitempty"`
	License    *License    `xml:"license,omitempty" json:"license,omitempty"`
	User       *User       `xml:"user,omitempty" json:"user,omitempty"`
	Extensions []Extension `xml:"openSubsonicExtensions,omitempty" json:"openSubsonicExtensions,omitempty"`
	TokenInfo  *TokenInfo  `xml:"tokenInfo,omitempty" json:"tokenInfo,omitempty"`

	MusicFolders  *MusicFolders  `xml:"musicFolders,omitempty" json:"musicFolders,omitempty"`
	Indexes       *Indexes       `xml:"indexes,omitempty" json:"indexes,omitempty"`
	Directory     *Directory     `xml:"directory,omitempty" json:"directory,omitempty"`
	Artists       *ArtistsID3    `xml:"artists,omitempty" json:"artists,omitempty"`
	Artist        *ArtistID3     `xml:"artist,omitempty" json:"artist,omitempty"`
	Album         *AlbumID3      `xml:"album,omitempty" json:"album,omitempty"`
	Song          *Child         `xml:"song,omitempty" json:"song,omitempty"`
	AlbumList     *AlbumList     `xml:"albumList,omitempty" json:"albumList,omitempty"`
	AlbumList2    *AlbumList2    `xml:"albumList2,omitempty" json:"albumList2,omitempty"`
	RandomSongs   *Songs         `xml:"randomSongs,omitempty" json:"randomSongs,omitempty"`
	SongsByGenre  *Songs         `xml:"songsByGenre,omitempty" json:"songsByGenre,omitempty"`
	Genres        *Genres        `xml:"genres,omitempty" json:"genres,omitempty"`
	SearchResult2 *SearchResult2 `xml:"searchResult2,omitempty" json:"searchResult2,omitempty"`
	SearchResult3 *SearchResult3 `xml:"searchResult3,omitempty" json:"searchResult3,omitempty"`
	Starred       *Starred       `xml:"starred,omitempty" json:"starred,omitempty"`
	Starred2      *Starred2      `xml:"starred2,omitempty" json:"starred2,omitempty"`
	NowPlaying    *NowPlaying    `xml:"nowPlaying,omitempty" json:"nowPlaying,omitempty"`
	Playlists     *Playlists     `xml:"playlists,omitempty" json:"playlists,omitempty"`
	Playlist      *Playlist      `xml:"playlist,omitempty" json:"playlist,omitempty"`
	Lyrics        *Lyrics        `xml:"lyrics,omitempty" json:"lyrics,omitempty"`
	LyricsList    *LyricsList    `xml:"lyricsList,omitempty" json:"lyricsList,omitempty"`
	ArtistInfo2   *ArtistInfo2   `xml:"artistInfo2,omitempty" json:"artistInfo2,omitempty"`
	AlbumInfo     *AlbumInfo     `xml:"albumInfo,omitempty" json:"albumInfo,omitempty"`
	ScanStatus    *ScanStatus    `xml:"scanStatus,omitempty" json:"scanStatus,omitempty"`
}

// License is getLicense's answer: always valid (there is no licence to buy).
type License struct {
	Valid bool `xml:"valid,attr" json:"valid"`
}

// User is getUser's answer: Subsonic roles derived from the user's scopes.
type User struct {
	Username            string `xml:"username,attr" json:"username"`
	Email               string `xml:"email,attr,omitempty" json:"email,omitempty"`
	ScrobblingEnabled   bool   `xml:"scrobblingEnabled,attr" json:"scrobblingEnabled"`
	AdminRole           bool   `xml:"adminRole,attr" json:"adminRole"`
	SettingsRole        bool   `xml:"settingsRole,attr" json:"settingsRole"`
	DownloadRole        bool   `xml:"downloadRole,attr" json:"downloadRole"`
	UploadRole          bool   `xml:"uploadRole,attr" json:"uploadRole"`
	PlaylistRole        bool   `xml:"playlistRole,attr" json:"playlistRole"`
	CoverArtRole        bool   `xml:"coverArtRole,attr" json:"coverArtRole"`
	CommentRole         bool   `xml:"commentRole,attr" json:"commentRole"`
	PodcastRole         bool   `xml:"podcastRole,attr" json:"podcastRole"`
	StreamRole          bool   `xml:"streamRole,attr" json:"streamRole"`
	JukeboxRole         bool   `xml:"jukeboxRole,attr" json:"jukeboxRole"`
	ShareRole           bool   `xml:"shareRole,attr" json:"shareRole"`
	VideoConversionRole bool   `xml:"videoConversionRole,attr" json:"videoConversionRole"`
	Folder              []int  `xml:"folder" json:"folder"`
}

// Extension is one OpenSubsonic extension this server implements.
type Extension struct {
	Name     string `xml:"name,attr" json:"name"`
	Versions []int  `xml:"versions" json:"versions"`
}

// TokenInfo is tokenInfo's answer (apiKeyAuthentication extension).
type TokenInfo struct {
	Username string `xml:"username,attr" json:"username"`
}

// baseExtensions are supported by the edge itself; library ones are added
// when a library is wired (see NewHandler).
func baseExtensions() []Extension {
	return []Extension{{Name: "apiKeyAuthentication", Versions: []int{1}}, {Name: "formPost", Versions: []int{1}}}
}

// encoder renders envelopes for one server version.
type encoder struct {
	serverVersion string
	// pingXML and pingJSON are the constant successful empty answers (ping and
	// every payload-less success), rendered once: the hot path only writes bytes.
	pingXML, pingJSON []byte
	// ok is the shared payload-less success; write sends the bytes above for it.
	// Nothing may modify it.
	ok *Response
}

func newEncoder(serverVersion string) *encoder {
	e := &encoder{serverVersion: serverVersion}
	e.ok = e.envelope()
	e.pingXML, _ = e.render(formatXML, e.envelope())
	e.pingJSON, _ = e.render(formatJSON, e.envelope())
	return e
}

func (e *encoder) envelope() *Response {
	return &Response{Xmlns: xmlns, Status: "ok", Version: APIVersion, Type: ServerType,
		ServerVersion: e.serverVersion, OpenSubsonic: true}
}

func (e *encoder) failure(err *Error) *Response {
	r := e.envelope()
	r.Status, r.Error = "failed", err
	return r
}

func (e *encoder) render(format string, r *Response) ([]byte, error) {
	if format == formatXML {
		b, err := xml.Marshal(r)
		if err != nil {
			return nil, err
		}
		return append([]byte(xml.Header), b...), nil
	}
	return json.Marshal(struct {
		R *Response `json:"subsonic-response"`
	}{r})
}

var contentTypes = map[string]string{
	formatXML:   "text/xml; charset=utf-8",
	formatJSON:  "application/json",
	formatJSONP: "application/javascript; charset=utf-8",
}

// write sends r in the requested format, always with HTTP 200.
func (e *encoder) write(w http.ResponseWriter, p *Params, r *Response) {
	var body []byte
	if r == e.ok {
		if p.Format == formatXML {
			body = e.pingXML
		} else {
			body = e.pingJSON
		}
	} else {
		var err error
		body, err = e.render(p.Format, r)
		if err != nil {
			body, _ = e.render(p.Format, e.failure(&Error{Code: 0, Message: "Internal server error"}))
		}
	}
	if p.Format == formatJSONP {
		var buf bytes.Buffer
		buf.Grow(len(p.Callback) + len(body) + 3)
		buf.WriteString(p.Callback)
		buf.WriteByte('(')
		buf.Write(body)
		buf.WriteString(");")
		body = buf.Bytes()
	}
	h := w.Header()
	h["Content-Type"] = []string{contentTypes[p.Format]}
	h["Cache-Control"] = []string{"no-store"}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
