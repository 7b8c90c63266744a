package subsonic

import (
	"net/http"
	"time"

	"segue/internal/library"
)

// ServeTrack sends an opened library track for a client outside the Subsonic API
// (Home Assistant speakers): format "" or "raw" sends the file itself (ranges, HEAD,
// Content-Length); "mp3" transcodes through ffmpeg from offset seconds as a sized
// stream (sized_stream.go: an exact Content-Length, and a Range resumes near the
// time it stands for) when the track's duration is known, else without a length.
// Transcodes share the limit with Subsonic's stream. It reports whether it
// transcoded (false also when ffmpeg is missing and the file was sent as it is).
func (t *Transcoder) ServeTrack(w http.ResponseWriter, r *http.Request, f *library.TrackFile, format string, offset int) (bool, error) {
	af := fileOf(f)
	req := streamRequest{Format: format, TimeOffset: offset, EstimateLength: false}
	if format == "" {
		req.Format = "raw"
	}
	if suffix, bitRate, ok := t.plan(af, req); ok {
		if suffix == "mp3" && sizedLength(af.Exact-time.Duration(offset)*time.Second, bitRate) > 0 {
			return true, t.transcodeSized(w, r, f.File, af, offset, bitRate)
		}
		return true, t.transcode(w, r, f.File, af, req, suffix, bitRate)
	}
	serveContent(w, r, f.File, af, "")
	return false, nil
}
