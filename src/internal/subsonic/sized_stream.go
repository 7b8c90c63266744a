package subsonic

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// A sized stream is a constant-bit-rate MP3 whose length is known before ffmpeg
// starts: the track's duration at the bit rate. Speakers that need a Content-Length
// get one, and a speaker that reconnects with Range: bytes=N- (after a pause, a
// dropped connection) gets the stream from N as 206: ffmpeg starts at the time N
// stands for, N / (bit rate / 8) seconds in. The bytes are not the ones the first
// response carried at N (a new encoder run starts on a frame boundary), which MP3
// decoders take as they take any resync. Without ID3 tag and Xing frame every byte
// is audio, so byte N is exactly that time; the body is silence-padded or cut to the
// advertised length so it is never a byte off.

// sizedExtra is how much longer than needed ffmpeg is asked to run, so that the cut
// to the exact length, not the encoder's frame rounding, ends the body.
const sizedExtra = 0.2 // seconds

// byteRange is one satisfiable range of a sized stream: first and last byte.
type byteRange struct{ first, last int64 }

// errUnsatisfiable is a range that starts at or after the end.
var errUnsatisfiable = errors.New("range not satisfiable")

// rangeHeaderMax bounds the Range header read: one range of two 19-digit numbers.
const rangeHeaderMax = 64

// parseByteRange reads a Range header against a stream of length bytes. It takes one
// range (bytes=N-, bytes=N-M, bytes=-K); anything else, several ranges included,
// gives ok=false and the whole stream is sent (RFC 9110 lets a server ignore Range).
func parseByteRange(header string, length int64) (r byteRange, ok bool, err error) {
	spec, found := strings.CutPrefix(header, "bytes=")
	if !found || len(header) > rangeHeaderMax || strings.Contains(spec, ",") {
		return r, false, nil
	}
	from, to, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return r, false, nil
	}
	number := func(s string) (int64, bool) {
		if s == "" || len(s) > 19 || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	if from == "" { // the last K bytes
		k, valid := number(to)
		if !valid {
			return r, false, nil
		}
		if k == 0 {
			return r, false, errUnsatisfiable
		}
		return byteRange{max(length-k, 0), length - 1}, true, nil
	}
	first, valid := number(from)
	if !valid {
		return r, false, nil
	}
	last := length - 1
	if to != "" {
		if last, valid = number(to); !valid || last < first {
			return r, false, nil
		}
		last = min(last, length-1)
	}
	if first >= length {
		return r, false, errUnsatisfiable
	}
	return byteRange{first, last}, true, nil
}

// sizedLength is the byte length of d at bitRate kbit/s.
func sizedLength(d time.Duration, bitRate int) int64 {
	return int64(d.Seconds() * float64(bitRate) * 1000 / 8)
}

// transcodeSized sends a sized MP3 stream of f from offset seconds, answering a
// Range as described above.
func (t *Transcoder) transcodeSized(w http.ResponseWriter, r *http.Request, src *os.File, f audioFile, offset int, bitRate int) error {
	tg := outputFormats["mp3"]
	rest := f.Exact - time.Duration(offset)*time.Second
	length := sizedLength(rest, bitRate)
	h := w.Header()
	h.Set("Content-Type", tg.contentType)
	h.Set("Accept-Ranges", "bytes")
	part, partial, err := parseByteRange(r.Header.Get("Range"), length)
	if err != nil {
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(length, 10))
		http.Error(w, "Range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
		return nil
	}
	status := http.StatusOK
	if !partial {
		part = byteRange{0, length - 1}
	} else {
		status = http.StatusPartialContent
		h.Set("Content-Range", "bytes "+strconv.FormatInt(part.first, 10)+"-"+strconv.FormatInt(part.last, 10)+"/"+strconv.FormatInt(length, 10))
	}
	send := part.last - part.first + 1
	h.Set("Content-Length", strconv.FormatInt(send, 10))
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return nil
	}
	select {
	case t.slots <- struct{}{}:
	case <-r.Context().Done():
		return r.Context().Err()
	}
	defer func() { <-t.slots }()
	bytesPerSecond := float64(bitRate) * 1000 / 8
	start := float64(offset) + float64(part.first)/bytesPerSecond
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	cmd, out, err := t.start(ctx, src, sizedArgs(tg, bitRate, start, float64(send)/bytesPerSecond+sizedExtra))
	if err != nil {
		return err
	}
	w.WriteHeader(status)
	n, copyErr := io.CopyN(w, out, send)
	if errors.Is(copyErr, io.EOF) { // ffmpeg ended early: the rest is zeros, which decoders skip
		_, copyErr = io.CopyN(w, zeros{}, send-n)
	}
	cancel() // the advertised length is sent (or the client went): ffmpeg is done either way
	waitErr := cmd.Wait()
	if copyErr != nil {
		return copyErr
	}
	if waitErr != nil && ctx.Err() == nil {
		return waitErr
	}
	return nil
}

// sizedArgs runs ffmpeg from start seconds for seconds of audio (silence after the
// end of the file), as CBR MP3 without ID3 tag or Xing frame, each frame written as
// it is encoded (without a header the first byte otherwise waits for a full output
// buffer: BenchmarkPlayMediaFirstByte/mp3 went from ~1.7× to ~1× the unsized stream's
// first byte in the same run).
func sizedArgs(tg outputFormat, bitRate int, start, seconds float64) []string {
	args := []string{"-hide_banner", "-loglevel", "error"}
	if start > 0 {
		args = append(args, "-ss", strconv.FormatFloat(start, 'f', 3, 64))
	}
	return append(args, "-nostdin", "-i", "file:/dev/fd/3", "-map", "0:a:0", "-vn", "-map_metadata", "-1",
		"-af", "apad", "-t", strconv.FormatFloat(seconds, 'f', 3, 64),
		"-c:a", tg.codec, "-b:a", strconv.Itoa(bitRate)+"k", "-id3v2_version", "0", "-write_xing", "0", "-flush_packets", "1", "-f", tg.container, "pipe:1")
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
