package hass

import (
	"context"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock"
)

// DefaultCloudPollInterval is how often cloud/status is re-read; HA has no push for it.
const DefaultCloudPollInterval = 5 * time.Minute

// CoreConnection is what the cloud watcher needs: calls, and news of every reconnect.
type CoreConnection interface {
	Caller
	Connections() (<-chan uint64, func())
}

// CloudWatcherOptions configures a CloudWatcher.
type CloudWatcherOptions struct {
	Interval time.Duration // default DefaultCloudPollInterval
	Clock    clock.Clock   // times the polls; default clock.Real
	Logger   logrus.FieldLogger
}

// CloudWatcher polls cloud/status periodically and after every reconnect, and tells
// subscribers (the remote-access gateway in "auto" mode) when it changes.
type CloudWatcher struct {
	conn     CoreConnection
	interval time.Duration
	clock    clock.Clock
	log      logrus.FieldLogger
	status   fanout[CloudStatus]
}

// NewCloudWatcher builds a watcher; Run drives it.
func NewCloudWatcher(conn CoreConnection, opts CloudWatcherOptions) *CloudWatcher {
	if opts.Interval <= 0 {
		opts.Interval = DefaultCloudPollInterval
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = logrus.StandardLogger()
	}
	return &CloudWatcher{conn: conn, interval: opts.Interval, clock: opts.Clock,
		log: opts.Logger.WithField("component", "hass.cloud")}
}

// Subscribe returns a channel that receives the current status (once known) and then
// every change, newest only; cancel closes it.
func (w *CloudWatcher) Subscribe() (<-chan CloudStatus, func()) { return w.status.subscribe() }

// Current returns the last status read, and whether one was read yet.
func (w *CloudWatcher) Current() (CloudStatus, bool) { return w.status.current() }

// ICEServers fetches HA Cloud's TURN servers now; call it for every remote session,
// because the credentials are short-lived. Empty when HA Cloud cannot provide them.
func (w *CloudWatcher) ICEServers(ctx context.Context) ([]ICEServer, error) {
	return FetchICEServers(ctx, w.conn)
}

// Poll reads cloud/status now and publishes it if it changed.
func (w *CloudWatcher) Poll(ctx context.Context) (CloudStatus, error) {
	st, err := FetchCloudStatus(ctx, w.conn)
	if err != nil {
		return CloudStatus{}, err
	}
	prev, known := w.status.current()
	if !known || prev != st {
		w.log.WithFields(logrus.Fields{
			"logged_in": st.LoggedIn, "active_subscription": st.ActiveSubscription, "cloud": st.Cloud,
		}).Info("home assistant cloud status changed")
		w.status.publish(st)
	}
	return st, nil
}

// Run polls until ctx ends. A failed poll keeps the last known status: the reconnect
// that follows a lost connection triggers a fresh poll anyway.
func (w *CloudWatcher) Run(ctx context.Context) error {
	reconnects, cancel := w.conn.Connections()
	defer cancel()
	next := w.clock.NewTimer(w.interval)
	defer next.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-reconnects:
		case <-next.C():
			next.Reset(w.interval)
		}
		if _, err := w.Poll(ctx); err != nil && ctx.Err() == nil {
			w.log.WithError(err).Warn("home assistant cloud status: poll failed")
		}
	}
}
