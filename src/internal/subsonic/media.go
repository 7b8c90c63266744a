package subsonic

import (
	"context"
	"net/http"
	"path"

	"segue/internal/auth"
	"segue/internal/library"
)

// rawMethod answers with bytes (audio, images) instead of an envelope; errors
// are still Subsonic envelopes.
type rawMethod func(w http.ResponseWriter, r *http.Request, p *auth.Principal, params *Params) *Error

// openTrack opens a song the caller may read. Only song ids stream: an album or
// playlist id, whoever owns it, is not found.
func (h *Handler) openTrack(ctx context.Context, p *auth.Principal, params *Params) (*library.TrackFile, *Error) {
	n, perr := requiredID(params, "id", library.KindTrack)
	if perr != nil {
		return nil, perr
	}
	f, err := h.d.Library.OpenTrack(ctx, h.viewer(p), n)
	if err != nil {
		return nil, fromDomain(err)
	}
	return f, nil
}

func fileOf(f *library.TrackFile) audioFile {
	t := f.Track
	suffix := t.Audio.Format
	if suffix == "" {
		suffix = path.Ext(t.Path)
	}
	return audioFile{Size: f.Info.Size(), ModTime: f.Info.ModTime(), Suffix: suffix, ContentType: t.Audio.ContentType,
		Duration: int(t.Duration.Seconds()), Exact: t.Duration, BitRate: t.Audio.BitRate}
}

// stream sends a song as it is (with ranges) or transcoded through ffmpeg.
func (h *Handler) stream(w http.ResponseWriter, r *http.Request, p *auth.Principal, params *Params) *Error {
	f, perr := h.openTrack(r.Context(), p, params)
	if perr != nil {
		return perr
	}
	defer f.Close()
	af := fileOf(f)
	req := streamRequest{Format: params.Values.Get("format"), MaxBitRate: params.intOr("maxBitRate", 0, 0, 10_000),
		TimeOffset: params.intOr("timeOffset", 0, 0, 1<<20), EstimateLength: params.boolOr("estimateContentLength", false)}
	if suffix, bitRate, ok := h.d.Transcoder.plan(af, req); ok {
		if err := h.d.Transcoder.transcode(w, r, f.File, af, req, suffix, bitRate); err != nil {
			h.d.Log.WithError(err).Debug("subsonic: transcode ended early")
		}
		return nil
	}
	serveContent(w, r, f.File, af, "")
	return nil
}

// download sends the file as it is, as an attachment.
func (h *Handler) download(w http.ResponseWriter, r *http.Request, p *auth.Principal, params *Params) *Error {
	f, perr := h.openTrack(r.Context(), p, params)
	if perr != nil {
		return perr
	}
	defer f.Close()
	serveContent(w, r, f.File, fileOf(f), path.Base(f.Track.Path))
	return nil
}
