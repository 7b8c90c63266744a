package subsonic

import (
	"context"
	"strconv"

	"segue/internal/auth"
	"segue/internal/library"
)

// getPlaylists lists the caller's playlists and other users' public ones. The
// username parameter (admins reading another user's) is ignored, as navidrome does.
func (h *Handler) getPlaylists(ctx context.Context, p *auth.Principal, _ *Params) (*Response, *Error) {
	v := h.viewer(p)
	ps, err := collect(func(pg library.Page) ([]library.Playlist, error) {
		return h.d.Library.Playlists(ctx, v, library.PlaylistQuery{Page: pg})
	})
	if err != nil {
		return nil, fromDomain(err)
	}
	out := &Playlists{Playlist: make([]Playlist, 0, len(ps))}
	for _, pl := range ps {
		out.Playlist = append(out.Playlist, playlistOf(pl))
	}
	r := h.enc.envelope()
	r.Playlists = out
	return r, nil
}

// playlistResponse is a playlist with its entries, as getPlaylist and createPlaylist answer.
func (h *Handler) playlistResponse(ctx context.Context, v library.Viewer, id int64) (*Response, *Error) {
	pl, err := h.d.Library.Playlist(ctx, v, id)
	if err != nil {
		return nil, fromDomain(err)
	}
	tracks, err := collect(func(pg library.Page) ([]library.Track, error) {
		return h.d.Library.PlaylistTracks(ctx, v, id, pg)
	})
	if err != nil {
		return nil, fromDomain(err)
	}
	out := playlistOf(pl)
	out.Entry = songChildren(tracks)
	r := h.enc.envelope()
	r.Playlist = &out
	return r, nil
}

func (h *Handler) getPlaylist(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	n, perr := requiredID(params, "id", library.KindPlaylist)
	if perr != nil {
		return nil, perr
	}
	return h.playlistResponse(ctx, h.viewer(p), n)
}

// songIDs reads a repeated song id parameter.
func songIDs(params *Params, name string) ([]int64, *Error) {
	vs := params.list(name)
	out := make([]int64, 0, len(vs))
	for _, s := range vs {
		n, ok := parseKindID(s, library.KindTrack)
		if !ok {
			return nil, errNotFound
		}
		out = append(out, n)
	}
	return out, nil
}

// createPlaylist makes a playlist, or with playlistId replaces an owned one's songs.
func (h *Handler) createPlaylist(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	songs, perr := songIDs(params, "songId")
	if perr != nil {
		return nil, perr
	}
	v := h.viewer(p)
	if s := params.Values.Get("playlistId"); s != "" {
		id, ok := parseKindID(s, library.KindPlaylist)
		if !ok {
			return nil, errNotFound
		}
		if err := h.d.Library.ReplacePlaylistTracks(ctx, v, id, songs); err != nil {
			return nil, fromDomain(err)
		}
		if name := params.Values.Get("name"); name != "" {
			if err := h.d.Library.UpdatePlaylist(ctx, v, id, library.PlaylistUpdate{Name: &name}); err != nil {
				return nil, fromDomain(err)
			}
		}
		return h.playlistResponse(ctx, v, id)
	}
	name := params.Values.Get("name")
	if name == "" {
		return nil, errMissing("name")
	}
	pl, err := h.d.Library.CreatePlaylist(ctx, v, name, songs)
	if err != nil {
		return nil, fromDomain(err)
	}
	return h.playlistResponse(ctx, v, pl.ID)
}

func (h *Handler) updatePlaylist(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	id, perr := requiredID(params, "playlistId", library.KindPlaylist)
	if perr != nil {
		return nil, perr
	}
	var u library.PlaylistUpdate
	if params.has("name") {
		name := params.Values.Get("name")
		u.Name = &name
	}
	if params.has("comment") {
		c := params.Values.Get("comment")
		u.Comment = &c
	}
	if params.has("public") {
		pub := params.boolOr("public", false)
		u.Public = &pub
	}
	if u.Add, perr = songIDs(params, "songIdToAdd"); perr != nil {
		return nil, perr
	}
	for _, s := range params.list("songIndexToRemove") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n >= library.MaxPlaylistTracks {
			return nil, errNotFound
		}
		u.Remove = append(u.Remove, n)
	}
	if err := h.d.Library.UpdatePlaylist(ctx, h.viewer(p), id, u); err != nil {
		return nil, fromDomain(err)
	}
	return h.enc.ok, nil
}

func (h *Handler) deletePlaylist(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	id, perr := requiredID(params, "id", library.KindPlaylist)
	if perr != nil {
		return nil, perr
	}
	if err := h.d.Library.DeletePlaylist(ctx, h.viewer(p), id); err != nil {
		return nil, fromDomain(err)
	}
	return h.enc.ok, nil
}
