package players

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strconv"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/hass"
)

// mediaArg is play_media's media: a URI, a list of URIs, a media item object or a
// list of them (the frontend sends the item itself on a plain click).
type mediaArg []string

func (m *mediaArg) UnmarshalJSON(b []byte) error {
	var one any
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	list, isList := one.([]any)
	if !isList {
		list = []any{one}
	}
	for _, v := range list {
		switch x := v.(type) {
		case string:
			*m = append(*m, x)
		case map[string]any:
			if uri, ok := x["uri"].(string); ok {
				*m = append(*m, uri)
			}
		}
	}
	return nil
}

type playMediaArgs struct {
	QueueID   string   `json:"queue_id"`
	Media     mediaArg `json:"media"`
	Option    string   `json:"option"`
	StartItem string   `json:"start_item"`
}

type itemsArgs struct {
	QueueID string `json:"queue_id"`
	Limit   int    `json:"limit"`
	Offset  int    `json:"offset"`
}

// itemRef is a queue item named by its queue_item_id or its index.
type itemRef string

func (i *itemRef) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		*i = itemRef(x)
	case float64:
		*i = itemRef(strconv.Itoa(int(x)))
	}
	return nil
}

type indexArgs struct {
	QueueID string  `json:"queue_id"`
	Index   itemRef `json:"index"`
}

type moveArgs struct {
	QueueID     string  `json:"queue_id"`
	QueueItemID itemRef `json:"queue_item_id"`
	PosShift    int     `json:"pos_shift"`
}

type deleteArgs struct {
	QueueID       string  `json:"queue_id"`
	ItemIDOrIndex itemRef `json:"item_id_or_index"`
}

type shuffleArgs struct {
	QueueID        string `json:"queue_id"`
	ShuffleEnabled bool   `json:"shuffle_enabled"`
}

type repeatArgs struct {
	QueueID    string `json:"queue_id"`
	RepeatMode string `json:"repeat_mode"`
}

// indexOf finds a queue item by id or by index.
func (q *playQueue) indexOf(ref itemRef) (int, bool) {
	for i, it := range q.items {
		if it.QueueItemID == string(ref) {
			return i, true
		}
	}
	if n, err := strconv.Atoi(string(ref)); err == nil && n >= 0 && n < len(q.items) {
		return n, true
	}
	return 0, false
}

// randomN is a random number in [0, n) from the injected source.
func randomN(rnd io.Reader, n int) int {
	var b [8]byte
	_, _ = io.ReadFull(rnd, b[:])
	return int(binary.BigEndian.Uint64(b[:]) % uint64(n))
}

// shuffleAfter reorders the items after index at random (MA keeps played ones).
func shuffleAfter(rnd io.Reader, items []QueueItem, index int) {
	rest := items[index+1:]
	for i := len(rest) - 1; i > 0; i-- {
		j := randomN(rnd, i+1)
		rest[i], rest[j] = rest[j], rest[i]
	}
}

// withQueue runs fn for a queue the principal may control: under the player's command
// lock, with mu held; fn may return an HA call to make after mu is released.
func (r *Registry) withQueue(ctx context.Context, p *auth.Principal, id string,
	fn func(e *entry) (func(ctx context.Context) error, error)) error {
	r.mu.Lock()
	e, ok := r.lookupLocked(p, id)
	r.mu.Unlock()
	if !ok {
		return errNoPlayer(id)
	}
	e.ctl.Lock()
	defer e.ctl.Unlock()
	r.mu.Lock()
	then, err := fn(e)
	r.mu.Unlock()
	if err != nil || then == nil {
		return err
	}
	return then(ctx)
}

func (r *Registry) requireSpeakers() error {
	if r.d.Speakers == nil {
		return fail.Unavailable(nil)
	}
	return nil
}

func (r *Registry) playMedia(ctx context.Context, p *auth.Principal, a playMediaArgs) (any, error) {
	if len(a.Media) == 0 {
		return nil, fail.Invalid("No media to play")
	}
	if err := r.requireSpeakers(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	_, ok := r.lookupLocked(p, a.QueueID)
	r.mu.Unlock()
	if !ok {
		return nil, errNoPlayer(a.QueueID)
	}
	tracks, err := r.d.Tracks(ctx, p, a.Media)
	if err != nil {
		return nil, err
	}
	if a.StartItem != "" {
		for i, t := range tracks {
			if strconv.FormatInt(t.ID, 10) == a.StartItem || t.URI == a.StartItem {
				tracks = tracks[i:]
				break
			}
		}
	}
	if len(tracks) == 0 {
		return nil, fail.NotFound("Nothing to play")
	}
	return nil, r.withQueue(ctx, p, a.QueueID, func(e *entry) (func(ctx context.Context) error, error) {
		q := &e.q
		items := make([]QueueItem, len(tracks))
		for i, t := range tracks {
			items[i] = r.newItem(e, t)
		}
		option := a.Option
		if option == "" {
			option = "replace"
		}
		insertAt := q.current + 1
		switch option {
		case "replace":
			q.items, insertAt = items, 0
		case "play", "next":
			q.items = slices.Insert(q.items, insertAt, items...)
		case "replace_next":
			q.items = append(q.items[:insertAt], items...)
		case "add":
			insertAt = len(q.items)
			q.items = append(q.items, items...)
		default:
			return nil, fail.Invalid("Unknown enqueue option")
		}
		if q.shuffle && option != "replace" {
			shuffleAfter(r.d.Rand, q.items, insertAt-1)
		} else if q.shuffle {
			shuffleAfter(r.d.Rand, q.items, -1)
		}
		if q.current < 0 && option != "replace" && option != "play" {
			q.current = 0 // MA: adding to an empty queue points at its first item without playing
			q.setPosition(0, r.d.Clock.Now())
		}
		r.queueChangedLocked(e, true)
		if option == "replace" || option == "play" {
			return r.startLocked(e, insertAt, 0)
		}
		return nil, nil
	})
}

// newItem makes a queue item for a track.
func (r *Registry) newItem(e *entry, t Track) QueueItem {
	var id [16]byte
	_, _ = io.ReadFull(r.d.Rand, id[:])
	media, _ := json.Marshal(t.MediaItem)
	image, _ := json.Marshal(t.Image)
	e.q.nextSort++
	return QueueItem{QueueID: e.state.EntityID, QueueItemID: hex.EncodeToString(id[:]), Name: t.Name, Duration: t.Duration,
		SortIndex: e.q.nextSort, MediaItem: media, Image: image, Available: true, ExtraAttributes: map[string]any{}, track: t}
}

// QueueCommands are the queue's commands (queues.control); items is queues.read.
func (r *Registry) queueCommands() []api.Command {
	type queueFn = func(e *entry, a json.RawMessage) (func(ctx context.Context) error, error)
	control := func(name, desc string, args any, fn func(ctx context.Context, p *auth.Principal, raw json.RawMessage) (any, error)) api.Command {
		return api.Command{Name: name, Scope: auth.ScopeQueuesControl, Description: desc, Args: args,
			Handler: func(ctx context.Context, c *api.Call) (any, error) { return fn(ctx, c.Principal, c.Args) }}
	}
	onQueue := func(fn queueFn) func(ctx context.Context, p *auth.Principal, raw json.RawMessage) (any, error) {
		return func(ctx context.Context, p *auth.Principal, raw json.RawMessage) (any, error) {
			var a queueArgs
			if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
				return nil, err
			}
			return nil, r.withQueue(ctx, p, a.QueueID, func(e *entry) (func(ctx context.Context) error, error) { return fn(e, raw) })
		}
	}
	return []api.Command{
		{Name: "player_queues/play_media", Scope: auth.ScopeQueuesControl, Args: playMediaArgs{},
			Description: "Play library media (tracks, albums, artists, playlists) on a player: option play, replace, next, replace_next or add.",
			Handler:     handle(r.playMedia)},
		{Name: "player_queues/items", Scope: auth.ScopeQueuesRead, Description: "A page of a queue's items.", Args: itemsArgs{},
			Handler: func(ctx context.Context, c *api.Call) (any, error) {
				a := itemsArgs{Limit: 500}
				if err := api.DecodeLenientArgs(c, &a); err != nil {
					return nil, err
				}
				r.mu.Lock()
				defer r.mu.Unlock()
				e, ok := r.lookupLocked(c.Principal, a.QueueID)
				if !ok {
					return []QueueItem{}, nil // MA: an unknown queue has no items
				}
				items := e.q.items
				lo := min(max(a.Offset, 0), len(items))
				hi := min(lo+min(max(a.Limit, 0), 1000), len(items))
				return append([]QueueItem{}, items[lo:hi]...), nil
			}},
		control("player_queues/play_index", "Play the queue item given by index or queue_item_id.", indexArgs{}, onQueue(
			func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
				var a indexArgs
				if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
					return nil, err
				}
				i, ok := e.q.indexOf(a.Index)
				if !ok {
					return nil, fail.NotFound("No such queue item")
				}
				return r.startLocked(e, i, 0)
			})),
		control("player_queues/next", "Next item.", queueArgs{}, onQueue(func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
			return r.skipLocked(e, +1)
		})),
		control("player_queues/previous", "Previous item (or the start of this one after 5 s).", queueArgs{}, onQueue(
			func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) { return r.skipLocked(e, -1) })),
		control("player_queues/shuffle", "Shuffle the items after the current one, or restore their order.", shuffleArgs{}, onQueue(
			func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
				var a shuffleArgs
				if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
					return nil, err
				}
				q := &e.q
				if a.ShuffleEnabled && !q.shuffle {
					shuffleAfter(r.d.Rand, q.items, q.current)
				} else if !a.ShuffleEnabled && q.shuffle {
					slices.SortStableFunc(q.items[q.current+1:], func(x, y QueueItem) int { return x.SortIndex - y.SortIndex })
				}
				q.shuffle = a.ShuffleEnabled
				r.queueChangedLocked(e, true)
				return nil, nil
			})),
		control("player_queues/repeat", "Repeat mode: off, one or all.", repeatArgs{}, onQueue(
			func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
				var a repeatArgs
				if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
					return nil, err
				}
				if a.RepeatMode != "off" && a.RepeatMode != "one" && a.RepeatMode != "all" {
					return nil, fail.Invalid("repeat_mode must be off, one or all")
				}
				e.q.repeat = a.RepeatMode
				r.queueChangedLocked(e, false)
				return nil, nil
			})),
		control("player_queues/clear", "Stop and empty the queue.", queueArgs{}, onQueue(
			func(e *entry, _ json.RawMessage) (func(ctx context.Context) error, error) {
				stop := r.stopLocked(e)
				e.q.items, e.q.current, e.q.shuffle, e.q.ended = nil, -1, false, false
				e.q.setPosition(0, r.d.Clock.Now())
				r.queueChangedLocked(e, true)
				return stop, nil
			})),
		control("player_queues/move_item", "Move an item: pos_shift -1 up, +1 down, 0 to play next.", moveArgs{}, onQueue(
			func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
				var a moveArgs
				if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
					return nil, err
				}
				return nil, r.moveLocked(e, a.QueueItemID, a.PosShift, false)
			})),
		control("player_queues/move_item_end", "Move an item to the end.", moveArgs{}, onQueue(
			func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
				var a moveArgs
				if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
					return nil, err
				}
				return nil, r.moveLocked(e, a.QueueItemID, 0, true)
			})),
		control("player_queues/delete_item", "Remove an item (not the one playing).", deleteArgs{}, onQueue(
			func(e *entry, raw json.RawMessage) (func(ctx context.Context) error, error) {
				var a deleteArgs
				if err := api.DecodeLenientArgs(&api.Call{Args: raw}, &a); err != nil {
					return nil, err
				}
				q := &e.q
				i, ok := q.indexOf(a.ItemIDOrIndex)
				if !ok {
					return nil, fail.NotFound("No such queue item")
				}
				if i == q.current && q.url != "" {
					return nil, fail.Invalid("The item playing now cannot be removed")
				}
				q.items = slices.Delete(q.items, i, i+1)
				if i < q.current || q.current >= len(q.items) {
					q.current--
				}
				r.queueChangedLocked(e, true)
				return nil, nil
			})),
	}
}

// moveLocked moves an item within the queue; the item playing stays where it is.
func (r *Registry) moveLocked(e *entry, ref itemRef, shift int, toEnd bool) error {
	q := &e.q
	i, ok := q.indexOf(ref)
	if !ok {
		return fail.NotFound("No such queue item")
	}
	if i == q.current {
		return fail.Invalid("The current item cannot be moved")
	}
	target := i + shift
	switch {
	case toEnd:
		target = len(q.items) - 1
	case shift == 0:
		target = q.current + 1
		if i < q.current {
			target = q.current
		}
	}
	target = min(max(target, 0), len(q.items)-1)
	item := q.items[i]
	cur := ""
	if c := q.currentItem(); c != nil {
		cur = c.QueueItemID
	}
	q.items = slices.Delete(q.items, i, i+1)
	q.items = slices.Insert(q.items, target, item)
	for k, it := range q.items {
		if it.QueueItemID == cur {
			q.current = k
		}
	}
	r.queueChangedLocked(e, true)
	return nil
}

// skipLocked plays the next (+1) or previous (-1) item; previous restarts the current
// item once 5 s of it have played (MA).
func (r *Registry) skipLocked(e *entry, dir int) (func(ctx context.Context) error, error) {
	q := &e.q
	if q.current < 0 {
		return nil, fail.Invalid("The queue is empty")
	}
	target := q.current + dir
	if dir < 0 && q.position(r.d.Clock.Now()) > 5 {
		target = q.current
	}
	if target >= len(q.items) && q.repeat == "all" {
		target = 0
	}
	if target < 0 || target >= len(q.items) {
		return nil, fail.Invalid("No more items")
	}
	return r.startLocked(e, target, 0)
}

// stopLocked ends our stream on the speaker (a call to make after mu), keeping the
// position to resume from.
func (r *Registry) stopLocked(e *entry) func(ctx context.Context) error {
	q := &e.q
	if q.url == "" {
		q.state = StateIdle
		return nil
	}
	now := r.d.Clock.Now()
	q.setPosition(q.position(now), now)
	q.url, q.state, q.expectIdle, q.commandAt = "", StateIdle, true, now
	id := e.state.EntityID
	return func(ctx context.Context) error {
		err := r.d.Speakers.Call(ctx, id, "media_stop", nil)
		if hass.IsCommandError(err, hass.CodeServiceValidation) {
			err = r.d.Speakers.Call(ctx, id, "media_pause", nil) // MA's fallback for speakers without STOP
		}
		if err != nil {
			return speakerError(err)
		}
		return nil
	}
}
