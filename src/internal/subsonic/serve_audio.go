package subsonic

import (
	"net/http"

	"segue/internal/library"
)

// ServeTrack sends an opened library track for a client outside the Subsonic API
// (Home Assistant speakers): format "" or "raw" sends the file itself (ranges, HEAD,
// Content-Length); a format suffix ("mp3") transcodes through ffmpeg from offset
// seconds, without a Content-Length (an estimate that misses the real length by a
// byte breaks the response; MA sends none either), sharing the transcode limit with
// Subsonic's stream. It reports whether it transcoded (false also when ffmpeg is
// missing and the file was sent as it is).
func (t *Transcoder) ServeTrack(w http.ResponseWriter, r *http.Request, f *library.TrackFile, format string, offset int) (bool, error) {
	af := fileOf(f)
	req := streamRequest{Format: format, TimeOffset: offset, EstimateLength: false}
	if format == "" {
		req.Format = "raw"
	}
	if suffix, bitRate, ok := t.plan(af, req); ok {
		return true, t.transcode(w, r, f.File, af, req, suffix, bitRate)
	}
	serveContent(w, r, f.File, af, "")
	return false, nil
}
