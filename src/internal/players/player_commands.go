package players

import (
	"context"
	"encoding/json"
	"time"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
)

type seekArgs struct {
	PlayerID string  `json:"player_id"`
	Position float64 `json:"position"`
}

type volumeArgs struct {
	PlayerID    string `json:"player_id"`
	VolumeLevel *int   `json:"volume_level"`
}

type muteArgs struct {
	PlayerID string `json:"player_id"`
	Muted    bool   `json:"muted"`
}

type powerArgs struct {
	PlayerID string `json:"player_id"`
	Powered  bool   `json:"powered"`
}

// service is one HA call on the entry's entity, to make after mu is released.
func (r *Registry) service(e *entry, name string, data map[string]any) func(ctx context.Context) error {
	id := e.state.EntityID
	return func(ctx context.Context) error {
		if err := r.d.Speakers.Call(ctx, id, name, data); err != nil {
			return speakerError(err)
		}
		return nil
	}
}

// playLocked is MA's play: a paused stream of ours continues; a queue that was stopped
// or paused too long starts again where it was, on a new URL; else the speaker's own play.
func (r *Registry) playLocked(e *entry) (func(ctx context.Context) error, error) {
	q := &e.q
	switch {
	case q.url != "" && q.state == StatePaused:
		q.state = StatePlaying
		q.setPosition(q.posBase, r.d.Clock.Now())
		q.pausedAt, q.commandAt = time.Time{}, r.d.Clock.Now()
		r.queueChangedLocked(e, false)
		return r.service(e, "media_play", nil), nil
	case q.url != "":
		return nil, nil // already playing
	case q.currentItem() != nil:
		return r.startLocked(e, q.current, int(q.position(r.d.Clock.Now())))
	}
	return r.service(e, "media_play", nil), nil
}

func (r *Registry) pauseLocked(e *entry) (func(ctx context.Context) error, error) {
	q := &e.q
	if q.url == "" {
		if e.state.State == "playing" {
			return r.service(e, "media_pause", nil), nil // something else plays
		}
		return nil, nil // MA: pausing an idle player is not an error
	}
	if q.state == StatePlaying {
		now := r.d.Clock.Now()
		q.setPosition(q.position(now), now)
		q.state, q.pausedAt, q.commandAt = StatePaused, now, now
		r.queueChangedLocked(e, false)
	}
	return r.service(e, "media_pause", nil), nil
}

// volumeStep is MA's step for volume_up/down: finer near the ends.
func volumeStep(level int) int {
	switch {
	case level < 5 || level > 95:
		return 1
	case level < 20 || level > 80:
		return 2
	}
	return 5
}

func (r *Registry) setVolumeLocked(e *entry, level int) (func(ctx context.Context) error, error) {
	level = min(max(level, 0), 100)
	return r.service(e, "volume_set", map[string]any{"volume_level": float64(level) / 100}), nil
}

func (r *Registry) currentVolumeLocked(e *entry) int {
	if v := r.playerLocked(e).VolumeLevel; v != nil {
		return *v
	}
	return 0
}

// playerCommands are MA's players/cmd/* (players.control); every one checks the
// caller's player_filter through withQueue.
func (r *Registry) playerCommands() []api.Command {
	cmd := func(name, desc string, args any, fn func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error)) api.Command {
		return api.Command{Name: "players/cmd/" + name, Scope: auth.ScopePlayersControl, Description: desc, Args: args,
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				var a playerArgs
				if err := api.DecodeLenientArgs(c, &a); err != nil {
					return nil, err
				}
				if err := r.requireSpeakers(); err != nil {
					return nil, err
				}
				return nil, r.withQueue(ctx, c.Principal, a.PlayerID, func(e *entry) (func(ctx context.Context) error, error) {
					return fn(e, c.Args)
				})
			}}
	}
	return []api.Command{
		cmd("play", "Play or resume.", playerArgs{}, func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			return r.playLocked(e)
		}),
		cmd("pause", "Pause.", playerArgs{}, func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			return r.pauseLocked(e)
		}),
		cmd("play_pause", "Toggle play and pause.", playerArgs{}, func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			if r.playerLocked(e).PlaybackState == StatePlaying {
				return r.pauseLocked(e)
			}
			return r.playLocked(e)
		}),
		cmd("stop", "Stop.", playerArgs{}, func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			stop := r.stopLocked(e)
			r.queueChangedLocked(e, false)
			if stop == nil && e.state.State == "playing" {
				return r.service(e, "media_stop", nil), nil
			}
			return stop, nil
		}),
		cmd("next", "Next track.", playerArgs{}, func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			if e.q.currentItem() == nil {
				return r.service(e, "media_next_track", nil), nil
			}
			return r.skipLocked(e, +1)
		}),
		cmd("previous", "Previous track.", playerArgs{}, func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			if e.q.currentItem() == nil {
				return r.service(e, "media_previous_track", nil), nil
			}
			return r.skipLocked(e, -1)
		}),
		cmd("seek", "Seek to position (seconds): the queue restarts the track's stream there.", seekArgs{},
			func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
				var a seekArgs
				if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
					return nil, err
				}
				item := e.q.currentItem()
				if item == nil {
					return nil, fail.Invalid("Nothing to seek in")
				}
				pos := min(max(int(a.Position), 0), max(item.Duration-1, 0))
				call, err := r.startLocked(e, e.q.current, pos)
				if err == nil && r.d.Publish != nil {
					r.d.Publish(nil, "queue_time_updated", e.state.EntityID, float64(pos))
				}
				return call, err
			}),
		cmd("volume_set", "Set the volume (0-100).", volumeArgs{}, func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
			var a volumeArgs
			if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil || a.VolumeLevel == nil {
				return nil, fail.Invalid("volume_level (0-100) is required")
			}
			return r.setVolumeLocked(e, *a.VolumeLevel)
		}),
		cmd("volume_up", "Volume up a step.", playerArgs{}, func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			v := r.currentVolumeLocked(e)
			return r.setVolumeLocked(e, v+volumeStep(v))
		}),
		cmd("volume_down", "Volume down a step.", playerArgs{}, func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			v := r.currentVolumeLocked(e)
			return r.setVolumeLocked(e, v-volumeStep(v))
		}),
		cmd("volume_mute", "Mute or unmute.", muteArgs{}, func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
			var a muteArgs
			if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
				return nil, err
			}
			return r.service(e, "volume_mute", map[string]any{"is_volume_muted": a.Muted}), nil
		}),
		cmd("power", "Turn on or off.", powerArgs{}, func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
			var a powerArgs
			if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
				return nil, err
			}
			if !a.Powered {
				stop := r.stopLocked(e)
				r.queueChangedLocked(e, false)
				off := r.service(e, "turn_off", nil)
				return func(ctx context.Context) error {
					if stop != nil {
						_ = stop(ctx)
					}
					return off(ctx)
				}, nil
			}
			return r.service(e, "turn_on", nil), nil
		}),
	}
}
