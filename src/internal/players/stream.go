package players

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/httpx"
	"segue/internal/library"
)

// StreamPath is where speakers fetch audio: /speaker/<capability>.<ext>. The route
// serves nothing else and needs no cookie or header: the capability is the key.
const StreamPath = "/speaker/"

// AudioServer sends an opened track as it is (format "") or transcoded; it is the
// Subsonic stream's transcoder, so both share ffmpeg and its limit.
type AudioServer interface {
	ServeTrack(w http.ResponseWriter, r *http.Request, f *library.TrackFile, format string, offset int) (bool, error)
}

// TrackOpener opens a library track for streaming (library.Library.OpenTrack).
type TrackOpener func(ctx context.Context, v library.Viewer, id int64) (*library.TrackFile, error)

// streamServer answers speakers' requests.
type streamServer struct {
	keys     *streamKeys
	clock    clock.Clock
	throttle *auth.Throttle
	open     TrackOpener
	audio    AudioServer
	log      logrus.FieldLogger
}

// WithoutStreams is h without the stream route, for remote access's HTTP proxy:
// speakers fetch on the LAN, so a stream URL (which HA's history shows to every HA
// user) is of no use from outside and is not served there.
func WithoutStreams(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, StreamPath) {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// extension is the file name ending a stream URL carries (renderers sniff it).
func extension(format, suffix string) string {
	if format == formatMP3 {
		return "mp3"
	}
	if suffix = strings.ToLower(strings.TrimPrefix(suffix, ".")); suffix != "" && len(suffix) <= 8 {
		return suffix
	}
	return "bin"
}

func (s *streamServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	name := strings.TrimPrefix(r.URL.Path, StreamPath)
	token, ext, _ := strings.Cut(name, ".")
	c, err := s.keys.verify(token, s.clock.Now())
	switch {
	case errors.Is(err, errForged):
		// Only a token no key of ours signed counts: speakers retry, probe with HEAD
		// and come back after long pauses with URLs that merely expired.
		attempt, wait := s.throttle.Begin(auth.PeerKey("stream:" + httpx.Peer(r)))
		if attempt == nil {
			httpx.SetRetryAfter(w, wait)
			http.Error(w, "Too many invalid stream URLs", http.StatusTooManyRequests)
			return
		}
		attempt.Fail()
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	case err != nil:
		if !errors.Is(err, errExpired) && !errors.Is(err, errRotated) {
			s.log.WithError(err).Error("stream key unavailable")
		}
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	if ext != c.Ext {
		http.Error(w, "Forbidden", http.StatusForbidden) // a capability opens one URL, not its siblings
		return
	}
	f, err := s.open(r.Context(), library.Viewer{}, c.TrackID)
	if err != nil {
		status, _ := fail.HTTPStatus(err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	defer f.Close()
	h.Set("transferMode.dlna.org", "Streaming")
	h.Set("contentFeatures.dlna.org", "DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000")
	format := c.Format
	if format != formatMP3 {
		format = ""
	}
	if _, err := s.audio.ServeTrack(w, r, f, format, c.Offset); err != nil && r.Context().Err() == nil {
		s.log.WithError(err).WithField("player", c.Player).Debug("players: stream ended early")
	}
}
