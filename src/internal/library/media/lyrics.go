package media

import (
	"strings"
	"time"
)

// parseLRC reads lyrics written in LRC form ("[01:02.50]line"); it returns nil
// when no line carries a time stamp, so plain lyrics stay plain.
func parseLRC(text string) []LyricLine {
	var out []LyricLine
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, "\r")
		var stamps []time.Duration
		for strings.HasPrefix(line, "[") {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				break
			}
			at, ok := lrcStamp(line[1:end])
			if !ok {
				break // a metadata tag such as [ar:…], or text in brackets
			}
			stamps = append(stamps, at)
			line = line[end+1:]
		}
		for _, at := range stamps {
			out = append(out, LyricLine{At: at, Text: strings.TrimSpace(line)})
		}
	}
	return out
}

// lrcStamp reads "mm:ss", "mm:ss.xx" or "mm:ss.xxx".
func lrcStamp(s string) (time.Duration, bool) {
	mm, rest, ok := strings.Cut(s, ":")
	if !ok || mm == "" || len(mm) > 3 || !digits(mm) {
		return 0, false
	}
	ss, frac, _ := strings.Cut(rest, ".")
	if len(ss) != 2 || !digits(ss) || len(frac) > 3 || !digits(frac) {
		return 0, false
	}
	d := time.Duration(atoi(mm))*time.Minute + time.Duration(atoi(ss))*time.Second
	if frac != "" {
		ms := atoi(frac)
		for i := len(frac); i < 3; i++ {
			ms *= 10
		}
		d += time.Duration(ms) * time.Millisecond
	}
	return d, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func msDuration(ms uint32) time.Duration { return time.Duration(ms) * time.Millisecond }
