package subsonic

import (
	"context"

	"segue/internal/auth"
	"segue/internal/library"
)

// starTargets groups the id, albumId and artistId values of star/unstar by kind.
func starTargets(params *Params) (map[library.Kind][]int64, *Error) {
	out := map[library.Kind][]int64{}
	n := 0
	add := func(name string, only library.Kind) *Error {
		for _, s := range params.list(name) {
			kind, id, ok := parseItemID(s)
			if only != 0 {
				id, ok = parseKindID(s, only)
				if !ok {
					// albumId/artistId may be bare numbers from older clients.
					id, ok = positiveID(s)
				}
				kind = only
			}
			if !ok || kind == library.KindPlaylist {
				return errNotFound
			}
			out[kind] = append(out[kind], id)
			n++
		}
		return nil
	}
	if e := add("id", 0); e != nil {
		return nil, e
	}
	if e := add("albumId", library.KindAlbum); e != nil {
		return nil, e
	}
	if e := add("artistId", library.KindArtist); e != nil {
		return nil, e
	}
	if n == 0 {
		return nil, errMissing("id")
	}
	return out, nil
}

func (h *Handler) starOrUnstar(ctx context.Context, p *auth.Principal, params *Params, star bool) (*Response, *Error) {
	targets, perr := starTargets(params)
	if perr != nil {
		return nil, perr
	}
	v := h.viewer(p)
	for _, kind := range []library.Kind{library.KindArtist, library.KindAlbum, library.KindTrack} {
		ids := targets[kind]
		if len(ids) == 0 {
			continue
		}
		var err error
		if star {
			err = h.d.Library.Star(ctx, v, kind, ids...)
		} else {
			err = h.d.Library.Unstar(ctx, v, kind, ids...)
		}
		if err != nil {
			return nil, fromDomain(err)
		}
	}
	return h.enc.ok, nil
}

func (h *Handler) star(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	return h.starOrUnstar(ctx, p, params, true)
}

func (h *Handler) unstar(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	return h.starOrUnstar(ctx, p, params, false)
}

func (h *Handler) setRating(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	id := params.Values.Get("id")
	if id == "" {
		return nil, errMissing("id")
	}
	if !params.has("rating") {
		return nil, errMissing("rating")
	}
	kind, n, ok := parseItemID(id)
	if !ok || kind == library.KindPlaylist {
		return nil, errNotFound
	}
	rating := params.intOr("rating", -1, -1, 6)
	if rating < 0 || rating > 5 {
		return nil, errMissing("rating")
	}
	if err := h.d.Library.SetRating(ctx, h.viewer(p), kind, n, rating); err != nil {
		return nil, fromDomain(err)
	}
	return h.enc.ok, nil
}

// scrobble records plays (submission, the default) or what is playing now.
func (h *Handler) scrobble(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	ids := params.list("id")
	if len(ids) == 0 {
		return nil, errMissing("id")
	}
	submission := params.boolOr("submission", true)
	times := params.list("time")
	v := h.viewer(p)
	for i, s := range ids {
		n, ok := parseKindID(s, library.KindTrack)
		if !ok {
			return nil, errNotFound
		}
		at := h.d.Clock.Now()
		if i < len(times) {
			one := Params{Values: map[string][]string{"time": {times[i]}}}
			if t := one.timeMillis("time"); !t.IsZero() {
				at = t
			}
		}
		if err := h.d.Library.Scrobble(ctx, v, n, at, submission, params.Client); err != nil {
			return nil, fromDomain(err)
		}
	}
	return h.enc.ok, nil
}

func (h *Handler) getNowPlaying(ctx context.Context, p *auth.Principal, _ *Params) (*Response, *Error) {
	list, err := h.d.Library.NowPlaying(ctx, h.viewer(p))
	if err != nil {
		return nil, fromDomain(err)
	}
	now := h.d.Clock.Now()
	out := &NowPlaying{Entry: make([]NowPlayingEntry, 0, len(list))}
	for i, np := range list {
		out.Entry = append(out.Entry, NowPlayingEntry{Child: songChild(np.Track), Username: np.Username,
			MinutesAgo: int(now.Sub(np.Since).Minutes()), PlayerID: i + 1, PlayerName: np.Player})
	}
	r := h.enc.envelope()
	r.NowPlaying = out
	return r, nil
}
