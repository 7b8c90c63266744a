package remote

import (
	"context"
	"time"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/feature"
)

// ConfigureArgs are remote_access/configure's arguments: MA's {enabled} or Segue's {mode}.
type ConfigureArgs struct {
	Enabled *bool   `json:"enabled,omitempty"`
	Mode    *string `json:"mode,omitempty"`
}

// Module is what remote access adds to the server: remote_access/info and
// remote_access/configure (admin only, as MA), and the controller's loop as
// background work.
func (c *Controller) Module() feature.Module {
	return feature.Module{Name: "remote", Commands: c.commands(),
		Background: []func(context.Context) error{func(ctx context.Context) error { c.Run(ctx); return nil }}}
}

func (c *Controller) commands() []api.Command {
	return []api.Command{
		{
			Name: "remote_access/info", Scope: auth.ScopeSystemManage,
			Description: "Remote access state: enabled, running, connected, remote_id, using_ha_cloud, signaling_url.",
			Handler: func(ctx context.Context, call *api.Call) (any, error) {
				return c.Info(), nil
			},
		},
		{
			Name: "remote_access/configure", Scope: auth.ScopeSystemManage,
			Description: "Turn remote access on, off or auto ({mode}), or MA's {enabled: bool}.",
			Args:        ConfigureArgs{},
			Handler: func(ctx context.Context, call *api.Call) (any, error) {
				args, err := api.DecodeArgs[ConfigureArgs](call)
				if err != nil {
					return nil, err
				}
				var m Mode
				switch {
				case args.Mode != nil && args.Enabled != nil:
					return nil, fail.Invalid("Give either mode or enabled, not both")
				case args.Mode != nil:
					if m, err = ParseMode(*args.Mode); err != nil || *args.Mode == "" {
						return nil, fail.Invalid("mode must be off, on or auto")
					}
				case args.Enabled != nil:
					m = ModeOff
					if *args.Enabled {
						m = ModeOn
					}
				default:
					return nil, fail.Invalid("mode or enabled is required")
				}
				if err := c.SetMode(ctx, m); err != nil {
					return nil, fail.Unavailable(err)
				}
				return c.waitApplied(ctx, m), nil
			},
		},
	}
}

// waitApplied waits until the controller loop has acted on mode m, so the reply
// shows the resulting state; it never waits on the signaling server (the loop
// only starts or stops the gateway).
func (c *Controller) waitApplied(ctx context.Context, m Mode) Info {
	// Only a safety net for a loop that is gone (shutdown): the wait ends on
	// the loop's signal, never by time, so the injected clock has no part here.
	gone := time.NewTimer(time.Second)
	defer gone.Stop()
	for {
		c.mu.Lock()
		in, done, applied := c.infoLocked(), c.appliedMode == m, c.applied
		c.mu.Unlock()
		if done {
			return in
		}
		select {
		case <-applied:
		case <-ctx.Done():
			return in
		case <-gone.C:
			return in
		}
	}
}
