package api

import (
	"context"
	"time"

	"segue/internal/clock"
	"segue/internal/fail"
)

// CoreDeps are what info, time and onboarding need.
type CoreDeps struct {
	Info func(ctx context.Context, info ConnInfo) ServerInfo
	// Onboarded reports whether onboarding finished; CompleteOnboarding records it durably.
	Onboarded          func() bool
	CompleteOnboarding func(ctx context.Context) error
	Clock              clock.Clock
	// Publish sends an event to subscribers.
	Publish func(event, objectID string, data any)
}

// OnboardDoneKey is the setting that records finished onboarding.
const OnboardDoneKey = "onboard_done"

// RegisterCoreCommands adds info, time and config/onboard_complete.
func RegisterCoreCommands(reg *Registry, d CoreDeps) {
	reg.Register(
		Command{Name: "info", Public: true, Description: "Server information (the same object as the first frame).",
			Handler: func(ctx context.Context, c *Call) (any, error) { return d.Info(ctx, c.Info), nil }},
		Command{Name: "time", Public: true, Description: "Server time as unix seconds.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				return float64(d.Clock.Now().UnixNano()) / float64(time.Second), nil
			}},
		Command{Name: "config/onboard_complete", Description: "Mark onboarding as finished.",
			Handler: func(ctx context.Context, c *Call) (any, error) {
				if d.Onboarded() {
					return nil, fail.Invalid("Onboarding already completed")
				}
				if err := d.CompleteOnboarding(ctx); err != nil {
					return nil, fail.Unavailable(err)
				}
				if d.Publish != nil {
					d.Publish("core_state_updated", "", d.Info(ctx, c.Info))
				}
				return nil, nil
			}},
	)
}
