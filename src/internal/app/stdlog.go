package app

import (
	"log"
	"strings"

	"github.com/sirupsen/logrus"
)

// newStdLogger routes net/http's internal messages to logrus at debug level
// (TLS handshake noise and client resets are not operator news).
func newStdLogger(l *logrus.Logger) *log.Logger {
	return log.New(writerFunc(func(p []byte) (int, error) {
		l.Debug(strings.TrimSpace(string(p)))
		return len(p), nil
	}), "", 0)
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
