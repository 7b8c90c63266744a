package subsonic

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// audioFile is what streaming needs to know about a track the library opened.
type audioFile struct {
	Size        int64
	ModTime     time.Time
	Suffix      string
	ContentType string
	Duration    int           // seconds
	Exact       time.Duration // the duration as probed (Duration rounds it down)
	BitRate     int           // kbit/s
}

// streamRequest are the stream parameters that change the bytes sent.
type streamRequest struct {
	Format         string // "", "raw" or a target suffix
	MaxBitRate     int    // kbit/s; 0 = no limit
	TimeOffset     int    // seconds (transcoded streams only)
	EstimateLength bool
}

// outputFormat is one output format ffmpeg can produce.
type outputFormat struct {
	codec, container, contentType string
	defaultBitRate                int
}

// outputFormats are the formats a client may ask for. The keys are the suffixes
// clients send in format=.
var outputFormats = map[string]outputFormat{
	"mp3":  {"libmp3lame", "mp3", "audio/mpeg", 192},
	"opus": {"libopus", "ogg", "audio/ogg", 128},
	"ogg":  {"libvorbis", "ogg", "audio/ogg", 160},
	"oga":  {"libvorbis", "ogg", "audio/ogg", 160},
	"aac":  {"aac", "adts", "audio/aac", 192},
}

// defaultDownsampleFormat is used when a client only sends maxBitRate (as navidrome does).
const defaultDownsampleFormat = "opus"

// Transcoder serves files as they are or through an ffmpeg subprocess, at
// most cap(slots) transcodes at a time.
type Transcoder struct {
	ffmpeg string // empty: ffmpeg is not installed, files are served as they are
	slots  chan struct{}
}

// NewTranscoder takes the ffmpeg binary (empty when not installed) and the
// number of concurrent transcodes (at least 1).
func NewTranscoder(ffmpeg string, limit int) *Transcoder {
	if limit < 1 {
		limit = 1
	}
	return &Transcoder{ffmpeg: ffmpeg, slots: make(chan struct{}, limit)}
}

// plan decides whether f is transcoded for req: the target suffix and bit rate, or ok=false to send the file.
func (t *Transcoder) plan(f audioFile, req streamRequest) (suffix string, bitRate int, ok bool) {
	if t == nil || t.ffmpeg == "" || req.Format == "raw" {
		return "", 0, false
	}
	suffix = req.Format
	if suffix == "" {
		if req.MaxBitRate == 0 || f.BitRate == 0 || req.MaxBitRate >= f.BitRate {
			return "", 0, false
		}
		suffix = defaultDownsampleFormat
	}
	tg, known := outputFormats[suffix]
	if !known {
		return "", 0, false // as navidrome: an unknown format is served raw
	}
	if suffix == f.Suffix && (req.MaxBitRate == 0 || (f.BitRate > 0 && req.MaxBitRate >= f.BitRate)) {
		return "", 0, false
	}
	bitRate = tg.defaultBitRate
	if req.MaxBitRate > 0 && req.MaxBitRate < bitRate {
		bitRate = req.MaxBitRate
	}
	return suffix, bitRate, true
}

// serveContent sends the file itself with ranges and conditional requests;
// a non-empty attachment name makes it a download.
func serveContent(w http.ResponseWriter, r *http.Request, content io.ReadSeeker, f audioFile, attachment string) {
	h := w.Header()
	if f.ContentType != "" {
		h.Set("Content-Type", f.ContentType)
	}
	if attachment != "" {
		h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape(attachment))
	}
	http.ServeContent(w, r, "", f.ModTime, content)
}

// transcode pipes ffmpeg's output to w. The process dies with the request:
// its context is the request's, cancelled when the client goes.
// The source is the file the library opened beneath its folder, handed to
// ffmpeg as descriptor 3: ffmpeg never resolves a library path itself, and
// /dev/fd/3 stays seekable (M4A files keep their index at the end).
func (t *Transcoder) transcode(w http.ResponseWriter, r *http.Request, src *os.File, f audioFile, req streamRequest, suffix string, bitRate int) error {
	select {
	case t.slots <- struct{}{}:
	case <-r.Context().Done():
		return r.Context().Err()
	}
	defer func() { <-t.slots }()
	tg := outputFormats[suffix]
	h := w.Header()
	h.Set("Content-Type", tg.contentType)
	h.Set("Accept-Ranges", "none")
	if req.EstimateLength && f.Duration > 0 {
		h.Set("Content-Length", strconv.FormatInt(estimateLength(f.Duration-req.TimeOffset, bitRate), 10))
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return nil
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	cmd, out, err := t.start(ctx, src, ffmpegArgs(tg, bitRate, req.TimeOffset))
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	_, copyErr := io.Copy(w, out)
	if copyErr != nil {
		cancel() // the client went: stop ffmpeg now
	}
	waitErr := cmd.Wait()
	if copyErr != nil {
		return copyErr
	}
	return waitErr
}

// start runs ffmpeg with src as descriptor 3 until ctx ends; out is its standard output.
func (t *Transcoder) start(ctx context.Context, src *os.File, args []string) (*exec.Cmd, io.Reader, error) {
	cmd := exec.CommandContext(ctx, t.ffmpeg, args...)
	cmd.ExtraFiles = []*os.File{src}
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	return cmd, out, nil
}

func ffmpegArgs(tg outputFormat, bitRate, offset int) []string {
	args := []string{"-hide_banner", "-loglevel", "error"}
	if offset > 0 {
		args = append(args, "-ss", strconv.Itoa(offset))
	}
	args = append(args, "-nostdin", "-i", "file:/dev/fd/3", "-map", "0:a:0", "-vn", "-map_metadata", "-1",
		"-c:a", tg.codec, "-b:a", strconv.Itoa(bitRate)+"k", "-f", tg.container, "pipe:1")
	return args
}

// estimateLength is the byte count of duration seconds at bitRate kbit/s.
func estimateLength(duration, bitRate int) int64 {
	if duration < 0 {
		duration = 0
	}
	return int64(duration) * int64(bitRate) * 1000 / 8
}

// urlPathEscape escapes a file name for an RFC 5987 filename* parameter.
func urlPathEscape(name string) string {
	const hex = "0123456789ABCDEF"
	out := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			out = append(out, c)
			continue
		}
		out = append(out, '%', hex[c>>4], hex[c&15])
	}
	return string(out)
}
