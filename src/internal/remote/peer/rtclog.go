package peer

import (
	"github.com/pion/logging"
	"github.com/sirupsen/logrus"
)

// pionLogs routes pion's own logging into logrus at debug level. Remote peers can make
// pion log errors at will (a channel closed mid-handshake, a bad candidate), so these
// must not reach the default stderr logger or flood the info log; the gateway logs the
// outcomes that matter itself.
type pionLogs struct{ log logrus.FieldLogger }

func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{f.log.WithField("pion", scope)}
}

type pionLogger struct{ e *logrus.Entry }

func (l pionLogger) Trace(string)              {}
func (l pionLogger) Tracef(string, ...any)     {}
func (l pionLogger) Debug(string)              {}
func (l pionLogger) Debugf(string, ...any)     {}
func (l pionLogger) Info(string)               {}
func (l pionLogger) Infof(string, ...any)      {}
func (l pionLogger) Warn(msg string)           { l.e.Debug(msg) }
func (l pionLogger) Warnf(f string, a ...any)  { l.e.Debugf(f, a...) }
func (l pionLogger) Error(msg string)          { l.e.Debug(msg) }
func (l pionLogger) Errorf(f string, a ...any) { l.e.Debugf(f, a...) }
