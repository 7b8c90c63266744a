package api

import (
	"context"
	"encoding/json"
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
		// MA answers set_locale before authentication too (special-cased before its
		// dispatch); Segue has no server-side translations yet, so it only echoes.
		Command{Name: "translations/set_locale", Public: true, Description: "Set the connection's locale for server-side texts.",
			Args: setLocaleArgs{}, Handler: setLocale},
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

type setLocaleArgs struct {
	Locale string `json:"locale"`
}

func setLocale(ctx context.Context, c *Call) (any, error) {
	// Unknown keys are ignored, as MA does.
	var args setLocaleArgs
	if len(c.Args) > 0 {
		if err := json.Unmarshal(c.Args, &args); err != nil {
			return nil, fail.Invalid("Invalid arguments: malformed JSON")
		}
	}
	if args.Locale == "" || len(args.Locale) > 35 {
		return nil, fail.New(fail.KindUnknownCommand, "locale required in args")
	}
	return map[string]string{"locale": args.Locale}, nil
}
