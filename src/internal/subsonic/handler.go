package subsonic

import (
	"context"
	"net/http"
	"strings"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/httpx"
	"segue/internal/library"
)

// Deps are what the Subsonic endpoint needs. Without a Library only the
// account methods answer.
type Deps struct {
	Auth          *Authenticator
	Users         *auth.Users
	ServerVersion string
	Library       *library.Library
	// Transcoder runs ffmpeg for stream's format/maxBitRate; nil serves files as they are.
	Transcoder *Transcoder
	Clock      clock.Clock
	Log        *logrus.Logger
}

// method answers one Subsonic call for an authenticated principal.
type method func(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error)

// Handler serves /rest/<method> and /rest/<method>.view.
type Handler struct {
	d       Deps
	enc     *encoder
	methods map[string]method
	// public methods answer without credentials (OpenSubsonic: clients probe
	// getOpenSubsonicExtensions before they know how to log in).
	public map[string]method
	// raw methods answer with bytes (audio, images).
	raw map[string]rawMethod
	// extensions are the OpenSubsonic extensions really supported.
	extensions []Extension
}

// NewHandler builds the endpoint.
func NewHandler(d Deps) *Handler {
	h := &Handler{d: d, enc: newEncoder(d.ServerVersion)}
	h.methods = map[string]method{
		"ping":       h.ping,
		"getLicense": h.getLicense,
		"getUser":    h.getUser,
		"tokenInfo":  h.tokenInfo,
	}
	h.public = map[string]method{"getOpenSubsonicExtensions": h.getOpenSubsonicExtensions}
	h.raw = map[string]rawMethod{}
	h.extensions = baseExtensions()
	if d.Library != nil {
		h.addLibraryMethods()
		h.extensions = append(h.extensions, Extension{Name: "songLyrics", Versions: []int{1}})
		if d.Transcoder != nil && d.Transcoder.ffmpeg != "" {
			// stream's timeOffset is honoured when transcoding.
			h.extensions = append(h.extensions, Extension{Name: "transcodeOffset", Versions: []int{1}})
		}
	}
	return h
}

// addLibraryMethods registers the browsing, search, user-data, playlist and media methods.
func (h *Handler) addLibraryMethods() {
	for name, m := range map[string]method{
		"getMusicFolders":   h.getMusicFolders,
		"getIndexes":        h.getIndexes,
		"getMusicDirectory": h.getMusicDirectory,
		"getArtists":        h.getArtists,
		"getArtist":         h.getArtist,
		"getAlbum":          h.getAlbum,
		"getSong":           h.getSong,
		"getGenres":         h.getGenres,
		"getArtistInfo2":    h.getArtistInfo2,
		"getAlbumInfo2":     h.getAlbumInfo2,
		"getAlbumList":      h.getAlbumList,
		"getAlbumList2":     h.getAlbumList2,
		"getRandomSongs":    h.getRandomSongs,
		"getSongsByGenre":   h.getSongsByGenre,
		"search2":           h.search2,
		"search3":           h.search3,
		"getStarred":        h.getStarred,
		"getStarred2":       h.getStarred2,
		"star":              h.star,
		"unstar":            h.unstar,
		"setRating":         h.setRating,
		"scrobble":          h.scrobble,
		"getNowPlaying":     h.getNowPlaying,
		"getPlaylists":      h.getPlaylists,
		"getPlaylist":       h.getPlaylist,
		"createPlaylist":    h.createPlaylist,
		"updatePlaylist":    h.updatePlaylist,
		"deletePlaylist":    h.deletePlaylist,
		"getLyrics":         h.getLyrics,
		"getLyricsBySongId": h.getLyricsBySongID,
		"getScanStatus":     h.getScanStatus,
		"startScan":         h.startScan,
	} {
		h.methods[name] = m
	}
	h.raw["stream"] = h.stream
	h.raw["download"] = h.download
	h.raw["getCoverArt"] = h.getCoverArt
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	params, perr := ParseParams(w, r)
	if perr != nil {
		h.enc.write(w, &params, h.enc.failure(perr))
		return
	}
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/rest/"), ".view")
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		h.enc.write(w, &params, h.enc.failure(errNotFound))
		return
	}
	if m, ok := h.public[name]; ok {
		h.answer(w, r.Context(), m, nil, &params)
		return
	}
	m, ok := h.methods[name]
	rm, isRaw := h.raw[name]
	if !ok && !isRaw {
		h.enc.write(w, &params, h.enc.failure(errNotFound))
		return
	}
	pr, aerr := h.d.Auth.Authenticate(r.Context(), &params, httpx.Peer(r))
	if aerr != nil {
		h.enc.write(w, &params, h.enc.failure(aerr))
		return
	}
	if isRaw {
		if err := rm(w, r, pr, &params); err != nil {
			h.enc.write(w, &params, h.enc.failure(err))
		}
		return
	}
	h.answer(w, r.Context(), m, pr, &params)
}

func (h *Handler) answer(w http.ResponseWriter, ctx context.Context, m method, pr *auth.Principal, params *Params) {
	resp, err := m(ctx, pr, params)
	if err != nil {
		resp = h.enc.failure(err)
	}
	h.enc.write(w, params, resp)
}
