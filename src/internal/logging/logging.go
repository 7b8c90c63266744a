// Package logging builds the logrus logger with a hook that redacts secrets.
package logging

import (
	"io"
	"regexp"
	"strings"

	"github.com/sirupsen/logrus"
)

// New makes a logger writing text lines to out at level.
func New(out io.Writer, level string) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(out)
	l.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, DisableColors: true})
	if level == "warning" || level == "warn" {
		level = "warning"
	}
	if lv, err := logrus.ParseLevel(level); err == nil {
		l.SetLevel(lv)
	}
	l.AddHook(Redactor{})
	return l
}

var (
	// JWTs (three base64url segments starting with a JSON header) anywhere in text.
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+`)
	// Authorization values.
	bearerPattern = regexp.MustCompile(`(?i)(bearer|basic)\s+[^\s"',;]+`)
	// Secret query or form parameters: Subsonic p/t/s, apiKey, tokens, codes, passwords.
	paramPattern = regexp.MustCompile(`(?i)((?:^|[?&;\s"])(?:p|t|s|apikey|token|access_token|refresh_token|code|jwt|password|client_secret|device_code)=)[^&\s"'#]*`)
	// JSON fields holding secrets.
	jsonPattern = regexp.MustCompile(`(?i)("(?:password|token|access_token|refresh_token|client_secret|apikey|authorization|code|current_password)"\s*:\s*")[^"]*`)
)

var secretFields = map[string]bool{"password": true, "token": true, "access_token": true, "refresh_token": true,
	"authorization": true, "client_secret": true, "apikey": true, "p": true, "t": true, "s": true, "jwt": true, "code": true}

// Redact removes secrets from a string.
func Redact(s string) string {
	s = jwtPattern.ReplaceAllString(s, "[REDACTED]")
	s = bearerPattern.ReplaceAllString(s, "$1 [REDACTED]")
	s = paramPattern.ReplaceAllString(s, "${1}[REDACTED]")
	s = jsonPattern.ReplaceAllString(s, "${1}[REDACTED]")
	return s
}

// Redactor is a logrus hook that scrubs the message and every string field.
type Redactor struct{}

func (Redactor) Levels() []logrus.Level { return logrus.AllLevels }

func (Redactor) Fire(e *logrus.Entry) error {
	e.Message = Redact(e.Message)
	for k, v := range e.Data {
		if secretFields[strings.ToLower(k)] {
			e.Data[k] = "[REDACTED]"
			continue
		}
		switch x := v.(type) {
		case string:
			e.Data[k] = Redact(x)
		case error:
			e.Data[k] = Redact(x.Error())
		}
	}
	return nil
}
